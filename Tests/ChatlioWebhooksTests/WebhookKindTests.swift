import ChatlioWebhooks
import Testing

/// `WebhookKind(rawValue:)` picks a candidate by length and compares once: every route
/// is found, and nothing else is, whatever its length or first byte.
@Suite struct WebhookKindTests {
    @Test func everyRouteIsItsKind() {
        for kind in WebhookKind.allCases {
            #expect(WebhookKind(rawValue: kind.rawValue) == kind)
            #expect(WebhookKind(rawValue: String(kind.rawValue.dropLast()) + "X") == nil)
            #expect(WebhookKind(rawValue: kind.rawValue.uppercased()) == nil)
            #expect(WebhookKind(rawValue: kind.rawValue + "/") == nil)
            #expect(WebhookKind(rawValue: "/" + kind.rawValue) == nil)
        }
    }

    @Test func textsOfEveryLengthThatAreNoRouteAreNil() {
        for length in 0...24 {
            for first in ["c", "o", "v", "u", "x"] {
                let text = first + String(repeating: "-", count: max(0, length - 1))
                #expect(WebhookKind(rawValue: String(text.prefix(length))) == nil, "\(text)")
            }
        }
        // Same length and first byte as a route, other text.
        #expect(WebhookKind(rawValue: "chat-transcripT") == nil)
        #expect(WebhookKind(rawValue: "offline-messagE") == nil)
        #expect(WebhookKind(rawValue: "chat–transcript") == nil, "an en dash: more bytes, same characters")
    }
}
