// The payload of this product's log hooks, so importing the product is enough to write one.
@_exported public import struct ChatlioAEPLogging.ChatlioLogRecord
