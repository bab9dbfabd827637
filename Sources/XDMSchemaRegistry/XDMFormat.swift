/// The string formats the validator checks.
///
/// Each check is hand-written over UTF-8 bytes (no regular expressions, no
/// allocation):
/// - `date-time`: RFC 3339 §5.6 `date-time`: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`,
///   `T`/`Z` in either case, real calendar days (leap years), second 60 allowed.
/// - `date`: RFC 3339 `full-date`.
/// - `email`: an RFC 5321 mailbox in the common form: a dot-atom local part
///   (at most 64 bytes) `@` a domain of at least two DNS labels (or an address
///   literal `[…]`). Quoted local parts and non-ASCII addresses are refused.
/// - `ipv4`: four decimal octets 0–255, no leading zeros.
/// - `ipv6`: RFC 4291 §2.2 text, with `::` and a dotted IPv4 tail; no zone id.
/// - `uri`: an RFC 3986 URI: a scheme, `:`, then only URI characters with valid
///   `%XX` escapes.
/// - `uri-reference`: a URI or a relative reference (RFC 3986 §4.1); a colon
///   before the first `/`, `?` or `#` must end a valid scheme.
///
/// ```swift
/// XDMFormat(rawValue: "ipv4")?.matches("203.0.113.7")   // true
/// XDMFormat.dateTime.matches("2016-02-07T11:02:17.839766-08:00")  // true
/// ```
public enum XDMFormat: String, Sendable, Hashable, CaseIterable {
    case dateTime = "date-time"
    case date
    case email
    case ipv4
    case ipv6
    case uri
    case uriReference = "uri-reference"

    /// Whether `string` is in this format.
    public func matches(_ string: String) -> Bool {
        var string = string
        return string.withUTF8 { matches(utf8: $0) }
    }

    /// Whether the UTF-8 text `bytes` is in this format: ``matches(_:)`` for
    /// callers that hold bytes, such as the mapper checking the body's text.
    package func matches(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        switch self {
        case .dateTime: FormatCheck.isDateTime(bytes)
        case .date: FormatCheck.isFullDate(bytes, from: 0) == bytes.count
        case .email: FormatCheck.isEmail(bytes)
        case .ipv4: FormatCheck.isIPv4(bytes[...])
        case .ipv6: FormatCheck.isIPv6(bytes[...])
        case .uri: FormatCheck.isURI(bytes, requireScheme: true)
        case .uriReference: FormatCheck.isURI(bytes, requireScheme: false)
        }
    }
}

/// The byte-level checks behind ``XDMFormat``.
enum FormatCheck {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
    static func isAlpha(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 }
    static func isHex(_ byte: UInt8) -> Bool { isDigit(byte) || (byte | 0x20) &- 0x61 < 6 }

    /// Reads `count` digits at `offset` as a number, or -1.
    static func digits(_ bytes: Bytes, _ offset: Int, _ count: Int) -> Int {
        guard offset + count <= bytes.count else { return -1 }
        var value = 0
        for index in offset..<(offset + count) {
            guard isDigit(bytes[index]) else { return -1 }
            value = value * 10 + Int(bytes[index] &- 0x30)
        }
        return value
    }

    /// Checks `YYYY-MM-DD` at `offset`; returns the offset after it, or -1.
    static func isFullDate(_ bytes: Bytes, from offset: Int) -> Int {
        let year = digits(bytes, offset, 4)
        guard year >= 0, offset + 10 <= bytes.count, bytes[offset + 4] == UInt8(ascii: "-"), bytes[offset + 7] == UInt8(ascii: "-") else { return -1 }
        let month = digits(bytes, offset + 5, 2)
        let day = digits(bytes, offset + 8, 2)
        guard (1...12).contains(month), day >= 1 else { return -1 }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days ? offset + 10 : -1
    }

