import Foundation

/// Copying and comparing the short byte runs JSON is made of (member names,
/// ids, most values) without a call: runs up to 32 bytes move as a few
/// overlapping word loads and stores (longer copies go through `memcpy`, whose
/// call and dispatch cost more than a short run itself), and runs compare a word
/// at a time.
///
/// ```swift
/// ShortByteRuns.copy(to: destination, from: source, count: 12)   // two 8-byte moves
/// ```
///
/// Not API: an SPI (`@_spi(ChatlioAEPInternal) import ChatlioJSON`) for this package's
/// modules. Public, because the bodies of `package` inlinable functions are not
/// serialised: other modules called every one of these, and ran the generic writers
/// unspecialised.
@_spi(ChatlioAEPInternal) public enum ShortByteRuns {
    /// Copies `count` bytes from `source` to `destination`; the two must not overlap.
    @inlinable @inline(__always)
    public static func copy(to destination: UnsafeMutableRawPointer, from source: UnsafeRawPointer, count: Int) {
        if count >= 8 {
            guard count <= 32 else {
                destination.copyMemory(from: source, byteCount: count)
                return
            }
            // Every word lies inside the run; where two overlap they carry the same bytes.
            let first = source.loadUnaligned(as: UInt64.self)
            let last = source.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            if count > 16 {
                let second = source.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                let third = source.loadUnaligned(fromByteOffset: count - 16, as: UInt64.self)
                destination.storeBytes(of: second, toByteOffset: 8, as: UInt64.self)
                destination.storeBytes(of: third, toByteOffset: count - 16, as: UInt64.self)
            }
            destination.storeBytes(of: first, as: UInt64.self)
            destination.storeBytes(of: last, toByteOffset: count - 8, as: UInt64.self)
        } else if count >= 4 {
            let first = source.loadUnaligned(as: UInt32.self)
            let last = source.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            destination.storeBytes(of: first, as: UInt32.self)
            destination.storeBytes(of: last, toByteOffset: count - 4, as: UInt32.self)
        } else {
            for offset in 0..<count {
                destination.storeBytes(of: source.load(fromByteOffset: offset, as: UInt8.self), toByteOffset: offset, as: UInt8.self)
            }
        }
    }

    /// Whether the `count` bytes at `left` and at `right` are equal.
    @inlinable @inline(__always)
    public static func equal(_ left: UnsafeRawPointer, _ right: UnsafeRawPointer, count: Int) -> Bool {
        if count >= 8 {
            guard count <= 16 else { return longRunsEqual(left, right, count: count) }
            return left.loadUnaligned(as: UInt64.self) == right.loadUnaligned(as: UInt64.self)
                && left.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == right.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        }
        if count >= 4 {
            return left.loadUnaligned(as: UInt32.self) == right.loadUnaligned(as: UInt32.self)
                && left.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self) == right.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
        }
        for offset in 0..<count where left.load(fromByteOffset: offset, as: UInt8.self) != right.load(fromByteOffset: offset, as: UInt8.self) {
            return false
        }
        return true
    }

    /// Runs of more than 16 bytes, a word at a time and the last word overlapping.
    @inlinable
    static func longRunsEqual(_ left: UnsafeRawPointer, _ right: UnsafeRawPointer, count: Int) -> Bool {
        var offset = 0
        while offset + 8 < count {
            guard left.loadUnaligned(fromByteOffset: offset, as: UInt64.self) == right.loadUnaligned(fromByteOffset: offset, as: UInt64.self) else { return false }
            offset += 8
        }
        return left.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == right.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    }

    /// The `count` bytes (fewer than eight) at `offset` from `base` as a little-endian
    /// word, zeros above them: one load of the eight bytes that end with them when the
    /// buffer, which starts at `base`, holds eight there, else byte by byte.
    @inline(__always)
    static func shortRunWord(_ base: UnsafeRawPointer, at offset: Int, count: Int) -> UInt64 {
        guard count > 0 else { return 0 }
        if offset + count >= 8 {
            // The bytes before the run are shifted out.
            return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + count - 8, as: UInt64.self)) >> UInt64(8 * (8 - count))
        }
        var word: UInt64 = 0
        for index in 0..<count { word |= UInt64(base.load(fromByteOffset: offset + index, as: UInt8.self)) << UInt64(8 * index) }
        return word
    }
}
