// `LogEvent`, the payload of the relay's log hook, is shared by every ChatlioAEP product.
@_exported public import ChatlioAEPSupport
