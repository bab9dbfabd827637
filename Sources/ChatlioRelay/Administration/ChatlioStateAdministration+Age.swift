public import Foundation

extension ChatlioStateAdministration {
    /// An age such as `30s`, `15m`, `12h` or `7d`: a whole number and one unit,
    /// nothing else, so `--older-than 7` (seconds? days?) is refused rather than guessed.
    ///
    /// ```swift
    /// let age = try ChatlioStateAdministration.Age(parsing: "7d")
    /// age.seconds                                   // 604800
    /// try await admin.purgeDeadLetters(.olderThan(age))
    /// ```
    public struct Age: Sendable, Hashable, CustomStringConvertible {
        /// The age in seconds.
        public let seconds: Int64
        /// The text it was read from (`7d`).
        public let text: String

        private static let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]

        /// Reads `<number><unit>` with unit `s`, `m`, `h` or `d`.
        ///
        /// - Throws: ``ChatlioStateAdministrationError/Code/invalidArgument``
        ///   naming the text and the accepted forms.
        public init(parsing text: String) throws(ChatlioStateAdministrationError) {
            let refusal = ChatlioStateAdministrationError(
                .invalidArgument, "'\(text)' is not a duration; use a whole number and one unit: 30s, 15m, 12h or 7d"
            )
            guard let unit = text.last, let multiplier = Self.units[unit] else { throw refusal }
            let digits = text.dropLast()
            guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int64(digits) else {
                throw refusal
            }
            seconds = number * multiplier
            self.text = text
        }

        /// The instant this age before `now`.
        public func cutoff(before now: Date) -> Date {
            now.addingTimeInterval(-TimeInterval(seconds))
        }

        public var description: String { text }
    }
}
