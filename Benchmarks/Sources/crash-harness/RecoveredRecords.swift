import Foundation

/// One event record a reopen of the outbox would find.
struct RecoveredRecord {
    var id: String
    var enqueuedAtMs: Int64
    var payload: ArraySlice<UInt8>
    /// Its segment's acknowledgement file lists it: recovery skips it.
    var acknowledged: Bool
}

/// The ids a reopen of the outbox would find and deliver (not acknowledged).
func recoverableIDs(in directory: String) -> Set<String> {
    Set(recoverableRecords(in: directory).lazy.filter { !$0.acknowledged }.map(\.id))
}

/// Every event record a reopen of the outbox would find, read the way FileOutbox's recovery reads (record
/// format: Sources/AEPStreamingClient/Outbox/FileOutbox+RecordFormat.swift), without touching the files.
func recoverableRecords(in directory: String) -> [RecoveredRecord] {
    let table: [UInt32] = (0..<256).map { index in
        (0..<8).reduce(UInt32(index)) { value, _ in value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
    }
    func frames(_ bytes: [UInt8], from start: Int) -> [Range<Int>] {
        func word(_ at: Int) -> Int { (0..<4).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        var bodies: [Range<Int>] = []
        var offset = start
        while offset + 8 <= bytes.count {
            let length = word(offset)
            let body = offset + 8
            guard length <= 64 << 20, body + length <= bytes.count else { break }
            let crc = ~bytes[body..<body + length].reduce(~UInt32(0)) { table[Int(($0 ^ UInt32($1)) & 0xFF)] ^ ($0 >> 8) }
            guard crc == UInt32(word(offset + 4)) else { break }
            bodies.append(body..<body + length)
            offset = body + length
        }
        return bodies
    }
    let files = readFiles(in: directory)
    var records: [RecoveredRecord] = []
    let magic = Array("AEPOBX1\n".utf8)
    for (name, file) in files where name.hasPrefix("segment-") && name.hasSuffix(".log") {
        guard file.bytes.starts(with: magic) else { continue }
        let acked = Set((files[String(name.dropLast(4)) + ".ack"].map { ack in frames(ack.bytes, from: 0).map { String(decoding: ack.bytes[$0], as: UTF8.self) } }) ?? [])
        for body in frames(file.bytes, from: magic.count) where body.count >= 11 && file.bytes[body.lowerBound] == 1 {
            let idLength = Int(file.bytes[body.lowerBound + 9]) | Int(file.bytes[body.lowerBound + 10]) << 8
            let idStart = body.lowerBound + 11
            guard idLength > 0, idStart + idLength <= body.upperBound else { continue }
            let id = String(decoding: file.bytes[idStart..<idStart + idLength], as: UTF8.self)
            let enqueuedAt = (0..<8).reduce(UInt64(0)) { $0 | UInt64(file.bytes[body.lowerBound + 1 + $1]) << (8 * $1) }
            records.append(RecoveredRecord(
                id: id, enqueuedAtMs: Int64(bitPattern: enqueuedAt), payload: file.bytes[(idStart + idLength)..<body.upperBound], acknowledged: acked.contains(id)
            ))
        }
    }
    return records
}
