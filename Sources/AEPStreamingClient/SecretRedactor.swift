import ChatlioJSON

/// Removes credentials from text that came from the other side (an error
/// description, a problem message, a `Location`) before it goes into a log,
/// an error, a report or a dead letter: a server may echo what it was sent.
///
/// Each secret is found however it was encoded, byte by byte, in any mix of:
/// - raw UTF-8 (matched on bytes: a search by Characters misses a secret that
///   a combining mark joins to the text around it);
/// - percent-encoding, `%XX` with upper- or lower-case hex, whatever set of
///   characters the encoder left alone (form bodies, query strings, paths);
/// - form encoding's `+` for a space;
/// - JSON string escapes `\"`, `\\`, `\/` and `\u00XX` (raw JSON bodies).
///
/// Besides the known secrets, any `Bearer <token>` (16 token characters or
/// more, after a space, `+` or `%20`) loses its token: an echoed `Authorization` header shows no
/// credential even when it is not one of this client's.
///
/// Not found: secrets encoded twice (`%2525`), or in base64.
///
/// ```swift
/// let redactor = SecretRedactor(["p8e-s3cret/+="])
/// redactor.redact("client_secret=p8e-s3cret%2F%2b%3D")   // "client_secret=<redacted>"
/// ```
package struct SecretRedactor: Sendable {
    /// What stands where a secret was.
    package static let placeholder = "<redacted>"

    /// The UTF-8 bytes of each distinct, non-empty secret, longest first (so a
    /// secret that contains another is removed whole).
    private let needles: [[UInt8]]

    /// A redactor for these secrets (empty ones are ignored).
    package init(_ secrets: [String] = []) {
        var seen = Set<[UInt8]>()
        needles = secrets.map { Array($0.utf8) }
            .filter { !$0.isEmpty && seen.insert($0).inserted }
            .sorted { $0.count > $1.count }
    }

    /// Whether it knows no secret (it still redacts `Bearer` tokens).
    package var isEmpty: Bool { needles.isEmpty }

    /// `text` with every known secret, in every encoding above, and every
    /// bearer token replaced by ``placeholder``.
    package func redact(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        let placeholder = Array(Self.placeholder.utf8)
        var index = 0
        // A bearer token found ahead: its "Bearer " is still scanned for
        // secrets byte by byte (a secret may hide in it), its token is replaced.
        var pendingToken: Range<Int>?
        while index < bytes.count {
            if let token = pendingToken, index == token.lowerBound {
                result += placeholder
                index = token.upperBound
                pendingToken = nil
            } else if let end = secretEnd(in: bytes, at: index) {
                result += placeholder
                index = end
                if let token = pendingToken, end > token.lowerBound {
                    // The secret ran into the token: the rest of the token goes too.
                    index = max(end, token.upperBound)
                    pendingToken = nil
                }
            } else {
                if pendingToken == nil, let token = Self.bearerToken(in: bytes, at: index) { pendingToken = token }
                result.append(bytes[index])
                index += 1
            }
        }
        // Raw bytes only match whole scalars (a valid UTF-8 needle in valid
        // UTF-8 text), encoded forms only ASCII: the result is valid UTF-8.
        return String(decoding: result, as: UTF8.self)
    }

    /// Where the longest known secret starting at `start` ends, if one does.
    private func secretEnd(in text: [UInt8], at start: Int) -> Int? {
        for needle in needles {
            if let end = Self.matchEnd(of: needle, in: text, at: start) { return end }
        }
        return nil
    }

    /// Matches `needle` at `start`, each of its bytes in any of the forms the
    /// type lists, and returns the furthest end. The forms overlap (a `%` in
    /// the text may be a raw `%` of the secret or the start of `%25`), so every
    /// way of reading is followed at once; there are at most a few.
    static func matchEnd(of needle: [UInt8], in text: [UInt8], at start: Int) -> Int? {
        var positions = [start]
        for byte in needle {
            var next: [Int] = []
            for position in positions {
                for end in ends(of: byte, in: text, at: position) where !next.contains(end) {
                    next.append(end)
                }
            }
            if next.isEmpty { return nil }
            positions = next
        }
        return positions.max()
    }

    /// Every end of a reading of `byte` at `position`.
    private static func ends(of byte: UInt8, in text: [UInt8], at position: Int) -> [Int] {
        guard position < text.count else { return [] }
        var ends: [Int] = []
        let first = text[position]
        if first == byte { ends.append(position + 1) }
        switch first {
        case UInt8(ascii: "%"):
            if position + 2 < text.count, let high = JSONStringUnescaping.hexValue(text[position + 1]), let low = JSONStringUnescaping.hexValue(text[position + 2]), high << 4 | low == byte {
                ends.append(position + 3)
            }
        case UInt8(ascii: "+"):
            if byte == UInt8(ascii: " ") { ends.append(position + 1) }
        case UInt8(ascii: "\\"):
            guard position + 1 < text.count else { break }
            let escaped = text[position + 1]
            if escaped == byte, byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "/") {
                ends.append(position + 2)
            } else if escaped == UInt8(ascii: "u"), byte < 0x80, position + 5 < text.count,
                      text[position + 2] == UInt8(ascii: "0"), text[position + 3] == UInt8(ascii: "0"),
                      let high = JSONStringUnescaping.hexValue(text[position + 4]), let low = JSONStringUnescaping.hexValue(text[position + 5]), high << 4 | low == byte {
                ends.append(position + 6)
            }
        default:
            break
        }
        return ends
    }

    /// Shorter runs after "Bearer" are words ("Bearer token is missing"), not tokens.
    static let minimumBearerTokenLength = 16

    /// `Bearer` (any case, at a word start) then spaces (` `, `+`, `%20`) then a token68
    /// (RFC 6750) of at least ``minimumBearerTokenLength`` characters: where the token lies.
    private static func bearerToken(in text: [UInt8], at start: Int) -> Range<Int>? {
        let word = Array("bearer".utf8)
        guard text.count - start > word.count, text[start] | 0x20 == word[0] else { return nil }
        if start > 0, isTokenCharacter(text[start - 1]) { return nil }
        for offset in 1 ..< word.count where text[start + offset] | 0x20 != word[offset] {
            return nil
        }
        var index = start + word.count
        // Spaces, or their encoded forms in an echoed form body or query.
        while index < text.count {
            if text[index] == UInt8(ascii: " ") || text[index] == UInt8(ascii: "+") {
                index += 1
            } else if index + 2 < text.count, text[index] == UInt8(ascii: "%"), text[index + 1] == UInt8(ascii: "2"), text[index + 2] == UInt8(ascii: "0") {
                index += 3
            } else {
                break
            }
        }
        guard index > start + word.count else { return nil }
        let prefixEnd = index
        while index < text.count, isTokenCharacter(text[index]) { index += 1 }
        while index < text.count, text[index] == UInt8(ascii: "=") { index += 1 }
        guard index - prefixEnd >= minimumBearerTokenLength else { return nil }
        return prefixEnd ..< index
    }

    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a") ... UInt8(ascii: "z"), UInt8(ascii: "A") ... UInt8(ascii: "Z"), UInt8(ascii: "0") ... UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"):
            true
        default:
            false
        }
    }
}
