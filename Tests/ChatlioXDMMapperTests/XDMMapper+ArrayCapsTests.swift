@testable import ChatlioXDMMapper
import ChatlioWebhooks
import Foundation
import Testing
import XDMSchemaRegistry

@Suite struct XDMMapperArrayCapsTests {
    static let validator: XDMValidator? = try? ChatlioXDM(tenantID: "acme").experienceEventValidator(options: .init(maxViolations: 20))

    /// A transcript of `messages` short messages (`ts` 1700000000.000000 + index) and `extraData` strings `e0`, `e1`, ….
    static func transcript(messages: Int, extraData: Int = 0, messageText: (Int) -> String = { "message \($0)" }) throws -> ChatlioWebhook {
        var object: JSONObject = [
            "conversationUUID": "c-capped", "endedAt": "2024-01-01T00:00:00Z",
            "textBody": .string((0..<messages).map(messageText).joined(separator: "\n")),
            "messages": .array((0..<messages).map { .object(["ts": .string(ts($0)), "text": .string(messageText($0)), "isVisitorMsg": .bool($0 % 2 == 0)]) }),
        ]
        if extraData > 0 { object["extraData"] = .array((0..<extraData).map { .string("e\($0)") }) }
        return try MapperFixtures.webhook(.chatTranscript, object)
    }

    static func ts(_ index: Int) -> String { "1700000000.\(String(repeating: "0", count: 6 - String(index).count))\(index)" }

    static func keptTimestamps(_ event: XDMExperienceEvent) -> [String] {
        (event.value.value(at: "/_acme/chatlio/transcript/messages")?.arrayValue ?? []).compactMap { $0["ts"]?.stringValue }
    }

    static func expectValid(_ event: XDMExperienceEvent) throws {
        let report = try #require(validator).validate(event.value)
        #expect(report.isValid, "\(report.violations)")
        #expect(MapperFixtures.emptyValues(in: event.value).isEmpty)
    }

    @Test func fiftyMessagesCappedAtTenKeepTheNewestTenAndSayHowManyWent() throws {
        let event = try MapperFixtures.mapper { $0.arrayCaps.transcriptMessages = 10 }.map(Self.transcript(messages: 50), receivedAt: MapperFixtures.receivedAt)
        #expect(Self.keptTimestamps(event) == (40..<50).map(Self.ts))
        let transcript = try #require(event.value.value(at: "/_acme/chatlio/transcript"))
        #expect(transcript["messageCount"] == 50)
        #expect(transcript["messagesOmitted"] == 40)
        #expect(transcript["textBody"]?.stringValue?.hasPrefix("message 0\nmessage 1\n") == true, "the whole text stays in textBody")
        #expect(event.report.trimmed == ["_acme.chatlio.transcript.messages[0..<40]"])
        #expect(event.value.value(at: "/_acme/chatlio/mapping/trimmed") == ["_acme.chatlio.transcript.messages[0..<40]"])
        #expect(!event.report.isClean)
        try Self.expectValid(event)
    }

    @Test func noCapKeepsEveryMessage() throws {
        let event = try MapperFixtures.mapper().map(Self.transcript(messages: 50, extraData: 15), receivedAt: MapperFixtures.receivedAt)
        #expect(XDMMapper.Configuration(tenantID: "acme").arrayCaps == .none)
        #expect(Self.keptTimestamps(event) == (0..<50).map(Self.ts))
        #expect(event.value.value(at: "/_acme/chatlio/transcript/extraData")?.arrayValue?.count == 15)
        #expect(event.value.value(at: "/_acme/chatlio/transcript/messagesOmitted") == nil)
        #expect(event.value.value(at: "/_acme/chatlio/transcript/extraDataOmitted") == nil)
        #expect(event.report.isClean)
        try Self.expectValid(event)
    }

