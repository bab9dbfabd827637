// The JSON types the models are made of (free-form payload parts, numbers as written, timestamps), so
// importing ChatlioWebhooks is enough to read a webhook. The parser's options and errors, the writer,
// JSONPointer and JSONTape stay ChatlioJSON's: import it for those.
@_exported public import enum ChatlioJSON.JSONValue
@_exported public import typealias ChatlioJSON.JSONObject
@_exported public import struct ChatlioJSON.JSONNumber
@_exported public import struct ChatlioJSON.RFC3339Timestamp
