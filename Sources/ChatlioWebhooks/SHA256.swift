import CChatlioSHA256

/// SHA-256 (FIPS 180-4), because Foundation on Linux has none.
///
/// Used for event identity (``ChatlioWebhook/eventID``) and, by the mapper,
/// for hashed identities (`Email_LC_SHA256`). Whole 64-byte blocks are compressed straight from the
/// caller's memory by the package's C target, which picks, once and at run time,
/// the fastest code the CPU and OS allow: the x86 SHA extensions, else an AVX2
/// message schedule with BMI2 rounds, else portable C compiled for BMI2, else
/// plain portable C. `CHATLIO_SHA256_PORTABLE=1` in the environment forces the
/// plain portable code. A hasher lives on the stack: it allocates nothing until
/// it returns a digest. Tested against the NIST example vectors.
///
/// ```swift
/// SHA256.hexDigest(of: Array("abc".utf8))
/// // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
///
/// var hasher = SHA256()
/// hasher.update(Array("a".utf8))
/// hasher.update(Array("bc".utf8))
/// hasher.finalize()   // 32 bytes, the same digest
///
/// let body: [UInt8] = Array(#"{"message":"hi"}"#.utf8)
/// body.withUnsafeBytes { SHA256.hash($0) }   // one pass, no copies
/// ```
///
/// Not API: an SPI (`@_spi(ChatlioAEPInternal) import ChatlioWebhooks`) for
/// the mapper, the tests and the Benchmarks package's `chatlio-bench --sha`,
/// which is a package of its own and cannot see `package` symbols.
@_spi(ChatlioAEPInternal) public struct SHA256: Sendable {
    /// Which compression code a hasher runs: `automatic` in production, the
    /// others so tests can compare both on the same machine.
    enum Backend: Sendable, CaseIterable, CustomStringConvertible {
        /// The process's choice: the CPU's SHA instructions, else the AVX2
        /// schedule, else the C code compiled for BMI2, else plain C; plain C when `CHATLIO_SHA256_PORTABLE` is set.
        case automatic
        case portable
        /// The x86 SHA extensions; plain C on a CPU without them.
        case x86SHANI
        /// The portable C compiled for x86 BMI2 (for x86 CPUs without AVX2); plain C on a CPU without it.
        case x86BMI2
        /// The schedule in AVX2 registers (two blocks at a time), rounds with BMI2 (what valgrind's
        /// CPU runs, as it hides the SHA extensions); plain C on a CPU or OS without them.
        case x86AVX2

        /// Whether this CPU runs the backend itself rather than falling back.
        var isAvailable: Bool {
            switch self {
            case .automatic, .portable: true
            case .x86SHANI: chatlio_sha256_backend_is_available(CHATLIO_SHA256_BACKEND_X86_SHA_NI) != 0
            case .x86BMI2: chatlio_sha256_backend_is_available(CHATLIO_SHA256_BACKEND_X86_BMI2) != 0
            case .x86AVX2: chatlio_sha256_backend_is_available(CHATLIO_SHA256_BACKEND_X86_AVX2) != 0
            }
        }

        /// What `automatic` resolved to in this process.
        static var automaticChoice: Backend {
            Backend(chatlio_sha256_automatic_backend())
        }

        /// What `automatic` resolves to when `CHATLIO_SHA256_PORTABLE` has `value` (`nil`: unset).
        static func choice(portableOverride value: String?) -> Backend {
            Backend(value.map { chatlio_sha256_choose_backend($0) } ?? chatlio_sha256_choose_backend(nil))
        }

        private init(_ backend: chatlio_sha256_backend) {
            switch backend {
            case CHATLIO_SHA256_BACKEND_X86_SHA_NI: self = .x86SHANI
            case CHATLIO_SHA256_BACKEND_X86_BMI2: self = .x86BMI2
            case CHATLIO_SHA256_BACKEND_X86_AVX2: self = .x86AVX2
            default: self = .portable
            }
        }

        var description: String {
            switch self {
            case .automatic: "automatic"
            case .portable: "portable"
            case .x86SHANI: "x86 SHA-NI"
            case .x86BMI2: "x86 BMI2"
            case .x86AVX2: "x86 AVX2"
            }
        }
    }

