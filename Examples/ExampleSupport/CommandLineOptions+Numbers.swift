/// Typed values: each reads an option's text and turns text that is not the wanted kind of number
/// into a usage error naming the option and the text.
extension CommandLineOptions {
    /// An option's value as a positive integer, or a usage error naming it.
    ///
    /// ```swift
    /// let timeout = try options.positiveInteger("--timeout") ?? 60
    /// ```
    public func positiveInteger(_ option: String) throws(UsageError) -> Int? {
        guard let text = values[option] else { return nil }
        guard let number = Int(text), number > 0 else { throw UsageError(message: "\(option) must be a positive whole number, not '\(text)'") }
        return number
    }

    /// An option's value as a whole number in `range`; `what` says what it must be in the error
    /// (`--port: "http" is not a port number (0...65535)`).
    ///
    /// ```swift
    /// let port = try options.integer("--port", in: 0 ... 65_535, what: "a port number (0...65535)") ?? 0
    /// ```
    public func integer(_ option: String, in range: ClosedRange<Int> = Int.min ... Int.max, what: String = "a whole number") throws(UsageError) -> Int? {
        guard let text = values[option] else { return nil }
        guard let number = Int(text), range.contains(number) else { throw Self.notA(what, option, text) }
        return number
    }

    /// An option's value as an unsigned 64-bit integer (a seed, say).
    ///
    /// ```swift
    /// let seed = try options.unsignedInteger("--seed") ?? 42
    /// ```
    public func unsignedInteger(_ option: String, what: String = "an unsigned integer") throws(UsageError) -> UInt64? {
        guard let text = values[option] else { return nil }
        guard let number = UInt64(text) else { throw Self.notA(what, option, text) }
        return number
    }

    /// An option's value as a finite number in `range`.
    ///
    /// ```swift
    /// let rate = try options.number("--fault-rate", in: 0 ... 1, what: "a number between 0 and 1") ?? 0.2
    /// ```
    public func number(_ option: String, in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude ... Double.greatestFiniteMagnitude,
                       what: String = "a number") throws(UsageError) -> Double? {
        guard let text = values[option] else { return nil }
        guard let number = Double(text), number.isFinite, range.contains(number) else {
            throw Self.notA(what, option, text)
        }
        return number
    }

    /// An option's value as one of `choices` (a `RawRepresentable` such as an enum of modes).
    ///
    /// ```swift
    /// enum Outbox: String, CaseIterable { case file, memory, all }
    /// let outbox = try options.choice("--outbox", of: Outbox.self) ?? .all
    /// ```
    public func choice<Choice: RawRepresentable & CaseIterable>(_ option: String, of _: Choice.Type) throws(UsageError) -> Choice?
    where Choice.RawValue == String {
        guard let text = values[option] else { return nil }
        guard let choice = Choice(rawValue: text) else {
            let names = Choice.allCases.map(\.rawValue)
            let list = names.count > 1 ? names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "") : names.joined()
            throw UsageError(message: "\(option) takes \(list), not '\(text)'")
        }
        return choice
    }

    private static func notA(_ what: String, _ option: String, _ text: String) -> UsageError {
        UsageError(message: "\(option): \"\(text)\" is not \(what)")
    }
}
