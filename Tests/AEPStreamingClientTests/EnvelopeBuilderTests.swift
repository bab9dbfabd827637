@testable import AEPStreamingClient
import ChatlioJSON
import Foundation
import Testing

@Suite("EnvelopeBuilder")
struct EnvelopeBuilderTests {
    @Test("an XDM message is the documented envelope around the entity bytes")
    func xdmMessage() throws {
        let builder = EnvelopeBuilder(
            format: .xdm(schemaID: "https://ns.adobe.com/acme/schemas/\"q\"", datasetID: "ds1", sourceName: "relay"), flowID: "flow-1", imsOrgID: "ABC123@AdobeOrg"
        )
        let entity = #"{"_id":"e1","timestamp":"2024-05-01T12:34:56Z"}"#
        let message = builder.message(Data(entity.utf8))
        #expect(message.count == builder.messageBytes(payloadBytes: entity.utf8.count))
        let value = try JSONValue(parsing: message)
        let schemaRef: JSONValue = ["id": "https://ns.adobe.com/acme/schemas/\"q\"", "contentType": "application/vnd.adobe.xed-full+json;version=1"]
        #expect(value == [
            "header": ["schemaRef": schemaRef, "datasetId": "ds1", "flowId": "flow-1", "imsOrgId": "ABC123@AdobeOrg", "source": ["name": "relay"]],
            "body": ["xdmMeta": ["schemaRef": schemaRef], "xdmEntity": ["_id": "e1", "timestamp": "2024-05-01T12:34:56Z"]],
        ])
    }

    @Test("optional header fields are left out")
    func minimalHeader() throws {
        let builder = EnvelopeBuilder(format: .xdm(schemaID: "s", datasetID: "d"), flowID: nil)
        let value = try JSONValue(parsing: builder.message(Data("{}".utf8)))
        #expect(value["header"]?["flowId"] == nil)
        #expect(value["header"]?["imsOrgId"] == nil, "DCS fills it in when absent")
        #expect(value["header"]?["source"] == nil)
        #expect(value["body"]?["xdmEntity"] == [:])
    }

    @Test("a batch body wraps the messages in order")
    func batch() throws {
        let builder = EnvelopeBuilder(format: .xdm(schemaID: "s", datasetID: "d"), flowID: nil)
        let payloads = (0 ..< 3).map { Data(#"{"_id":"e\#($0)"}"#.utf8) }
        let body = builder.batch(payloads)
        let sizes = payloads.map { builder.messageBytes(payloadBytes: $0.count) }
        let expected = BatchCutter(maxMessages: 10, maxRequestBytes: 10_000, linger: .zero, wrapperBytes: 15).requestBytes(sizes)
        #expect(body.count == expected)
        let ids = try JSONValue(parsing: body)["messages"]?.arrayValue?.compactMap { $0["body"]?["xdmEntity"]?["_id"]?.stringValue }
        #expect(ids == ["e0", "e1", "e2"])
    }

    @Test("raw messages are the payload itself")
    func raw() throws {
        let builder = EnvelopeBuilder(format: .raw, flowID: "f")
        let payload = Data(#"{"visitor":{"email":"a@b.c"}}"#.utf8)
        #expect(builder.message(payload) == payload)
        #expect(try JSONValue(parsing: builder.batch([payload, payload]))["messages"]?.arrayValue?.count == 2)
    }
}
