import ChatlioAEPSupport
import Testing

/// The one constant-time compare: the relay's URL token, the emulators' tokens and `Secret`'s `==` use it.
@Suite("constantTimeEquals")
struct ConstantTimeTests {
    private static let token = "emulator-token-5c1e7a9b"

    @Test func constantTimeCompare() {
        #expect(constantTimeEquals("abcdef", "abcdef"))
        #expect(!constantTimeEquals("abcdeg", "abcdef"))
        #expect(!constantTimeEquals("abc", "abcdef"))
        #expect(!constantTimeEquals("abcdefabcdef", "abcdef"))
        #expect(!constantTimeEquals("", "abcdef"))
        #expect(constantTimeEquals("", ""))
        // Wrapping reads must not make a repeated prefix match.
        #expect(!constantTimeEquals("ab", "abab"))
    }

    @Test(arguments: [
        ("", false), ("emulator-token-5c1e7a9", false), ("emulator-token-5c1e7a9b0", false),
        ("Emulator-token-5c1e7a9b", false), ("emulator-token-5c1e7a9c", false), (token, true),
        // Same length, every byte off by a multiple of 256 in a count-xor-based compare.
        (String(repeating: "x", count: token.utf8.count + 256), false),
    ])
    func constantTimeEqualsIsEquality(presented: String, equal: Bool) {
        #expect(constantTimeEquals(presented, Self.token) == equal)
    }
}
