import ChatlioAEPSupport
@_spi(ChatlioAEPInternal) @testable import ChatlioWebhooks
import ChatlioAEPTestSupport
import Testing

/// Every backend this machine runs, fed whole blocks in one call (1, 2, 3, 7 blocks: the AVX2
/// backend schedules two blocks at a time, so odd counts leave it a one-block tail) from
/// unaligned addresses, against the Swift reference.
@Suite struct SHA256BackendBlocksTests {
    static let availableBackends = SHA256.Backend.allCases.filter(\.isAvailable)

    @Test(arguments: availableBackends)
    func multiBlockCallsFromUnalignedAddressesMatchTheReference(backend: SHA256.Backend) {
        var random = SplitMix64(seed: 0xB10C5)
        var mismatches: [String] = []
        for blocks in [1, 2, 3, 7, 8, 11] {
            for offset in 0..<9 {
                for tail in [0, 1, 55, 63] {
                    let count = blocks * 64 + tail
                    let storage = (0..<(count + offset)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                    let message = Array(storage[offset...])
                    var hasher = SHA256(backend: backend)
                    // One update: its whole blocks reach the backend in one call, from storage + offset.
                    storage.withUnsafeBytes { raw in hasher.update(UnsafeRawBufferPointer(rebasing: raw[offset...])) }
                    if hasher.finalize() != ReferenceSHA256.digest(of: message) {
                        mismatches.append("\(blocks) blocks + \(tail) at offset \(offset)")
                    }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(backend): \(mismatches.prefix(10))")
    }

    /// 2,000 seeded lengths up to 1,000 bytes, split once at a random point, at random offsets.
    @Test(arguments: availableBackends)
    func randomLengthsAndOffsetsMatchTheReference(backend: SHA256.Backend) {
        var random = SplitMix64(seed: 0xA1_1A)
        var mismatches: [String] = []
        for round in 0..<2_000 {
            let count = Int(random.next() % 1_001)
            let offset = Int(random.next() % 32)
            let storage = (0..<(count + offset)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let split = offset + Int(random.next() % UInt64(count + 1))
            var hasher = SHA256(backend: backend)
            storage.withUnsafeBytes { raw in
                hasher.update(UnsafeRawBufferPointer(rebasing: raw[offset..<split]))
                hasher.update(UnsafeRawBufferPointer(rebasing: raw[split...]))
            }
            if hasher.finalize() != ReferenceSHA256.digest(of: Array(storage[offset...])) {
                mismatches.append("input \(round): \(count) bytes at offset \(offset), split at \(split - offset)")
            }
        }
        #expect(mismatches.isEmpty, "\(backend): \(mismatches.prefix(10))")
    }

    @Test func theAVX2BackendIsChosenOnlyWithoutTheSHAExtensions() {
        let choice = SHA256.Backend.choice(portableOverride: nil)
        if SHA256.Backend.x86SHANI.isAvailable {
            #expect(choice == .x86SHANI)
        } else if SHA256.Backend.x86AVX2.isAvailable {
            #expect(choice == .x86AVX2)
        }
        #expect(SHA256.Backend.choice(portableOverride: "1") == .portable)
    }
}
