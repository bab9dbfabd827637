public import Foundation

extension JSONValue {
    /// Parses one JSON document from raw bytes.
    ///
    /// The parser is strict (RFC 8259): invalid UTF-8, duplicate member names,
    /// trailing data and comments are errors. Limits in `options` bound the
    /// work an untrusted input can cause.
    ///
    /// ```swift
    /// let value = try JSONValue(parsing: Data(#"{"ids":[1,2,3]}"#.utf8))
    /// ```
    ///
    /// - Throws: ``JSONParsingError`` naming the problem, its byte offset and
    ///   the JSON Pointer of the value being read.
    public init(parsing data: Data, options: JSONParsingOptions = .default) throws(JSONParsingError) {
        let result: Result<JSONValue, JSONParsingError> = data.withUnsafeBytes { buffer in
            Result { () throws(JSONParsingError) in try JSONValue.parse(buffer, options: options) }
        }
        self = try result.get()
    }

    /// Parses one JSON document from UTF-8 bytes.
    public init(parsing bytes: some Collection<UInt8>, options: JSONParsingOptions = .default) throws(JSONParsingError) {
        let contiguous: Result<JSONValue, JSONParsingError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParsingError) in try JSONValue.parse(UnsafeRawBufferPointer(buffer), options: options) }
        }
        if let contiguous {
            self = try contiguous.get()
        } else {
            let array = Array(bytes)
            let result: Result<JSONValue, JSONParsingError> = array.withUnsafeBytes { buffer in
                Result { () throws(JSONParsingError) in try JSONValue.parse(buffer, options: options) }
            }
            self = try result.get()
        }
    }

    /// Parses one JSON document from a string.
    public init(parsing text: String, options: JSONParsingOptions = .default) throws(JSONParsingError) {
        var text = text
        let result: Result<JSONValue, JSONParsingError> = text.withUTF8 { buffer in
            Result { () throws(JSONParsingError) in try JSONValue.parse(UnsafeRawBufferPointer(buffer), options: options) }
        }
        self = try result.get()
    }

    /// Parses raw bytes the caller keeps alive for the duration of the call.
    public static func parse(_ bytes: UnsafeRawBufferPointer, options: JSONParsingOptions = .default) throws(JSONParsingError) -> JSONValue {
        guard bytes.count <= options.maxBytes else {
            throw JSONParsingError(.inputTooLarge, at: options.maxBytes, "the input is \(bytes.count) bytes, above the limit of \(options.maxBytes)")
        }
        guard bytes.count < Int(UInt32.max) else {
            throw JSONParsingError(.inputTooLarge, at: Int(UInt32.max), "the input is \(bytes.count) bytes, above the parser's limit of 4 GiB")
        }
        // One grammar for the whole module: the tape's builder checks the text,
        // and the tree is read off its entries.
        var builder = JSONTapeBuilder(bytes: bytes, maxDepth: options.maxDepth)
        try builder.buildDocument()
        return builder.entries.withUnsafeBufferPointer { entries in
            JSONTape.value(at: 0, entries: entries, bytes: bytes).value
        }
    }
}
