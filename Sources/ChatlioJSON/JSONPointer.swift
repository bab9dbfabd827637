/// JSON Pointer (RFC 6901) helpers.
///
/// ```swift
/// JSONPointer.string(from: ["visitor", "UUID"])   // "/visitor/UUID"
/// JSONPointer.appending("a/b", to: "/traits")     // "/traits/a~1b"
/// ```
public enum JSONPointer {
    /// Escapes one reference token: `~` becomes `~0`, `/` becomes `~1`.
    public static func escape(_ token: String) -> String {
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else {
            return token
        }
        return token.replacingTildeAndSlash()
    }

    /// Joins reference tokens into a pointer; no tokens gives `""`, the root.
    public static func string(from tokens: some Sequence<String>) -> String {
        var pointer = ""
        for token in tokens {
            pointer += "/"
            pointer += escape(token)
        }
        return pointer
    }

    /// Appends one reference token to a pointer.
    public static func appending(_ token: String, to pointer: String) -> String {
        pointer + "/" + escape(token)
    }

    /// Appends an array index to a pointer.
    public static func appending(_ index: Int, to pointer: String) -> String {
        pointer + "/" + String(index)
    }

    /// Splits a pointer into unescaped reference tokens, or `nil` when it is
    /// neither empty nor starts with `/`.
    public static func tokens(of pointer: String) -> [String]? {
        if pointer.isEmpty { return [] }
        // Unicode scalars, not Characters: a "/" followed by a combining mark
        // is one Character but still a separator (RFC 6901 works on code points).
        guard pointer.unicodeScalars.first == "/" else { return nil }
        return pointer.unicodeScalars.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            let token = String(String.UnicodeScalarView($0))
            return token.utf8.contains(UInt8(ascii: "~")) ? token.unescapingTildeAndSlash() : token
        }
    }
}

extension JSONValue {
    /// The value a JSON Pointer refers to, or `nil` when it does not exist.
    ///
    /// ```swift
    /// let doc: JSONValue = ["visitor": ["UUID": "2d3f…"]]
    /// doc.value(at: "/visitor/UUID")   // .string("2d3f…")
    /// ```
    public func value(at pointer: String) -> JSONValue? {
        guard let tokens = JSONPointer.tokens(of: pointer) else { return nil }
        var current = self
        for token in tokens {
            switch current {
            case .object(let object):
                guard let next = object[token] else { return nil }
                current = next
            case .array(let array):
                guard let index = Int(token), array.indices.contains(index) else { return nil }
                current = array[index]
            default:
                return nil
            }
        }
        return current
    }
}

extension String {
    // Both work on Unicode scalars: "~" or "/" followed by a combining mark is
    // one Character, which would hide it from a Character-wise comparison.
    fileprivate func replacingTildeAndSlash() -> String {
        var result = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            switch scalar {
            case "~": result.append(contentsOf: "~0".unicodeScalars)
            case "/": result.append(contentsOf: "~1".unicodeScalars)
            default: result.append(scalar)
            }
        }
        return String(result)
    }

    fileprivate func unescapingTildeAndSlash() -> String {
        var result = String.UnicodeScalarView()
        var pendingTilde = false
        for scalar in unicodeScalars {
            if pendingTilde {
                switch scalar {
                case "0": result.append("~")
                case "1": result.append("/")
                default: result.append(contentsOf: ["~", scalar])
                }
                pendingTilde = false
            } else if scalar == "~" {
                pendingTilde = true
            } else {
                result.append(scalar)
            }
        }
        if pendingTilde { result.append("~") }
        return String(result)
    }
}