    @Test func aCapTheTranscriptFitsChangesNothing() throws {
        let webhook = try Self.transcript(messages: 10, extraData: 3)
        let plain = try MapperFixtures.mapper().map(webhook, receivedAt: MapperFixtures.receivedAt)
        let capped = try MapperFixtures.mapper { $0.arrayCaps = .profileGuardrail }.map(webhook, receivedAt: MapperFixtures.receivedAt)
        #expect(capped.value == plain.value)
        #expect(capped.report.isClean)
    }

    @Test func extraDataCappedKeepsTheFirstStrings() throws {
        let event = try MapperFixtures.mapper { $0.arrayCaps.extraData = 10 }.map(Self.transcript(messages: 2, extraData: 15), receivedAt: MapperFixtures.receivedAt)
        let transcript = try #require(event.value.value(at: "/_acme/chatlio/transcript"))
        #expect(transcript["extraData"] == .array((0..<10).map { .string("e\($0)") }))
        #expect(transcript["extraDataOmitted"] == 5)
        #expect(transcript["messagesOmitted"] == nil)
        #expect(event.report.trimmed == ["_acme.chatlio.transcript.extraData[10..<15]"])
        try Self.expectValid(event)
    }

    @Test func theProfileGuardrailIsAdobesFigureForBothArrays() throws {
        #expect(XDMMapper.ArrayCaps.profileGuardrail == XDMMapper.ArrayCaps(transcriptMessages: 10, extraData: 10))
        let event = try MapperFixtures.mapper { $0.arrayCaps = .profileGuardrail }.map(Self.transcript(messages: 50, extraData: 12), receivedAt: MapperFixtures.receivedAt)
        #expect(Self.keptTimestamps(event).count == 10)
        #expect(event.value.value(at: "/_acme/chatlio/transcript/extraData")?.arrayValue?.count == 10)
        #expect(event.report.trimmed == ["_acme.chatlio.transcript.messages[0..<40]", "_acme.chatlio.transcript.extraData[10..<12]"])
        try Self.expectValid(event)
    }

    /// The cap and the size budget cut from the same end: one run of the
    /// newest messages, one `trimmed` entry, one omitted count for both.
    @Test func theCapAndTheSizeBudgetMakeOneCut() throws {
        let long = { (index: Int) in "message \(index) " + String(repeating: "x", count: 400) }
        let webhook = try Self.transcript(messages: 50, messageText: long)
        let event = try MapperFixtures.mapper { $0.arrayCaps.transcriptMessages = 30 }.map(webhook, receivedAt: MapperFixtures.receivedAt)
        #expect(event.jsonBytes.count <= XDMMapper.SizeBudget.profile.maxBytes)
        let kept = Self.keptTimestamps(event)
        #expect(kept.count < 30, "30 messages of 400 bytes do not fit 10 KB: the budget cut more")
        let omitted = 50 - kept.count
        #expect(kept == (omitted..<50).map(Self.ts))
        #expect(event.value.value(at: "/_acme/chatlio/transcript/messagesOmitted") == .number(JSONNumber(omitted)))
        #expect(event.value.value(at: "/_acme/chatlio/transcript/messageCount") == 50)
        let messageEntries = event.report.trimmed.filter { $0.hasPrefix("_acme.chatlio.transcript.messages[") }
        #expect(messageEntries == ["_acme.chatlio.transcript.messages[0..<\(omitted)]"])
        // The cap ran first, so its entry stands before the budget's body trims.
        #expect(event.report.trimmed.first == messageEntries.first)
        try Self.expectValid(event)
    }

    /// The size budget alone now also writes `messagesOmitted` when it drops messages.
    @Test func theSizeBudgetAloneRecordsTheOmittedCountToo() throws {
        let webhook = try MapperFixtures.webhook(.chatTranscript, XDMMapperSizeBudgetTests.bigTranscript(messages: 60, bodyBytes: 6_000))
        let event = try MapperFixtures.mapper().map(webhook, receivedAt: MapperFixtures.receivedAt)
        let kept = try #require(event.value.value(at: "/_acme/chatlio/transcript/messages")?.arrayValue)
        #expect(event.value.value(at: "/_acme/chatlio/transcript/messagesOmitted") == .number(JSONNumber(60 - kept.count)))
        try Self.expectValid(event)
    }

