/// A set of byte values.
struct ByteSet: Sendable, Hashable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    static func == (lhs: ByteSet, rhs: ByteSet) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }

    mutating func insert(_ byte: UInt8) {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    mutating func insert(_ range: ClosedRange<UInt8>) {
        for byte in range { insert(byte) }
    }

    mutating func formUnion(_ other: ByteSet) {
        words.0 |= other.words.0
        words.1 |= other.words.1
        words.2 |= other.words.2
        words.3 |= other.words.3
    }

    /// The ASCII bytes not in this set.
    var asciiComplement: ByteSet {
        var result = ByteSet()
        for byte in UInt8(0)...127 where !contains(byte) { result.insert(byte) }
        return result
    }

    init() {}

    init(_ ranges: ClosedRange<UInt8>...) {
        for range in ranges { insert(range) }
    }
}

extension ByteSet {
    /// The only member, when the set has exactly one.
    var single: UInt8? {
        var found: UInt8?
        for byte in UInt8(0)...255 where contains(byte) {
            if found != nil { return nil }
            found = byte
        }
        return found
    }

    func removing(_ bytes: [UInt8]) -> ByteSet {
        var result = ByteSet()
        for byte in UInt8(0)...255 where contains(byte) && !bytes.contains(byte) { result.insert(byte) }
        return result
    }
}
