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
        Self.splice(count: messageBytes(payloadBytes: payload.count)) { writer in
            writer.write(prefix)
            writer.write(payload)
            writer.write(suffix)
        }
    }

    /// `{"messages":[…]}` around the payloads' messages.
    func batch(_ payloads: [Data]) -> Data {
        var total = Self.batchPrefix.count + Self.batchSuffix.count
        for payload in payloads { total += messageBytes(payloadBytes: payload.count) + 1 }
        if !payloads.isEmpty { total -= 1 }
        return Self.splice(count: total) { writer in
            writer.write(Self.batchPrefix)
            for (index, payload) in payloads.enumerated() {
                if index > 0 { writer.write(UInt8(ascii: ",")) }
                writer.write(prefix)
                writer.write(payload)
                writer.write(suffix)
            }
            writer.write(Self.batchSuffix)
        }
    }

    /// A body of exactly `count` bytes, filled by `fill` with plain copies: `Data.append` of an array
    /// goes through a generic path per call, a few thousand instructions a message in a 500-message batch.
    /// The buffer is allocated uninitialised and handed to `Data` without a copy (`Data(count:)` would
    /// zero a 700 KB body first).
    private static func splice(count: Int, _ fill: (inout SpliceWriter) -> Void) -> Data {
        let base = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
        var writer = SpliceWriter(buffer: UnsafeMutableRawBufferPointer(start: base, count: count))
        fill(&writer)
        // The sizes are computed from the same parts, so `offset == count`; a shorter body is never
        // padded with uninitialised bytes.
        return Data(bytesNoCopy: base, count: writer.offset, deallocator: .custom { pointer, _ in pointer.deallocate() })
    }
}

/// Copies parts one after another into a buffer sized for them all; never writes past its end.
private struct SpliceWriter {
    let buffer: UnsafeMutableRawBufferPointer
    var offset = 0

    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, let base = buffer.baseAddress else { return }
        let count = min(bytes.count, buffer.count - offset)
        guard count > 0 else { return }
        (base + offset).copyMemory(from: source, byteCount: count)
        offset += count
    }

    mutating func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    mutating func write(_ data: Data) {
        data.withUnsafeBytes { write($0) }
    }

    mutating func write(_ byte: UInt8) {
        withUnsafeBytes(of: byte) { write($0) }
    }
}
