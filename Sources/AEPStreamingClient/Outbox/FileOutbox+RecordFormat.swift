import Foundation

extension FileOutbox {
    /// The on-disk layout. All integers little-endian.
    ///
    /// Segment file `segment-<16 hex digits>.log`:
    /// `AEPOBX1\n` (8 bytes), then records `[u32 length][u32 crc32(body)][body]`,
    /// body = `[u8 version=1][i64 enqueuedAt ms][u16 id length][id UTF-8][payload]`.
    ///
    /// Acknowledgement file `segment-<same>.ack`: records `[u32 length][u32 crc32(id)][id UTF-8]`,
    /// one per event of that segment that was removed.
    ///
    /// A record whose length runs past the end of the file, or whose checksum
    /// does not match, ends the readable part of the file: it is a torn write
    /// (a kill during `write`) and is skipped, with everything after it.
    enum RecordFormat {
        static let magic = Array("AEPOBX1\n".utf8)
        static let frameBytes = 8
        static let version: UInt8 = 1
        /// Larger lengths are garbage, not records.
        static let maxBodyBytes = 64 << 20

        /// An event record's head: the frame and the body up to the payload (`[u32 length][u32 crc32]
        /// [u8 version][i64 ms][u16 id length][id]`), checksummed over the payload too. Computed before the
        /// outbox's lock; under it ``appendEventRecord(_:payload:to:)`` only copies bytes.
        struct EventHead {
            var bytes: [UInt8]
            /// The whole record's size, the payload included.
            var recordBytes: Int
        }

        static func eventHead(id: String, payload: Data, enqueuedAt: Date) -> EventHead {
            let idCount = id.utf8.count
            let bodyCount = 1 + 8 + 2 + idCount + payload.count
            var head: [UInt8] = []
            head.reserveCapacity(frameBytes + 1 + 8 + 2 + idCount)
            appendLittleEndian(UInt32(bodyCount), to: &head)
            appendLittleEndian(UInt32(0), to: &head)   // the checksum, filled in below
            head.append(version)
            let millis = Int64((enqueuedAt.timeIntervalSince1970 * 1000).rounded())
            appendLittleEndian(UInt64(bitPattern: millis), to: &head)
            appendLittleEndian(UInt16(idCount), to: &head)
            head.append(contentsOf: id.utf8)
            let headCRC = head.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[frameBytes...])) }
            let crc = payload.withUnsafeBytes { CRC32.checksum($0, initial: headCRC) }
            withUnsafeBytes(of: crc.littleEndian) { crcBytes in
                for index in 0 ..< 4 { head[4 + index] = crcBytes[index] }
            }
            return EventHead(bytes: head, recordBytes: frameBytes + bodyCount)
        }

        /// Appends the record `head` begins: its head, then the payload, copied once from its `Data`.
        static func appendEventRecord(_ head: EventHead, payload: Data, to bytes: inout [UInt8]) {
            bytes.append(contentsOf: head.bytes)
            payload.withUnsafeBytes { bytes.append(contentsOf: $0) }
        }

        /// The framed record in one buffer.
        static func eventRecord(id: String, payload: Data, enqueuedAt: Date) -> [UInt8] {
            let head = eventHead(id: id, payload: payload, enqueuedAt: enqueuedAt)
            var record: [UInt8] = []
            record.reserveCapacity(head.recordBytes)
            appendEventRecord(head, payload: payload, to: &record)
            return record
        }

        static func ackRecord(id: String) -> [UInt8] {
            var record: [UInt8] = []
            appendAckRecord(id: id, to: &record)
            return record
        }

        /// Appends one acknowledgement record (`[u32 length][u32 crc32(id)][id]`) to `records`.
        static func appendAckRecord(id: String, to records: inout [UInt8]) {
            var id = id
            id.withUTF8 { idBytes in
                appendLittleEndian(UInt32(idBytes.count), to: &records)
                appendLittleEndian(CRC32.checksum(UnsafeRawBufferPointer(idBytes)), to: &records)
                records.append(contentsOf: idBytes)
            }
        }

        /// The offset of the payload inside an event record, from the record start.
        static func payloadOffset(idBytes: Int) -> Int {
            frameBytes + 1 + 8 + 2 + idBytes
        }

        struct Frame {
            /// Where the body starts.
            var bodyOffset: Int
            var bodyLength: Int
        }

        /// Walks the framed records of `bytes` from `start`; returns the frames
        /// and where the readable part ends (the file size when nothing is torn).
        static func frames(_ bytes: [UInt8], from start: Int) -> (frames: [Frame], validEnd: Int) {
            var frames: [Frame] = []
            var offset = start
            bytes.withUnsafeBytes { raw in
                while offset + frameBytes <= raw.count {
                    let length = Int(readLittleEndian(UInt32.self, raw, at: offset))
                    let expected = readLittleEndian(UInt32.self, raw, at: offset + 4)
                    let bodyOffset = offset + frameBytes
                    guard length <= maxBodyBytes, bodyOffset + length <= raw.count else { return }
                    let body = UnsafeRawBufferPointer(rebasing: raw[bodyOffset ..< bodyOffset + length])
                    guard CRC32.checksum(body) == expected else { return }
                    frames.append(Frame(bodyOffset: bodyOffset, bodyLength: length))
                    offset = bodyOffset + length
                }
            }
            return (frames, offset)
        }

        struct EventHeader {
            var id: String
            var enqueuedAt: Date
            var payloadOffset: Int
            var payloadLength: Int
        }

        /// Decodes an event body; `nil` when it is not a version-1 event.
        static func event(in bytes: [UInt8], frame: Frame) -> EventHeader? {
            guard frame.bodyLength >= 11 else { return nil }
            return bytes.withUnsafeBytes { raw -> EventHeader? in
                let start = frame.bodyOffset
                guard raw[start] == version else { return nil }
                let millis = Int64(bitPattern: readLittleEndian(UInt64.self, raw, at: start + 1))
                let idLength = Int(readLittleEndian(UInt16.self, raw, at: start + 9))
                let idStart = start + 11
                guard idLength > 0, idStart + idLength <= start + frame.bodyLength else { return nil }
                guard let id = String(bytes: UnsafeRawBufferPointer(rebasing: raw[idStart ..< idStart + idLength]), encoding: .utf8) else {
                    return nil
                }
                return EventHeader(
                    id: id, enqueuedAt: Date(timeIntervalSince1970: Double(millis) / 1000),
                    payloadOffset: idStart + idLength, payloadLength: start + frame.bodyLength - idStart - idLength
                )
            }
        }

        static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }

        static func readLittleEndian<T: FixedWidthInteger>(_: T.Type, _ raw: UnsafeRawBufferPointer, at offset: Int) -> T {
            var value: T = 0
            withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset ..< offset + MemoryLayout<T>.size])) }
            return T(littleEndian: value)
        }
    }
}
