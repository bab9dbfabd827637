import Testing
@testable import XDMSchemaRegistry

@Suite struct XDMPatternTests {
    @Test func countryCode() throws {
        let pattern = try XDMPattern("^[A-Z]{2}$")
        #expect(pattern.matches("US"))
        #expect(!pattern.matches("us"))
        #expect(!pattern.matches("USA"))
        #expect(!pattern.matches("U"))
        #expect(!pattern.matches(""))
    }

    @Test func searchIsUnanchoredAsJSONSchemaRequires() throws {
        let pattern = try XDMPattern("[0-1][0-9]-[0-9][0-9]")
        #expect(pattern.matches("12-31"))
        #expect(pattern.matches("born 12-31!"))
        #expect(!pattern.matches("1-31"))
        // XDM's stateProvince pattern has an empty alternative and no anchors, so
        // under JSON Schema semantics every string contains a match.
        let stateProvince = try XDMPattern("([A-Z]{2}-[A-Z0-9]{1,3}|)")
        #expect(stateProvince.matches("US-CA"))
        #expect(stateProvince.matches("california"))
        let anchored = try XDMPattern("^([A-Z]{2}-[A-Z0-9]{1,3}|)$")
        #expect(anchored.matches("US-CA") && anchored.matches(""))
        #expect(!anchored.matches("california"))
    }

    @Test func quantifiersGroupsAlternationClassesEscapes() throws {
        #expect(try XDMPattern("^a*b+c?$").matches("bb"))
        #expect(try XDMPattern("^a*b+c?$").matches("aabc"))
        #expect(try !XDMPattern("^a*b+c?$").matches("ac"))
        #expect(try XDMPattern("^(ab|cd){2,3}$").matches("abcdab"))
        #expect(try !XDMPattern("^(ab|cd){2,3}$").matches("ab"))
        #expect(try !XDMPattern("^(ab|cd){2,3}$").matches("abababab"))
        #expect(try XDMPattern("^x{2,}$").matches("xxxxx"))
        #expect(try !XDMPattern("^x{2,}$").matches("x"))
        #expect(try XDMPattern(#"^\d{3}-\w+\s\S$"#).matches("123-ab_9 !"))
        #expect(try XDMPattern(#"^[^a-c]$"#).matches("é"))
        #expect(try !XDMPattern(#"^[^a-c]$"#).matches("b"))
        #expect(try XDMPattern(#"^[\w.-]+$"#).matches("a.b-c"))
        #expect(try XDMPattern(#"^\.$"#).matches("."))
        #expect(try !XDMPattern(#"^\.$"#).matches("x"))
        #expect(try XDMPattern("^.$").matches("日"))
        #expect(try XDMPattern("^日本$").matches("日本"))
        #expect(try XDMPattern("^(?:a|b)+?$").matches("abba"))
        #expect(try XDMPattern("a{,2}").matches("a{,2}"))   // not a quantifier: literal
        #expect(try XDMPattern("$").matches("anything"))
    }

    @Test func theXDMLanguagePatternCompilesAndMatches() throws {
        // environment._dc.language in XDM (BCP 47).
        let source = "^(((([A-Za-z]{2,3}(-([A-Za-z]{3}(-[A-Za-z]{3}){0,2}))?)|[A-Za-z]{4}|[A-Za-z]{5,8})(-([A-Za-z]{4}))?(-([A-Za-z]{2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*(-([0-9A-WY-Za-wy-z](-[A-Za-z0-9]{2,8})+))*(-(x(-[A-Za-z0-9]{1,8})+))?)|(x(-[A-Za-z0-9]{1,8})+)|((en-GB-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|i-pwn|i-tao|i-tay|i-tsu|sgn-BE-FR|sgn-BE-NL|sgn-CH-DE)|(art-lojban|cel-gaulish|no-bok|no-nyn|zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang)))$"
        let pattern = try XDMPattern(source)
        #expect(pattern.matches("en-US"))
        #expect(pattern.matches("zh-Hant-TW"))
        #expect(pattern.matches("i-klingon"))
        #expect(!pattern.matches("en_US"))
        #expect(!pattern.matches("toolonglanguage"))
    }

    @Test func linearTimeOnAdversarialInput() throws {
        // Exponential for a backtracking engine; linear here.
        let pattern = try XDMPattern("^(a+)+$")
        #expect(!pattern.matches(String(repeating: "a", count: 5_000) + "!"))
    }

    @Test(arguments: [
        ("(?=a)", "pattern \"(?=a)\" at offset 1: lookaround and named groups are not supported"),
        (#"(a)\1"#, #"pattern "(a)\1" at offset 5: the escape \1 is not supported"#),
        (#"\bword"#, #"pattern "\bword" at offset 2: the escape \b is not supported"#),
        (#"\p{L}"#, #"pattern "\p{L}" at offset 2: the escape \p is not supported"#),
        ("[é]", "pattern \"[é]\" at offset 1: non-ASCII characters in a class are not supported"),
        ("a{1001}", "pattern \"a{1001}\" at offset 7: repetition counts above 1000 are not supported"),
    ])
    func unsupportedSyntaxIsATypedError(source: String, message: String) {
        #expect {
            try XDMPattern(source)
        } throws: { error in
            guard let error = error as? XDMSchemaError else { return false }
            return error.code == .unsupportedPattern && error.reason == message
        }
    }

    @Test(arguments: ["(a", "a)", "*a", "[a", "a{3,1}", "[z-a]", "a**", "\\"])
    func malformedPatternsAreInvalid(source: String) {
        #expect {
            try XDMPattern(source)
        } throws: { error in
            (error as? XDMSchemaError)?.code == .invalidPattern
        }
    }
}
