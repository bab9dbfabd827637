@_exported public import ChatlioJSON
