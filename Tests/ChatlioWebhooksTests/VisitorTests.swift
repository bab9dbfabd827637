import ChatlioWebhooks
import ChatlioAEPTestSupport
import Foundation
import Testing

@Suite struct VisitorTests {
    @Test func readsTheRealKeyNames() throws {
        let object = try SamplePayloads.object(.conversationStarted, "basic")
        let visitor = try ConversationStarted(jsonObject: object).visitor
        #expect(visitor.uuid == "2d3f4260-2235-903b-0a82-a23d326cc257")
        #expect(visitor.ipAddress == "175.24.144.21")
        #expect(visitor.handle == "united-states-27")
        #expect(visitor.currentPage == "https://shop.example.com/signup")
        #expect(visitor.location == "Los Angeles, California, United States")
        #expect(visitor.userAgent?.hasPrefix("Mozilla/5.0") == true)
        #expect(visitor.additionalFields.isEmpty)
    }

    @Test func emptyStringsAreAbsentButReencodeAsReceived() throws {
        let visitor = try Visitor(jsonObject: ["UUID": "u-1", "email": "", "name": "", "identUserId": "", "identTraits": "", "referrerURL": "", "createdAt": ""])
        #expect(visitor.email == nil)
        #expect(visitor.name == nil)
        #expect(visitor.identUserId == nil)
        #expect(visitor.identifyTraits == nil)
        #expect(visitor.referrerURL == nil)
        #expect(visitor.createdAt == nil)
        let reencoded = try JSONValue(parsing: try JSONEncoder().encode(visitor))
        #expect(reencoded == ["UUID": "u-1", "email": "", "name": "", "identUserId": "", "identTraits": "", "referrerURL": "", "createdAt": ""])
    }

    @Test func nullAndMissingAreAbsentToo() throws {
        let visitor = try Visitor(jsonObject: ["UUID": "u-1", "email": nil])
        #expect(visitor.email == nil && visitor.location == nil && visitor.userAgent == nil)
        #expect(visitor.jsonObject["email"] == .null)
    }

    @Test func timestampKeepsTextAndPrecision() throws {
        let visitor = try Visitor(jsonObject: ["UUID": "u", "createdAt": "2016-02-07T11:02:17.839766-08:00"])
        let createdAt = try #require(visitor.createdAt)
        #expect(createdAt.text == "2016-02-07T11:02:17.839766-08:00")
        #expect(createdAt.nanoseconds == 839_766_000)
        #expect(createdAt.utcOffsetSeconds == -28_800)
        #expect(abs(createdAt.date.timeIntervalSince1970 - 1_454_871_737.839766) < 0.000_001)
    }

    @Test func identifyTraitsAreParsedFromTheString() throws {
        let object = try SamplePayloads.object(.conversationStarted, "identified-ipv6")
        let visitor = try ConversationStarted(jsonObject: object).visitor
        let traits = try #require(visitor.identifyTraits)
        #expect(traits.object?["plan"] == "king")
        #expect(traits.object?["seats"]?.int64Value == 12)
        #expect(traits.object?["company"]?["tags"] == ["b2b", "eu"])
        #expect(traits.object?["custom stuff"] == "things")
        #expect(traits.rawText?.hasPrefix("{") == true)
        #expect(visitor.ipAddress == "2001:db8:85a3::8a2e:370:7334")
    }

    @Test func identifyTraitsThatAreNotJSONStayRaw() throws {
        let visitor = try Visitor(jsonObject: ["UUID": "u", "identTraits": "{not json"])
        let traits = try #require(visitor.identifyTraits)
        #expect(traits.isUnparsedText)
        #expect(traits.object == nil)
        #expect(traits.rawText == "{not json")
    }

    @Test func identifyTraitsMustBeAString() {
        #expect {
            _ = try Visitor(jsonObject: ["UUID": "u", "identTraits": ["plan": "king"]])
        } throws: { error in
            guard let error = error as? ChatlioWebhookError else { return false }
            return error.code == .typeMismatch && error.pointer == "/identTraits" && error.reason == "expected a string, found object"
        }
    }

    @Test func uuidStaysLowerCaseText() throws {
        let visitor = try Visitor(jsonObject: ["UUID": "2d3f4260-2235-903b-0a82-a23d326cc257"])
        #expect(visitor.uuid == "2d3f4260-2235-903b-0a82-a23d326cc257")
    }

    @Test func unknownKeysAreKept() throws {
        let visitor = try Visitor(jsonObject: ["UUID": "u", "favoriteColor": "black", "visits": 3])
        #expect(visitor.additionalFields == ["favoriteColor": "black", "visits": 3])
    }
}
