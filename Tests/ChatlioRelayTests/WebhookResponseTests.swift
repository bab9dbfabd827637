import ChatlioJSON
@testable import ChatlioRelay
import ChatlioWebhooks
import Foundation
import Testing

/// The relay's fixed answers, put together from literal text and the id,
/// against `JSONWriter`'s bytes for the same object: hex ids, ids that need
/// escapes (up to six bytes each, which the stack buffer is sized for) and long ones.
@Suite struct WebhookResponseTests {
    static let ids = [String(repeating: "ab12", count: 16), "", "a\"b\\c\nd", "Zoë 🚀", String(repeating: "x", count: 300)]

    @Test(arguments: ids)
    func fixedAnswersAreTheBytesJSONWriterWrites(_ id: String) {
        for kind in WebhookKind.allCases {
            let accepted = WebhookResponse.accepted(id: id, kind: kind)
            #expect(accepted.status == 202)
            #expect(accepted.body == Data(JSONValue.object(["id": .string(id), "kind": .string(kind.rawValue), "status": "accepted"]).serialized(sortedKeys: true)))
        }
        let duplicate = WebhookResponse.duplicate(id: id)
        #expect(duplicate.status == 200)
        #expect(duplicate.body == Data(JSONValue.object(["id": .string(id), "status": "duplicate"]).serialized(sortedKeys: true)))
    }
}
