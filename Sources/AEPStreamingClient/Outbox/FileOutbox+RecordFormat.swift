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

        /// The framed record, built in one buffer: the payload is copied once, straight from its `Data`,
        /// and the checksum is computed over the body in place.
        static func eventRecord(id: String, payload: Data, enqueuedAt: Date) -> [UInt8] {
            let idCount = id.utf8.count
            let bodyCount = 1 + 8 + 2 + idCount + payload.count
            var record: [UInt8] = []
            record.reserveCapacity(frameBytes + bodyCount)
            appendLittleEndian(UInt32(bodyCount), to: &record)
            appendLittleEndian(UInt32(0), to: &record)   // the checksum, filled in below
            record.append(version)
            let millis = Int64((enqueuedAt.timeIntervalSince1970 * 1000).rounded())
            appendLittleEndian(UInt64(bitPattern: millis), to: &record)
            appendLittleEndian(UInt16(idCount), to: &record)
            record.append(contentsOf: id.utf8)
            payload.withUnsafeBytes { record.append(contentsOf: $0) }
            let crc = record.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[frameBytes...])) }
            withUnsafeBytes(of: crc.littleEndian) { crcBytes in
                for index in 0 ..< 4 { record[4 + index] = crcBytes[index] }
            }
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
