/// A JSON number that keeps its exact text.
///
/// Chatlio and AEP both carry numbers that a `Double` would change: 64-bit
/// ids, long decimals. `JSONNumber` stores the literal as written and converts
/// only on request, so a value read from JSON is written back unchanged.
///
/// ```swift
/// let big = JSONNumber(text: "12345678901234567890123")!
/// big.int64Value   // nil: does not fit
/// big.text         // "12345678901234567890123", written back as is
/// JSONNumber(42).int64Value // 42
/// ```
///
/// Two numbers are equal when their text is equal: `1` and `1.0` differ, as
/// integers and decimals differ in XDM.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number as written in JSON.
    public let text: String

    /// Creates a number from JSON number text, or `nil` when `text` is not a
    /// valid JSON number (RFC 8259 §6).
    public init?(text: String) {
        var text = text
        let valid = text.withUTF8 { JSONNumber.isValidLiteral(UnsafeRawBufferPointer($0)) }
        guard valid else { return nil }
        self.text = text
    }

    /// Creates a number from text the parser has already checked.
    init(uncheckedText text: String) {
        self.text = text
    }

    /// Creates an integer number.
    public init<Integer: BinaryInteger>(_ value: Integer) {
        self.text = String(value)
    }

    /// Creates a number from a finite `Double`, or `nil` for NaN and infinities
    /// (JSON has no literal for them).
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        if value == value.rounded(.towardZero), abs(value) < 1e15 {
            self.text = String(Int64(value))
        } else {
            self.text = "\(value)"
        }
    }

    public var description: String { text }

    /// Whether the text has no fraction and no exponent.
    public var isInteger: Bool {
        !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }

    /// The value as `Int64`, when the text is an integer that fits.
    public var int64Value: Int64? { Int64(text) }

    /// The value as `Double` (the nearest one; may lose precision).
    public var doubleValue: Double { Double(text) ?? .nan }

    /// Whether `byte` can be part of a number literal: a scanner takes the
    /// whole run, then checks it with ``isValidLiteral(_:)``.
    @inline(__always)
    package static func isLiteralByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"),
            UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
            true
        default:
            false
        }
    }

    /// Checks the JSON number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    package static func isValidLiteral(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        func digits() -> Int {
            let start = index
            while index < count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
            return index - start
        }
        if index < count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < count else { return false }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            return false
        }
        if index < count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return false }
        }
        if index < count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return false }
        }
        return index == count
    }
}