    @Test(arguments: [0, -1, -10])
    func aCapBelowOneIsAConfigurationErrorNamingTheField(cap: Int) throws {
        for (field, caps) in [("arrayCaps.transcriptMessages", XDMMapper.ArrayCaps(transcriptMessages: cap)), ("arrayCaps.extraData", XDMMapper.ArrayCaps(extraData: cap))] {
            #expect {
                _ = try MapperFixtures.mapper { $0.arrayCaps = caps }
            } throws: { error in
                guard let error = error as? XDMMapperError else { return false }
                return error.code == .invalidConfiguration && error.reason.contains(field) && error.reason.contains("\(cap)")
            }
        }
    }

    @Test func aCapOfOneIsAccepted() throws {
        let event = try MapperFixtures.mapper { $0.arrayCaps = .init(transcriptMessages: 1, extraData: 1) }.map(Self.transcript(messages: 3, extraData: 2), receivedAt: MapperFixtures.receivedAt)
        #expect(Self.keptTimestamps(event) == [Self.ts(2)])
        try Self.expectValid(event)
    }

    /// Data Prep documents no function that returns part of an array, so the
    /// mapping set cannot honour a cap (Documentation/MappingChatlioToXDM.md, "Array guardrails").
    @Test func theDataPrepMappingSetIsTheSameWithOrWithoutCaps() throws {
        let plain = try MapperFixtures.mapper().dataPrepMappingSet()
        let capped = try MapperFixtures.mapper { $0.arrayCaps = .profileGuardrail }.dataPrepMappingSet()
        #expect(plain == capped)
    }

    // MARK: The snippet in Documentation/MappingChatlioToXDM.md

    @Test func theDocumentedSnippetRuns() throws {
        let transcript = try Self.transcript(messages: 50)
        // doc-snippet: array-guardrails
        var configuration = XDMMapper.Configuration(tenantID: "acme")
        configuration.arrayCaps = .profileGuardrail   // Adobe's "<=10": 10 messages, 10 extraData strings
        let mapper = try XDMMapper(configuration: configuration)

        let event = try mapper.map(transcript, receivedAt: Date())   // a transcript of 50 messages
        let fields = event.value.value(at: "/_acme/chatlio/transcript")
        // fields?["messageCount"] == 50       the real count
        // fields?["messagesOmitted"] == 40    the oldest 40 left out; messages holds the newest 10
        // event.report.trimmed == ["_acme.chatlio.transcript.messages[0..<40]"]
        // end doc-snippet
        #expect(fields?["messageCount"] == 50)
        #expect(fields?["messagesOmitted"] == 40)
        #expect(fields?["messages"]?.arrayValue?.count == 10)
        #expect(event.report.trimmed == ["_acme.chatlio.transcript.messages[0..<40]"])
    }

    /// The snippet the documentation shows is the code ``theDocumentedSnippetRuns()`` compiles and runs.
    @Test func theDocumentationShowsTheCompiledSnippet() throws {
        let here = URL(fileURLWithPath: #filePath)
        let root = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let source = try String(contentsOf: here, encoding: .utf8)
        let documentation = try String(contentsOf: root.appendingPathComponent("Documentation/MappingChatlioToXDM.md"), encoding: .utf8)
        let compiled = try #require(Self.lines(of: source, between: "// doc-snippet: array-guardrails", and: "// end doc-snippet"))
        let section = try #require(documentation.range(of: "## Array guardrails"), "the documentation has an Array guardrails section")
        let shown = try #require(Self.lines(of: String(documentation[section.upperBound...]), between: "```swift", and: "```"))
        #expect(shown == compiled)
    }

    /// The lines strictly between two marker lines, each trimmed of leading
    /// and trailing whitespace; `nil` when a marker is missing.
    static func lines(of text: String, between start: String, and end: String) -> [String]? {
        let all = text.components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = all.firstIndex(of: start), let last = all[(first + 1)...].firstIndex(of: end) else { return nil }
        return Array(all[(first + 1)..<last])
    }
}
