import Foundation

extension FileOutbox {
    /// What `payloads(for:)` gathered under the lock: where each payload is, and descriptors to read with.
    struct PayloadPlan {
        var locations: [Location?] = []
        var files: [UInt64: (fd: Int32, path: String)] = [:]
        /// Payloads of records not written yet, by position.
        var unwritten: [Int: Data] = [:]
    }

    /// Records next to each other in a segment are read with one `pread` when the bytes between them
    /// are at most this many, and one read spans at most `maxReadSpan`.
    static let maxReadGap = 64 << 10
    static let maxReadSpan = 4 << 20

    /// Reads the planned payloads: one `pread` per run of neighbouring records (a batch is usually one
    /// run), into one buffer whose bytes every payload of the run shares (`Data` without a copy).
    static func readPayloads(_ plan: PayloadPlan) throws(AEPStreamingClientError) -> [Data?] {
        var result = [Data?](repeating: nil, count: plan.locations.count)
        let wanted = plan.locations.enumerated()
            .compactMap { position, location in location.map { (position: position, location: $0) } }
            .sorted { ($0.location.segment, $0.location.payloadOffset) < ($1.location.segment, $1.location.payloadOffset) }
        var start = 0
        while start < wanted.count {
            let first = wanted[start].location
            var end = first.payloadOffset + first.payloadLength
            var next = start + 1
            while next < wanted.count {
                let candidate = wanted[next].location
                let candidateEnd = candidate.payloadOffset + candidate.payloadLength
                guard candidate.segment == first.segment, candidate.payloadOffset - end <= maxReadGap,
                      candidateEnd - first.payloadOffset <= maxReadSpan
                else { break }
                end = max(end, candidateEnd)
                next += 1
            }
            guard let file = plan.files[first.segment] else {
                start = next
                continue
            }
            let buffer = try ReadBuffer(fd: file.fd, offset: first.payloadOffset, count: end - first.payloadOffset, path: file.path)
            for item in wanted[start ..< next] {
                result[item.position] = buffer.data(at: item.location.payloadOffset - first.payloadOffset, count: item.location.payloadLength)
            }
            start = next
        }
        return result
    }

    /// Bytes read from a segment, shared by the `Data` values made from them; freed with the last one.
    final class ReadBuffer: @unchecked Sendable {   // immutable once read
        private let base: UnsafeMutableRawPointer
        private let count: Int

        init(fd: Int32, offset: Int, count: Int, path: String) throws(AEPStreamingClientError) {
            base = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
            self.count = count
            do throws(AEPStreamingClientError) {
                try POSIXFile.read(fd, into: UnsafeMutableRawBufferPointer(start: base, count: count), offset: offset, path: path)
            } catch {
                base.deallocate()
                throw error
            }
        }

        deinit { base.deallocate() }

        /// The bytes at `offset`, without copying; they keep this buffer alive.
        func data(at offset: Int, count: Int) -> Data {
            guard count > 0, offset >= 0, offset + count <= self.count else { return Data() }
            return Data(bytesNoCopy: base + offset, count: count, deallocator: .custom { _, _ in withExtendedLifetime(self) {} })
        }
    }
}
