import ChatlioJSON
import FuzzSupport

/// RFC3339Timestamp parsing. Properties: a parsed timestamp's UTC form (every
/// fraction digit kept) parses again to the same instant; `isValid` agrees
/// with the parser; nanoseconds stay in range.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTimestamp(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: bytes(data, size), as: UTF8.self)
    let parsed = RFC3339Timestamp(parsing: text)
    require(RFC3339Timestamp.isValid(text) == (parsed != nil), "isValid disagrees with the parser on \(text.debugDescription)")
    guard let timestamp = parsed else { return 0 }
    require((0..<1_000_000_000).contains(timestamp.nanoseconds), "nanoseconds \(timestamp.nanoseconds) out of range for \(text.debugDescription)")
    require(timestamp.text == text, "text not kept")
    let utc = timestamp.utcString(fractionDigits: 9)
    guard let again = RFC3339Timestamp(parsing: utc) else {
        require(false, "utcString \(utc.debugDescription) of \(text.debugDescription) does not parse")
        return 0
    }
    require(
        again.secondsSince1970 == timestamp.secondsSince1970 && again.nanoseconds == timestamp.nanoseconds,
        "\(text.debugDescription) → \(utc.debugDescription) changes the instant")
    require(again.utcOffsetSeconds == 0 && again.fractionDigits == 9, "utcString is not UTC with 9 digits: \(utc.debugDescription)")
    return 0
}
