/// A small seeded random generator (SplitMix64): seeded faults, jitter and
/// randomized tests replay exactly.
///
/// ```swift
/// var random = SplitMix64(seed: 42)
/// let roll = random.nextUnitInterval()   // [0, 1)
/// ```
package struct SplitMix64: RandomNumberGenerator, Sendable {
    package private(set) var state: UInt64

    package init(seed: UInt64) {
        state = seed
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension RandomNumberGenerator {
    /// A double in [0, 1) from the top 53 bits of one draw: no rejection loop,
    /// so a constant test generator gives a predictable value (the client's
    /// jitter, the emulator's fault rolls).
    package mutating func nextUnitInterval() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