    /// Words 0..<8: the chaining value H0...H7. Words 8..<24: the bytes of a
    /// partial block (`totalBytes % 64` of them) waiting for the rest. One stored
    /// tuple, so that one pointer reaches both without copying either.
    private typealias Words = (
        UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32,
        UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32,
        UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32
    )
    private var words: Words = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
        0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0
    )
    private var totalBytes: UInt64 = 0
    private let backend: Backend

    public init() {
        backend = .automatic
    }

    /// A hasher that runs a given backend (tests).
    init(backend: Backend) {
        self.backend = backend
    }

    /// Feeds more input.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if handled == nil {
            // Sequences without contiguous storage (CollectionOfOne, lazy maps) go through the
            // partial block a byte at a time rather than through a temporary array.
            for byte in bytes { update(byte: byte) }
        }
    }

    /// Feeds more input from raw memory; whole blocks are compressed in place.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var next = bytes.baseAddress, !bytes.isEmpty else { return }
        var remaining = bytes.count
        let pending = Int(truncatingIfNeeded: totalBytes & 63)
        totalBytes &+= UInt64(remaining)
        let backend = self.backend
        withWords { state, partial in
            if pending > 0 {
                let take = min(64 - pending, remaining)
                (partial + pending).copyMemory(from: next, byteCount: take)
                next += take
                remaining -= take
                guard pending + take == 64 else { return }
                Self.compress(state, UnsafeRawPointer(partial), blocks: 1, backend: backend)
            }
            let wholeBlocks = remaining / 64
            if wholeBlocks > 0 {
                Self.compress(state, next, blocks: wholeBlocks, backend: backend)
                next += wholeBlocks * 64
                remaining -= wholeBlocks * 64
            }
            if remaining > 0 {
                partial.copyMemory(from: next, byteCount: remaining)
            }
        }
    }

    private mutating func update(byte: UInt8) {
        let pending = Int(truncatingIfNeeded: totalBytes & 63)
        totalBytes &+= 1
        let backend = self.backend
        withWords { state, partial in
            partial.storeBytes(of: byte, toByteOffset: pending, as: UInt8.self)
            if pending == 63 { Self.compress(state, UnsafeRawPointer(partial), blocks: 1, backend: backend) }
        }
    }

    /// Pads, processes the last block and returns the 32-byte digest. The
    /// hasher is spent: start a new one for the next message.
    public mutating func finalize() -> [UInt8] {
        padAndCompressLastBlocks()
        return withWords { state, _ in
            [UInt8](unsafeUninitializedCapacity: 32) { digest, count in
                for index in 0..<8 {
                    let word = state[index]
                    digest[4 * index] = UInt8(truncatingIfNeeded: word >> 24)
                    digest[4 * index + 1] = UInt8(truncatingIfNeeded: word >> 16)
                    digest[4 * index + 2] = UInt8(truncatingIfNeeded: word >> 8)
                    digest[4 * index + 3] = UInt8(truncatingIfNeeded: word)
                }
                count = 32
            }
        }
    }

    /// `finalize()` as 64 lower-case hex digits, without the byte array in between
    /// (for callers inside the module, such as `ChatlioWebhook.eventID`).
    mutating func finalizeHex() -> String {
        padAndCompressLastBlocks()
        return withWords { state, _ in
            String(unsafeUninitializedCapacity: 64) { text in
                let raw = UnsafeMutableRawBufferPointer(text)
                for index in 0..<8 {
                    raw.storeBytes(of: Self.hexDigits(of: state[index]), toByteOffset: 8 * index, as: UInt64.self)
                }
                return 64
            }
        }
    }

    /// The eight hex digits of `word`, most significant first, as the bytes of a
    /// UInt64 to store as is: each nibble spread into a byte of its own, then
    /// '0' added to each, and 'a' - '0' - 10 more to those above 9, all eight at once.
    @inline(__always) private static func hexDigits(of word: UInt32) -> UInt64 {
        var nibbles = UInt64(word)
        nibbles = (nibbles | nibbles << 16) & 0x0000_FFFF_0000_FFFF
        nibbles = (nibbles | nibbles << 8) & 0x00FF_00FF_00FF_00FF
        nibbles = (nibbles | nibbles << 4) & 0x0F0F_0F0F_0F0F_0F0F  // byte k holds nibble k
        let aboveNine = ((nibbles &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        let ascii = nibbles &+ 0x3030_3030_3030_3030 &+ aboveNine &* 0x27
        return ascii.bigEndian  // nibble 7 (the most significant) at the lowest address
    }

    /// The 0x80 marker, zeros, and the message length in bits (big-endian) in
    /// the last 8 bytes: one more block, or two when fewer than 9 bytes are left.
    private mutating func padAndCompressLastBlocks() {
        let pending = Int(truncatingIfNeeded: totalBytes & 63)
        let bitLength = totalBytes &* 8
        let backend = self.backend
        withWords { state, partial in
            partial.storeBytes(of: 0x80, toByteOffset: pending, as: UInt8.self)
            if pending >= 56 {
                (partial + pending + 1).initializeMemory(as: UInt8.self, repeating: 0, count: 63 - pending)
                Self.compress(state, UnsafeRawPointer(partial), blocks: 1, backend: backend)
                partial.initializeMemory(as: UInt8.self, repeating: 0, count: 56)
            } else {
                (partial + pending + 1).initializeMemory(as: UInt8.self, repeating: 0, count: 55 - pending)
            }
            partial.storeBytes(of: bitLength.bigEndian, toByteOffset: 56, as: UInt64.self)
            Self.compress(state, UnsafeRawPointer(partial), blocks: 1, backend: backend)
        }
    }

    /// Runs `body` with the chaining value and the partial block's 64 bytes.
    private mutating func withWords<Result>(
        _ body: (UnsafeMutablePointer<UInt32>, UnsafeMutableRawPointer) -> Result
    ) -> Result {
        withUnsafeMutablePointer(to: &words) { tuple in
            // A homogeneous tuple is laid out as contiguous elements.
            tuple.withMemoryRebound(to: UInt32.self, capacity: 24) { words in
                body(words, UnsafeMutableRawPointer(words + 8))
            }
        }
    }

    private static func compress(_ state: UnsafeMutablePointer<UInt32>, _ data: UnsafeRawPointer, blocks: Int, backend: Backend) {
        let bytes = data.assumingMemoryBound(to: UInt8.self)
        switch backend {
        case .automatic: chatlio_sha256_blocks(state, bytes, blocks)
        case .portable: chatlio_sha256_blocks_using(CHATLIO_SHA256_BACKEND_PORTABLE, state, bytes, blocks)
        case .x86SHANI: chatlio_sha256_blocks_using(CHATLIO_SHA256_BACKEND_X86_SHA_NI, state, bytes, blocks)
        case .x86BMI2: chatlio_sha256_blocks_using(CHATLIO_SHA256_BACKEND_X86_BMI2, state, bytes, blocks)
        case .x86AVX2: chatlio_sha256_blocks_using(CHATLIO_SHA256_BACKEND_X86_AVX2, state, bytes, blocks)
        }
    }

    /// The digest of the bytes in `bytes`, in one pass over them: the only
    /// allocation is the returned array.
    ///
    /// ```swift
    /// let digest = payload.withUnsafeBytes { SHA256.hash($0) }   // 32 bytes
    /// ```
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The digest of the bytes in `bytes` as 64 lower-case hex digits; the only
    /// allocation is the string.
    ///
    /// ```swift
    /// let id = payload.withUnsafeBytes { SHA256.hexDigest(of: $0) }
    /// ```
    public static func hexDigest(of bytes: UnsafeRawBufferPointer) -> String {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalizeHex()
    }

    /// The digest of `bytes`.
    public static func digest(of bytes: some Sequence<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The digest of `bytes` as 64 lower-case hex digits.
    public static func hexDigest(of bytes: some Sequence<UInt8>) -> String {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalizeHex()
    }

    /// The digest of a string's UTF-8 bytes as lower-case hex.
    public static func hexDigest(of string: String) -> String {
        hexDigest(of: string.utf8)
    }

    static func hex(_ digest: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: digest.count * 2) { text in
            digest.withUnsafeBufferPointer { bytes in
                for (index, byte) in bytes.enumerated() {
                    text[2 * index] = hexDigit(byte >> 4)
                    text[2 * index + 1] = hexDigit(byte & 0x0F)
                }
            }
            return digest.count * 2
        }
    }

    @inline(__always) private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") &+ nibble : UInt8(ascii: "a") &- 10 &+ nibble
    }
}
