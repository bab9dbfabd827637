/// Writes JSON text into a byte buffer without intermediate strings.
///
/// Used by ``JSONValue/serialized(sortedKeys:)`` and by encoders that build
/// JSON directly on a hot path.
///
/// ```swift
/// var writer = JSONWriter()
/// writer.write(.object(["a": 1]), sortedKeys: true)
/// String(decoding: writer.bytes, as: UTF8.self)   // {"a":1}
/// ```
public struct JSONWriter: Sendable {
    /// The JSON text written so far, UTF-8.
    public private(set) var bytes: [UInt8]

    /// Creates a writer whose buffer can take `capacity` bytes before it grows.
    public init(capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends a value. With `sortedKeys`, object members are written in
    /// Unicode code point order of their names (byte order for ASCII names,
    /// as `JSONEncoder`'s `.sortedKeys`), which makes the output deterministic.
    public mutating func write(_ value: JSONValue, sortedKeys: Bool = false) {
        switch value {
        case .null: writeRaw("null")
        case .bool(let bool): writeRaw(bool ? "true" : "false")
        case .number(let number): writeRawText(number.text)
        case .string(let string): writeString(string)
        case .array(let array):
            bytes.append(UInt8(ascii: "["))
            for (offset, element) in array.enumerated() {
                if offset > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element, sortedKeys: sortedKeys)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            if sortedKeys {
                for (offset, member) in object.sorted(by: { $0.key < $1.key }).enumerated() {
                    if offset > 0 { bytes.append(UInt8(ascii: ",")) }
                    writeString(member.key)
                    bytes.append(UInt8(ascii: ":"))
                    write(member.value, sortedKeys: true)
                }
            } else {
                var first = true
                for (key, member) in object {
                    if !first { bytes.append(UInt8(ascii: ",")) }
                    first = false
                    writeString(key)
                    bytes.append(UInt8(ascii: ":"))
                    write(member, sortedKeys: false)
                }
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Appends a JSON string literal, escaping what RFC 8259 requires.
    ///
    /// Runs that need no escape (nearly all text) are found eight bytes at a
    /// time and copied in one go.
    public mutating func writeString(_ string: String) {
        JSONStringEscaping.write(string, to: &self)
    }

    /// Appends text that is already valid JSON (a number, a literal, punctuation).
    public mutating func writeRawText(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func writeRaw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}

@_spi(ChatlioAEPInternal) extension JSONWriter: JSONByteSink {
    @inline(__always)
    public mutating func append(_ byte: UInt8) {
        bytes.append(byte)
    }

    @inline(__always)
    public mutating func append(_ run: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: run.baseAddress?.assumingMemoryBound(to: UInt8.self), count: run.count))
    }
}

extension JSONValue {
    /// This value as compact JSON text (UTF-8 bytes).
    ///
    /// ```swift
    /// let value: JSONValue = ["b": 1, "a": [true, nil]]
    /// String(decoding: value.serialized(sortedKeys: true), as: UTF8.self)  // {"a":[true,null],"b":1}
    /// ```
    public func serialized(sortedKeys: Bool = false) -> [UInt8] {
        var writer = JSONWriter()
        writer.write(self, sortedKeys: sortedKeys)
        return writer.bytes
    }

    /// This value as compact JSON text.
    public func jsonString(sortedKeys: Bool = false) -> String {
        String(decoding: serialized(sortedKeys: sortedKeys), as: UTF8.self)
    }
}
