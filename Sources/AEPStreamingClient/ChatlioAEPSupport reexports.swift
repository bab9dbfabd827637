// `LogEvent`, the payload of the client's log hook, is shared by every ChatlioAEP product.
@_exported public import ChatlioAEPSupport
