import Foundation

extension FileOutbox {
    /// Reads every segment and ack file of `directory` into `state`: live
    /// records are indexed, torn tails truncated, fully acknowledged segments
    /// deleted, and a live id found twice acknowledged in its later segment.
    static func recover(directory: String, into state: inout State, log: @Sendable (ChatlioLogRecord) -> Void) throws(AEPStreamingClientError) -> Recovery {
        var recovery = Recovery()
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw AEPStreamingClientError(.outboxIO, "cannot list the outbox directory \(directory): \(error.localizedDescription)")
        }
        let numbers = names.compactMap(segmentNumber(fromFileName:)).sorted()
        var deletedAny = false
        for number in numbers {
            recovery.segments += 1
            let path = segmentPath(directory, number)
            let fd = try POSIXFile.open(path, create: false)
            var keep = false
            defer { if !keep { POSIXFile.closeQuietly(fd) } }
            let bytes = try POSIXFile.readAll(fd, path: path)

            // The events of this segment.
            var events: [(id: String, header: RecordFormat.EventHeader)] = []
            var validEnd = 0
            if bytes.count >= RecordFormat.magic.count, Array(bytes[0 ..< RecordFormat.magic.count]) == RecordFormat.magic {
                let walk = RecordFormat.frames(bytes, from: RecordFormat.magic.count)
                validEnd = walk.validEnd
                for frame in walk.frames {
                    guard let header = RecordFormat.event(in: bytes, frame: frame) else { continue }
                    events.append((header.id, header))
                }
            }
            if validEnd < bytes.count {
                recovery.tornBytesSkipped += bytes.count - validEnd
                recovery.tornFiles += 1
                log(ChatlioLogRecord(level: .warning, message: "FileOutbox: \(path) has \(bytes.count - validEnd) unreadable bytes after offset \(validEnd) (a torn write); skipped"))
                if validEnd >= RecordFormat.magic.count { try POSIXFile.truncate(fd, to: validEnd, path: path) }
            }

            // Its acknowledgements.
            var acked = Set<String>()
            let ackPath = segmentPath(directory, number, ack: true)
            var ackFD: Int32 = -1
            if FileManager.default.fileExists(atPath: ackPath) {
                ackFD = try POSIXFile.open(ackPath, create: false, append: true)
                let ackBytes = try POSIXFile.readAll(ackFD, path: ackPath)
                let walk = RecordFormat.frames(ackBytes, from: 0)
                for frame in walk.frames {
                    if let id = String(bytes: ackBytes[frame.bodyOffset ..< frame.bodyOffset + frame.bodyLength], encoding: .utf8) {
                        acked.insert(id)
                    }
                }
                if walk.validEnd < ackBytes.count {
                    recovery.tornBytesSkipped += ackBytes.count - walk.validEnd
                    recovery.tornFiles += 1
                    log(ChatlioLogRecord(level: .warning, message: "FileOutbox: \(ackPath) has \(ackBytes.count - walk.validEnd) unreadable bytes at its end; truncated"))
                    try POSIXFile.truncate(ackFD, to: walk.validEnd, path: ackPath)
                }
            }

            var live = 0
            var duplicates: [String] = []
            var seenHere = Set<String>()
            for (id, header) in events where !acked.contains(id) {
                // A second copy in this same segment (appended again after a failed sync) is simply not
                // indexed: an ack here would name both copies, the first one included.
                guard seenHere.insert(id).inserted else { continue }
                if state.index[id] != nil {
                    duplicates.append(id)
                    continue
                }
                state.index[id] = Location(
                    segment: number, payloadOffset: header.payloadOffset, payloadLength: header.payloadLength,
                    enqueuedAt: header.enqueuedAt, order: state.nextOrder
                )
                state.nextOrder += 1
                live += 1
                recovery.records += 1
                recovery.payloadBytes += header.payloadLength
            }
            if live == 0 {
                POSIXFile.closeQuietly(ackFD)
                POSIXFile.unlinkQuietly(path)
                POSIXFile.unlinkQuietly(ackPath)
                recovery.segmentsDeleted += 1
                deletedAny = true
                continue
            }
            if !duplicates.isEmpty {
                // The same live id in two segments: keep the first, acknowledge the copy.
                if ackFD < 0 { ackFD = try POSIXFile.open(ackPath, create: true, append: true) }
                let records = duplicates.flatMap { RecordFormat.ackRecord(id: $0) }
                try POSIXFile.writeAll(ackFD, records, path: ackPath)
                try POSIXFile.sync(ackFD, path: ackPath)
            }
            keep = true
            state.segments[number] = Segment(
                number: number, fd: fd, size: max(validEnd, RecordFormat.magic.count), live: live, ackFD: ackFD, path: path, ackPath: ackPath)
        }
        // An ack file whose segment is gone (a kill between the two unlinks) is garbage.
        let segmentNumbers = Set(numbers)
        for name in names where name.hasPrefix("segment-") && name.hasSuffix(".ack") {
            let stem = String(name.dropLast(".ack".count)) + ".log"
            if let number = segmentNumber(fromFileName: stem), !segmentNumbers.contains(number) {
                POSIXFile.unlinkQuietly(directory + "/" + name)
                deletedAny = true
            }
        }
        if deletedAny { try POSIXFile.syncDirectory(directory) }
        return recovery
    }

    /// `segment-<16 hex>.log` → its number.
    static func segmentNumber(fromFileName name: String) -> UInt64? {
        guard name.hasPrefix("segment-"), name.hasSuffix(".log") else { return nil }
        let hex = name.dropFirst("segment-".count).dropLast(".log".count)
        guard hex.count == 16 else { return nil }
        return UInt64(hex, radix: 16)
    }
}
