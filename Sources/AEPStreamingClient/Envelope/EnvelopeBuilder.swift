import ChatlioJSON
import Foundation

/// Builds request bodies by splicing bytes: the envelope before and after each
/// payload is written once, at start-up; the payloads (`xdmEntity` or raw
/// JSON) are copied in as they are, never parsed again.
///
/// XDM message: `{"header":{"schemaRef":{"id":…,"contentType":…},"datasetId":…,
/// "flowId":…,"imsOrgId":…,"source":{"name":…}},"body":{"xdmMeta":{"schemaRef":{…}},"xdmEntity":` + payload + `}}`.
/// `imsOrgId` is written only when configured: DCS fills it in when absent, and
/// refuses the message when it differs from the inlet's organisation
/// (help/ingestion/tutorials/streaming-multiple-messages.md).
/// Batch body: `{"messages":[` + messages joined by `,` + `]}`.
struct EnvelopeBuilder: Sendable {
    static let batchPrefix = Array(#"{"messages":["#.utf8)
    static let batchSuffix = Array("]}".utf8)

    let prefix: [UInt8]
    let suffix: [UInt8]

    init(format: MessageFormat, flowID: String?, imsOrgID: String? = nil) {
        switch format.kind {
        case .raw:
            prefix = []
            suffix = []
        case .xdm(let envelope):
            var writer = JSONWriter(capacity: 512)
            func raw(_ text: String) { writer.writeRawText(text) }
            func schemaRef() {
                raw(#"{"id":"#)
                writer.writeString(envelope.schemaID)
                raw(#","contentType":"#)
                writer.writeString(envelope.contentType)
                raw("}")
            }
            raw(#"{"header":{"schemaRef":"#)
            schemaRef()
            raw(#","datasetId":"#)
            writer.writeString(envelope.datasetID)
            if let flowID {
                raw(#","flowId":"#)
                writer.writeString(flowID)
            }
            if let imsOrgID {
                raw(#","imsOrgId":"#)
                writer.writeString(imsOrgID)
            }
            if let sourceName = envelope.sourceName {
                raw(#","source":{"name":"#)
                writer.writeString(sourceName)
                raw("}")
            }
            raw(#"},"body":{"xdmMeta":{"schemaRef":"#)
            schemaRef()
            raw(#"},"xdmEntity":"#)
            prefix = writer.bytes
            suffix = Array("}}".utf8)
        }
    }

    /// The bytes one payload takes as a message.
    func messageBytes(payloadBytes: Int) -> Int {
        prefix.count + payloadBytes + suffix.count
    }

    /// One message (the body of a single-message request).
    func message(_ payload: Data) -> Data {
        var data = Data(capacity: messageBytes(payloadBytes: payload.count))
        data.append(contentsOf: prefix)
        data.append(payload)
        data.append(contentsOf: suffix)
        return data
    }

    /// `{"messages":[…]}` around the payloads' messages.
    func batch(_ payloads: [Data]) -> Data {
        let total = Self.batchPrefix.count + Self.batchSuffix.count
            + payloads.reduce(0) { $0 + messageBytes(payloadBytes: $1.count) + 1 }
        var data = Data(capacity: total)
        data.append(contentsOf: Self.batchPrefix)
        for (index, payload) in payloads.enumerated() {
            if index > 0 { data.append(UInt8(ascii: ",")) }
            data.append(contentsOf: prefix)
            data.append(payload)
            data.append(contentsOf: suffix)
        }
        data.append(contentsOf: Self.batchSuffix)
        return data
    }
}