    static func isDateTime(_ bytes: Bytes) -> Bool {
        var index = isFullDate(bytes, from: 0)
        guard index > 0, index + 9 <= bytes.count, bytes[index] | 0x20 == UInt8(ascii: "t") else { return false }
        index += 1
        let hour = digits(bytes, index, 2)
        let minute = digits(bytes, index + 3, 2)
        let second = digits(bytes, index + 6, 2)
        guard (0...23).contains(hour), bytes[index + 2] == UInt8(ascii: ":"), (0...59).contains(minute),
              bytes[index + 5] == UInt8(ascii: ":"), (0...60).contains(second) else { return false }
        index += 8
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            guard index > start else { return false }
        }
        guard index < bytes.count else { return false }
        if bytes[index] | 0x20 == UInt8(ascii: "z") { return index + 1 == bytes.count }
        guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"), index + 6 == bytes.count else { return false }
        let offsetHour = digits(bytes, index + 1, 2)
        let offsetMinute = digits(bytes, index + 4, 2)
        return (0...23).contains(offsetHour) && bytes[index + 3] == UInt8(ascii: ":") && (0...59).contains(offsetMinute)
    }

    static func isIPv4(_ bytes: Slice<Bytes>) -> Bool {
        var octets = 0
        var index = bytes.startIndex
        while true {
            let start = index
            var value = 0
            while index < bytes.endIndex, isDigit(bytes[index]) {
                value = value * 10 + Int(bytes[index] &- 0x30)
                index += 1
                guard index - start <= 3 else { return false }
            }
            let length = index - start
            guard length > 0, value <= 255, length == 1 || bytes[start] != UInt8(ascii: "0") else { return false }
            octets += 1
            if octets == 4 { return index == bytes.endIndex }
            guard index < bytes.endIndex, bytes[index] == UInt8(ascii: ".") else { return false }
            index += 1
        }
    }

    static func isIPv6(_ bytes: Slice<Bytes>) -> Bool {
        var groups = 0
        var sawDoubleColon = false
        var index = bytes.startIndex
        let end = bytes.endIndex
        guard end - index >= 2 else { return false }
        if bytes[index] == UInt8(ascii: ":") {
            guard bytes[index + 1] == UInt8(ascii: ":") else { return false }
            sawDoubleColon = true
            index += 2
            if index == end { return true }
        }
        while index < end {
            let start = index
            while index < end, isHex(bytes[index]), index - start < 5 { index += 1 }
            let length = index - start
            if index < end, bytes[index] == UInt8(ascii: ".") {
                // A dotted IPv4 tail counts as two groups.
                guard isIPv4(bytes[start..<end]) else { return false }
                groups += 2
                index = end
                break
            }
            guard (1...4).contains(length) else { return false }
            groups += 1
            if index == end { break }
            guard bytes[index] == UInt8(ascii: ":") else { return false }
            index += 1
            if index < end, bytes[index] == UInt8(ascii: ":") {
                guard !sawDoubleColon else { return false }
                sawDoubleColon = true
                index += 1
                if index == end { break }
            } else if index == end {
                return false
            }
        }
        return sawDoubleColon ? groups <= 7 : groups == 8
    }

    static func isAtext(_ byte: UInt8) -> Bool {
        if isAlpha(byte) || isDigit(byte) { return true }
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"),
             UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"),
             UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    static func isEmail(_ bytes: Bytes) -> Bool {
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")), at > 0, at <= 64, at + 1 < bytes.count else { return false }
        // Local part: dot-atom.
        var previousDot = true
        for index in 0..<at {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                guard !previousDot else { return false }
                previousDot = true
            } else {
                guard isAtext(byte) else { return false }
                previousDot = false
            }
        }
        guard !previousDot else { return false }
        let domainStart = at + 1
        if bytes[domainStart] == UInt8(ascii: "[") {
            guard bytes[bytes.count - 1] == UInt8(ascii: "]") else { return false }
            let literal = bytes[(domainStart + 1)..<(bytes.count - 1)]
            let tag: [UInt8] = Array("IPv6:".utf8)
            if literal.count > tag.count, literal.prefix(tag.count).elementsEqual(tag) {
                return isIPv6(literal.dropFirst(tag.count))
            }
            return isIPv4(literal)
        }
        return isHostname(bytes[domainStart...], minimumLabels: 2)
    }

    static func isHostname(_ bytes: Slice<Bytes>, minimumLabels: Int) -> Bool {
        guard bytes.count <= 253 else { return false }
        var labels = 0
        var labelStart = bytes.startIndex
        var index = bytes.startIndex
        while index <= bytes.endIndex {
            if index == bytes.endIndex || bytes[index] == UInt8(ascii: ".") {
                let length = index - labelStart
                guard (1...63).contains(length), bytes[labelStart] != UInt8(ascii: "-"), bytes[index - 1] != UInt8(ascii: "-") else { return false }
                labels += 1
                labelStart = index + 1
            } else {
                let byte = bytes[index]
                guard isAlpha(byte) || isDigit(byte) || byte == UInt8(ascii: "-") else { return false }
            }
            index += 1
        }
        return labels >= minimumLabels
    }

    /// RFC 3986 unreserved, reserved (gen-delims and sub-delims) characters; `%` handled apart.
    static func isURICharacter(_ byte: UInt8) -> Bool {
        if isAlpha(byte) || isDigit(byte) { return true }
        switch byte {
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
             UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: "["),
             UInt8(ascii: "]"), UInt8(ascii: "@"), UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"),
             UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }

    static func isURI(_ bytes: Bytes, requireScheme: Bool) -> Bool {
        // Scheme: everything before the first ':' that comes before any '/', '?' or '#'.
        var schemeEnd: Int?
        for index in 0..<bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ":") { schemeEnd = index; break }
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") { break }
        }
        if let schemeEnd {
            guard schemeEnd > 0, isAlpha(bytes[0]) else { return false }
            for index in 1..<schemeEnd {
                let byte = bytes[index]
                guard isAlpha(byte) || isDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") else { return false }
            }
        } else if requireScheme {
            return false
        }
        var index = 0
        var fragmentSeen = false
        while index < bytes.count {
            let byte = bytes[index]
            if URIMask.plain.contains(byte) {
                index += 1
                continue
            }
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, isHex(bytes[index + 1]), isHex(bytes[index + 2]) else { return false }
                index += 3
                continue
            }
            if byte == UInt8(ascii: "#") {
                guard !fragmentSeen else { return false }
                fragmentSeen = true
            } else if (byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")) && fragmentSeen {
                return false
            }
            guard isURICharacter(byte) else { return false }
            index += 1
        }
        return true
    }
}

/// The URI characters that need no further look (all but `%`, `#`, `[` and
/// `]`) as a 128-bit mask: one shift and test per byte for the long runs of
/// a URL, where the character switch cost about fifteen instructions a byte.
struct URIMask {
    let low: UInt64
    let high: UInt64

    static let plain: URIMask = {
        var low: UInt64 = 0
        var high: UInt64 = 0
        for byte in UInt8(0)..<128 where FormatCheck.isURICharacter(byte) && !"%#[]".utf8.contains(byte) {
            if byte < 64 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 64) }
        }
        return URIMask(low: low, high: high)
    }()

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        byte < 64 ? (low >> UInt64(byte)) & 1 != 0 : byte < 128 && (high >> UInt64(byte &- 64)) & 1 != 0
    }
}
