@testable import AEPStreamingClient
import ChatlioAEPSupport
import Foundation
import Testing

@Suite("SecretRedactor (pure)")
struct SecretRedactorTests {
    /// Secrets with every character an encoder treats specially.
    static let secrets = [
        "p8e-TOP-SECRET", "a+b&c=d/e f", "p8e+TOP&SECRET=/ \u{00FC}", "p\u{00E4}ssw\u{00F6}rd \u{2713}\u{1F511}", "100% sure",
        "%41%2B", "~!*'();:@$,?#[]", "\"quoted\\back\"",
    ]

    /// How a server might echo a secret: each encoder a real one could use.
    static func forms(of secret: String) -> [(name: String, text: String)] {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        let formSafe = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._*")
        let percent = secret.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
        let form = (secret.addingPercentEncoding(withAllowedCharacters: formSafe) ?? "").replacingOccurrences(of: "%20", with: "+")
        let formRawSpace = secret.addingPercentEncoding(withAllowedCharacters: formSafe.union(CharacterSet(charactersIn: " "))) ?? ""
        let everyByte = secret.utf8.map { String(format: "%%%02X", $0) }.joined()
        var json = ""
        for scalar in secret.unicodeScalars {
            switch scalar {
            case "\"": json += "\\\""
            case "\\": json += "\\\\"
            case "/": json += "\\/"
            default: json.unicodeScalars.append(scalar)
            }
        }
        let jsonUnicode = secret.unicodeScalars.map { $0.isASCII ? String(format: "\\u%04x", $0.value) : String($0) }.joined()
        return [
            ("raw", secret),
            ("percent-encoded, upper-case hex", percent),
            ("percent-encoded, lower-case hex", lowerHex(percent)),
            ("form-encoded", form),
            ("form-encoded, lower-case hex", lowerHex(form)),
            ("form-encoded, spaces left raw", formRawSpace),
            ("every byte percent-encoded", everyByte),
            ("query-allowed (leaves + & = / alone)", secret.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""),
            ("path-allowed", secret.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? ""),
            ("JSON escapes", json),
            ("JSON \\u escapes", jsonUnicode),
        ]
    }

    static func lowerHex(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let percent = rest.firstIndex(of: "%") {
            result += rest[..<percent]
            let code = rest[percent...].prefix(3)
            result += code.lowercased()
            rest = rest[code.endIndex...]
        }
        return result + rest
    }

    @Test("every encoded form of a secret is redacted", arguments: secrets)
    func everyForm(_ secret: String) {
        let redactor = SecretRedactor([secret])
        for (name, form) in Self.forms(of: secret) {
            let text = "invalid client_secret=\(form)&scope=openid"
            #expect(redactor.redact(text) == "invalid client_secret=<redacted>&scope=openid", "\(name): \(form)")
        }
    }

    @Test("a secret repeated, or next to another secret, is redacted each time")
    func repeated() {
        let redactor = SecretRedactor(["s3cr3t-1", "tok en"])
        #expect(redactor.redact("s3cr3t-1s3cr3t%2D1 tok+entok%20en.") == "<redacted><redacted> <redacted><redacted>.")
    }

    @Test("the longest secret wins where one contains another")
    func longestFirst() {
        let redactor = SecretRedactor(["abc", "abcdef"])
        #expect(redactor.redact("xabcdefx abcx") == "x<redacted>x <redacted>x")
    }

    @Test("a raw % in a secret matches as itself or as %25")
    func percentInSecret() {
        let redactor = SecretRedactor(["50%25off"])
        #expect(redactor.redact("50%25off") == "<redacted>")
        #expect(redactor.redact("50%2525off") == "<redacted>")
        #expect(redactor.redact("50%25%32%35off") == "<redacted>")
    }

    @Test("near misses and empty secrets leave the text alone")
    func nearMisses() {
        let redactor = SecretRedactor(["", "secret-value"])
        for text in ["", "secret-valu", "secret-valuE", "secret%2", "secret%2Dvalu", "%", "\\", "\\u00", "plain text"] {
            #expect(redactor.redact(text) == text)
        }
        #expect(SecretRedactor([""]).isEmpty)
    }

    @Test("a Bearer token is redacted even when it is none of the known secrets; words after Bearer stay")
    func bearerTokens() {
        let redactor = SecretRedactor()
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl-_~+/=="
        #expect(redactor.redact("Authorization: Bearer \(jwt)") == "Authorization: Bearer <redacted>")
        #expect(redactor.redact(#"{"authorization":"bearer \#(jwt)"}"#) == #"{"authorization":"bearer <redacted>"}"#)
        #expect(redactor.redact("Authorization=Bearer+\(jwt)&x=1") == "Authorization=Bearer+<redacted>&x=1")
        #expect(redactor.redact("Bearer%20\(jwt)") == "Bearer%20<redacted>")
        for text in ["Bearer token is missing", "the Bearer authentication failed", "NotBearer \(jwt)", "Bearer"] {
            #expect(redactor.redact(text) == text)
        }
    }

    @Test("a secret inside the word Bearer, or running into its token, is redacted too")
    func secretAroundBearer() {
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0"
        #expect(SecretRedactor(["earer"]).redact("Bearer \(jwt) ok") == "B<redacted> <redacted> ok")
        #expect(SecretRedactor(["r eyJ"]).redact("Bearer \(jwt) ok") == "Beare<redacted> ok")
    }

    @Test("a known short token after Bearer is redacted as a secret")
    func knownShortBearer() {
        #expect(SecretRedactor(["tok-1"]).redact("Bearer tok-1 refused") == "Bearer <redacted> refused")
    }

    @Test("non-ASCII around a secret stays valid text; a combining mark after it survives")
    func unicodeAround() {
        let redactor = SecretRedactor(["p8e-client-secret"])
        let text = "é p8e-client-secret\u{0301} ✓"
        let redacted = redactor.redact(text)
        #expect(redacted == "é <redacted>\u{0301} ✓")
        #expect(!Array(redacted.utf8).contains(Array("p8e-client-secret".utf8)))
    }

    @Test("random secrets in random text, in every form: no form survives, the raw secret never shows")
    func randomSecrets() {
        let alphabet = Array("aB3-._~+&=/%? \"\\é✓🔑\u{0301}")
        // Seeded, so a failing case can be replayed.
        var random = SplitMix64(seed: 13)
        func text(_ length: Int) -> String {
            String((0 ..< length).map { _ in alphabet[Int.random(in: 0 ..< alphabet.count, using: &random)] })
        }
        for _ in 0 ..< 400 {
            let secret = text(Int.random(in: 1 ... 12, using: &random))
            let redactor = SecretRedactor([secret])
            for (name, form) in Self.forms(of: secret) {
                let redacted = redactor.redact(text(Int.random(in: 0 ... 6, using: &random)) + form + text(Int.random(in: 0 ... 6, using: &random)))
                for piece in redacted.components(separatedBy: SecretRedactor.placeholder) {
                    #expect(!Array(piece.utf8).contains(Array(secret.utf8)), "\(name): \(secret.debugDescription) shows in \(redacted.debugDescription)")
                    #expect(!piece.contains(form), "\(name): \(form.debugDescription) survives in \(redacted.debugDescription)")
                }
            }
        }
    }
}
