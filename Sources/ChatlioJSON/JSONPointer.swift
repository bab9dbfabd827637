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
        guard pointer.hasPrefix("/") else { return nil }
        return pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.contains("~") ? String($0).unescapingTildeAndSlash() : String($0)
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
    fileprivate func replacingTildeAndSlash() -> String {
        var result = ""
        result.reserveCapacity(utf8.count + 2)
        for character in self {
            switch character {
            case "~": result += "~0"
            case "/": result += "~1"
            default: result.append(character)
            }
        }
        return result
    }

    fileprivate func unescapingTildeAndSlash() -> String {
        var result = ""
        var pendingTilde = false
        for character in self {
            if pendingTilde {
                result += character == "0" ? "~" : character == "1" ? "/" : "~" + String(character)
                pendingTilde = false
            } else if character == "~" {
                pendingTilde = true
            } else {
                result.append(character)
            }
        }
        if pendingTilde { result += "~" }
        return result
    }
}
