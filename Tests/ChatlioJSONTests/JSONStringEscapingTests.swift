@testable import ChatlioJSON
import Testing

/// `nextEscape` looks at eight bytes per step and at the tail as one overlapping word; each
/// answer is checked against a byte-by-byte reference at every length, start and position.
@Suite struct JSONStringEscapingTests {
    static func reference(_ bytes: [UInt8], from start: Int) -> Int {
        bytes[start...].firstIndex { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C } ?? bytes.count
    }

    static func nextEscape(_ bytes: [UInt8], from start: Int) -> Int {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return 0 }
            return JSONStringEscaping.nextEscape(in: base, from: start, count: raw.count)
        }
    }

    @Test(arguments: [UInt8(0x00), 0x1F, 0x22, 0x5C])
    func findsAnEscapeAtEveryPositionFromEveryStart(escape: UInt8) {
        for count in 0...40 {
            for position in 0..<max(count, 1) where count > 0 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: count)
                bytes[position] = escape
                for start in 0...count {
                    #expect(Self.nextEscape(bytes, from: start) == Self.reference(bytes, from: start), "count \(count), escape at \(position), from \(start)")
                }
            }
        }
    }

    @Test func bytesNextToTheEscapesAreNotEscapes() {
        // Neighbours of the three tests' thresholds, and bytes whose borrow could spill.
        for filler: UInt8 in [0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7F, 0x80, 0xA2, 0xDC, 0xFF] {
            for count in 0...24 {
                let bytes = [UInt8](repeating: filler, count: count)
                for start in 0...count { #expect(Self.nextEscape(bytes, from: start) == count, "filler \(filler), count \(count), from \(start)") }
            }
        }
    }

    @Test func agreesWithTheReferenceOnRandomBuffers() {
        var state: UInt64 = 0x5EED_E5CA
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        let alphabet: [UInt8] = [0x00, 0x0A, 0x1F, 0x20, 0x22, 0x41, 0x5C, 0x7F, 0x80, 0xC3, 0xFF]
        for _ in 0..<5_000 {
            let count = Int(next() % 48)
            // Mostly plain text with a rare escape, like real strings.
            let bytes = (0..<count).map { _ in next() % 9 == 0 ? alphabet[Int(next() % UInt64(alphabet.count))] : UInt8(ascii: "x") }
            let start = count == 0 ? 0 : Int(next() % UInt64(count + 1))
            #expect(Self.nextEscape(bytes, from: start) == Self.reference(bytes, from: start), "\(bytes) from \(start)")
        }
    }
}
