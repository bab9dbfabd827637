// Tests use the package's seeded generator, SplitMix64.
@_exported import ChatlioAEPSupport
