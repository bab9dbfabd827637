/// The one hand-written argument parser of ChatlioAEP's executables (the examples, the emulator, the
/// harnesses and the benchmarks): `--flag`, `--option value`, `--option=value`, `--` and positional
/// arguments, with errors that name the option at fault.
///
/// For ChatlioAEP's own examples and benchmarks, not stable API: it may change in any release.
///
/// ```swift
/// let options = try CommandLineOptions(parsing: CommandLine.arguments.dropFirst(),
///                                      flags: ["--dry-run", "--help"], valued: ["--kind", "--port"])
/// if options.has("--dry-run") { … }
/// let kind = options.value("--kind")
/// let port = try options.integer("--port", in: 0 ... 65_535, what: "a port number (0...65535)") ?? 0
/// ```
public struct CommandLineOptions: Sendable, Equatable {
    /// Flags that were given.
    public private(set) var flags: Set<String> = []
    /// Options with values, by name (the last one wins when repeated).
    public private(set) var values: [String: String] = [:]
    /// Everything that is not an option, in order.
    public private(set) var positional: [String] = []
    /// The flags and options given, in the order given (repeats included), for rules such as
    /// "the first inlet-only option names itself in the error".
    public private(set) var given: [String] = []

    /// A problem with the command line, phrased for people.
    public struct UsageError: Error, Sendable, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { message }

        public init(message: String) {
            self.message = message
        }
    }

    /// Parses `arguments` (without the program name). `-h` counts as `--help`.
    public init(parsing arguments: some Sequence<String>, flags knownFlags: Set<String>, valued knownValued: Set<String>) throws(UsageError) {
        var iterator = arguments.makeIterator()
        var onlyPositional = false
        while let argument = iterator.next() {
            if onlyPositional || !argument.hasPrefix("-") || argument == "-" {
                positional.append(argument)
                continue
            }
            if argument == "--" {
                onlyPositional = true
                continue
            }
            let name: String
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            } else {
                name = argument == "-h" ? "--help" : argument
            }
            if knownFlags.contains(name) {
                guard inlineValue == nil else { throw UsageError(message: "\(name) takes no value") }
                flags.insert(name)
            } else if knownValued.contains(name) {
                if let inlineValue {
                    guard !inlineValue.isEmpty else { throw UsageError(message: "\(name) needs a value") }
                    values[name] = inlineValue
                } else {
                    guard let next = iterator.next(), !next.hasPrefix("--") else { throw UsageError(message: "\(name) needs a value") }
                    values[name] = next
                }
            } else {
                let known = (knownFlags.union(knownValued)).sorted().joined(separator: ", ")
                throw UsageError(message: "unknown option '\(name)'; known options: \(known)")
            }
            given.append(name)
        }
    }

    /// Whether a flag was given.
    public func has(_ flag: String) -> Bool { flags.contains(flag) }

    /// An option's value.
    public func value(_ option: String) -> String? { values[option] }
}
