// `LogEvent`, the payload of ``AEPInletEmulator/Configuration/log``, is shared by every ChatlioAEP product.
@_exported public import ChatlioAEPSupport
