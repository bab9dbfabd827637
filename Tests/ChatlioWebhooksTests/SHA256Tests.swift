import ChatlioAEPSupport
@_spi(ChatlioAEPInternal) @testable import ChatlioWebhooks
import ChatlioAEPTestSupport
import Foundation
import Testing

@Suite struct SHA256Tests {
    /// Every backend, named: the process's own choice, and both compression codes forced.
    static let backends = SHA256.Backend.allCases

    // FIPS 180-4 example vectors (NIST CSRC "SHA256.pdf", SHAVS short/long messages): the empty
    // message, "abc", the 448-bit and the 896-bit messages.
    static let vectors: [(message: String, digest: String)] = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ]

    static func digest(_ bytes: [UInt8], _ backend: SHA256.Backend) -> [UInt8] {
        var hasher = SHA256(backend: backend)
        hasher.update(bytes)
        return hasher.finalize()
    }

    @Test(arguments: backends, vectors)
    func nistVectors(backend: SHA256.Backend, vector: (message: String, digest: String)) {
        let bytes = Array(vector.message.utf8)
        #expect(SHA256.hex(Self.digest(bytes, backend)) == vector.digest)
        #expect(ReferenceSHA256.hexDigest(of: bytes) == vector.digest)
    }

    @Test(arguments: vectors)
    func publicEntryPointsGiveTheVectors(message: String, digest: String) {
        let bytes = Array(message.utf8)
        #expect(SHA256.hexDigest(of: message) == digest)
        #expect(SHA256.hexDigest(of: bytes) == digest)
        #expect(SHA256.hex(SHA256.digest(of: bytes)) == digest)
        #expect(bytes.withUnsafeBytes { SHA256.hexDigest(of: $0) } == digest)
        #expect(SHA256.hex(bytes.withUnsafeBytes { SHA256.hash($0) }) == digest)
    }

    @Test(arguments: backends)
    func oneMillionAs(backend: SHA256.Backend) {
        var hasher = SHA256(backend: backend)
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        #expect(SHA256.hex(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        let whole = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hex(Self.digest(whole, backend)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test(arguments: backends)
    func paddingBoundaries(backend: SHA256.Backend) {
        // Lengths around the 55/56/63/64-byte padding edges, checked against precomputed digests.
        let expected: [Int: String] = [
            55: "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
            56: "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
            63: "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34",
            64: "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
        ]
        for (length, digest) in expected {
            #expect(SHA256.hex(Self.digest([UInt8](repeating: UInt8(ascii: "a"), count: length), backend)) == digest, "length \(length)")
        }
    }

    @Test func incrementalEqualsOneShot() {
        let message = Array("The quick brown fox jumps over the lazy dog, again and again and again and again.".utf8)
        for split in 0...message.count {
            var hasher = SHA256()
            hasher.update(message[..<split])
            hasher.update(message[split...])
            #expect(hasher.finalize() == SHA256.digest(of: message))
        }
    }

    /// 10,000 seeded inputs of 0–300 bytes: the process's choice, both backends forced, the
    /// one-shot entry points and a hasher fed in three random pieces all give the old
    /// implementation's digest.
    @Test func randomInputsAgreeWithTheReference() {
        var random = SplitMix64(seed: 0x5AA2_56)
        var mismatches: [String] = []
        for round in 0..<10_000 {
            let count = Int(random.next() % 301)
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let expected = ReferenceSHA256.digest(of: bytes)
            let first = Int(random.next() % UInt64(count + 1))
            let second = first + Int(random.next() % UInt64(count - first + 1))
            var results: [(String, [UInt8])] = [
                ("digest(of:)", SHA256.digest(of: bytes)),
                ("hash(_:)", bytes.withUnsafeBytes { SHA256.hash($0) }),
            ]
            for backend in Self.backends {
                results.append(("\(backend)", Self.digest(bytes, backend)))
                var pieces = SHA256(backend: backend)
                bytes.withUnsafeBytes { raw in
                    pieces.update(UnsafeRawBufferPointer(rebasing: raw[..<first]))
                    pieces.update(UnsafeRawBufferPointer(rebasing: raw[first..<second]))
                    pieces.update(UnsafeRawBufferPointer(rebasing: raw[second...]))
                }
                results.append(("\(backend) split at \(first), \(second)", pieces.finalize()))
            }
            for (name, digest) in results where digest != expected {
                mismatches.append("input \(round) (\(count) bytes), \(name)")
            }
            let hexExpected = ReferenceSHA256.hex(expected)
            if SHA256.hexDigest(of: bytes) != hexExpected || bytes.withUnsafeBytes({ SHA256.hexDigest(of: $0) }) != hexExpected {
                mismatches.append("input \(round) (\(count) bytes), hexDigest")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    /// Two updates split at every offset of messages whose lengths sit at the block and padding
    /// edges, with every backend, and the same messages a byte at a time.
    @Test(arguments: backends)
    func updatesSplitAtEveryOffsetAroundBlockBoundaries(backend: SHA256.Backend) {
        var random = SplitMix64(seed: 64)
        var mismatches: [String] = []
        for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 191, 192, 193] {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let expected = ReferenceSHA256.digest(of: bytes)
            for split in 0...length {
                var hasher = SHA256(backend: backend)
                hasher.update(bytes[..<split])
                hasher.update(bytes[split...])
                if hasher.finalize() != expected { mismatches.append("length \(length) split at \(split)") }
            }
            var byteAtATime = SHA256(backend: backend)
            for byte in bytes { byteAtATime.update(CollectionOfOne(byte)) }
            if byteAtATime.finalize() != expected { mismatches.append("length \(length) a byte at a time") }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    /// Sequences without contiguous storage take the byte-wise path; they hash like the array.
    @Test func nonContiguousSequencesHashLikeTheirBytes() {
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let expected = ReferenceSHA256.digest(of: bytes)
        #expect(SHA256.digest(of: bytes.lazy.map { $0 }) == expected)
        #expect(SHA256.digest(of: AnySequence(bytes)) == expected)
        #expect(SHA256.digest(of: repeatElement(UInt8(ascii: "a"), count: 200)) == ReferenceSHA256.digest(of: [UInt8](repeating: UInt8(ascii: "a"), count: 200)))
        var mixed = SHA256()
        mixed.update(bytes[..<10])
        mixed.update(bytes[10..<150].lazy.map { $0 })
        mixed.update(CollectionOfOne(bytes[150]))
        mixed.update(bytes[151...])
        #expect(mixed.finalize() == expected)
    }

    /// Long inputs cross many blocks in one call; both backends agree on them.
    @Test func multiBlockInputsAgreeAcrossBackends() {
        var random = SplitMix64(seed: 4096)
        for count in [4096, 65_536 + 37, 1_000_003] {
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let portable = Self.digest(bytes, .portable)
            #expect(Self.digest(bytes, .x86SHANI) == portable, "\(count) bytes")
            #expect(Self.digest(bytes, .x86BMI2) == portable, "\(count) bytes")
            #expect(Self.digest(bytes, .x86AVX2) == portable, "\(count) bytes")
            #expect(SHA256.digest(of: bytes) == portable, "\(count) bytes")
            if count < 100_000 { #expect(ReferenceSHA256.digest(of: bytes) == portable, "\(count) bytes") }
        }
    }

    @Test func hexIsLowerCaseOfEachByte() {
        let digest = (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 8 &+ 0x0F) }
        #expect(SHA256.hex(digest) == ReferenceSHA256.hex(digest))
        #expect(SHA256.hex([0x00, 0x09, 0x0A, 0x0F, 0x10, 0x9F, 0xA0, 0xFF]) == "00090a0f109fa0ff")
    }

    /// On this kind of machine the fastest backend must really be the one in use: CPUID is read by
    /// the C target, the kernel's flags independently from /proc/cpuinfo (under valgrind, which
    /// hides the SHA extensions from CPUID but not from the kernel, this test fails, rightly).
    @Test func usesTheSHAInstructionsWhereTheKernelReportsThem() throws {
        #if os(Linux) && arch(x86_64)
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }.map { Set($0.split(separator: " ").map(String.init)) } ?? []
        let kernelSaysSHA = flags.contains("sha_ni") && flags.contains("sse4_1") && flags.contains("ssse3")
        #expect(SHA256.Backend.x86SHANI.isAvailable == kernelSaysSHA)
        #expect(SHA256.Backend.x86BMI2.isAvailable == flags.contains("bmi2"))
        #expect(SHA256.Backend.x86AVX2.isAvailable == (flags.contains("avx2") && flags.contains("bmi2")))
        let forced = ProcessInfo.processInfo.environment["CHATLIO_SHA256_PORTABLE"].map { !$0.isEmpty && $0 != "0" } ?? false
        let fastest: SHA256.Backend = kernelSaysSHA ? .x86SHANI
            : flags.contains("avx2") && flags.contains("bmi2") ? .x86AVX2 : flags.contains("bmi2") ? .x86BMI2 : .portable
        #expect(SHA256.Backend.automaticChoice == (forced ? .portable : fastest))
        #else
        #expect(SHA256.Backend.portable.isAvailable)
        #endif
    }

    @Test func thePortableOverrideForcesThePortableCode() {
        let best: SHA256.Backend = SHA256.Backend.x86SHANI.isAvailable ? .x86SHANI
            : SHA256.Backend.x86AVX2.isAvailable ? .x86AVX2 : SHA256.Backend.x86BMI2.isAvailable ? .x86BMI2 : .portable
        #expect(SHA256.Backend.choice(portableOverride: nil) == best)
        #expect(SHA256.Backend.choice(portableOverride: "") == best)
        #expect(SHA256.Backend.choice(portableOverride: "0") == best)
        #expect(SHA256.Backend.choice(portableOverride: "1") == .portable)
        #expect(SHA256.Backend.choice(portableOverride: "yes") == .portable)
    }
}
