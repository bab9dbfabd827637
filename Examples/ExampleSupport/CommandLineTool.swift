import Foundation

/// An executable's name and help text, and the conventions every ChatlioAEP executable keeps:
/// `--help` prints the help on standard output and exits 0; a usage error goes to standard error as
/// `<name>: <problem>` and exits with status 2.
///
/// For ChatlioAEP's own examples and benchmarks, not stable API.
///
/// ```swift
/// let tool = CommandLineTool(name: "inlet-bench", usage: "Usage: inlet-bench [--events N]")
/// let options = tool.parse(flags: ["--validate"], valued: ["--events"])
/// let events = tool.checked { try options.positiveInteger("--events") } ?? 200_000
/// ```
public struct CommandLineTool: Sendable {
    /// The exit status of a usage error, as every ChatlioAEP tool has it.
    public static let usageErrorStatus: Int32 = 2

    public let name: String
    public let usage: String

    public init(name: String, usage: String) {
        self.name = name
        self.usage = usage
    }

    /// Parses `arguments` (`--help` is always known): prints the help and exits 0 for `--help`;
    /// exits 2 with `<name>: <problem> (see --help)` for a usage error.
    public func parse(
        _ arguments: some Sequence<String> = CommandLine.arguments.dropFirst(), flags: Set<String> = [], valued: Set<String> = []
    ) -> CommandLineOptions {
        let options: CommandLineOptions
        do {
            options = try CommandLineOptions(parsing: arguments, flags: flags.union(["--help"]), valued: valued)
        } catch {
            usageError("\(error) (see --help)")
        }
        if options.has("--help") {
            print(usage)
            exit(0)
        }
        return options
    }

    /// The value `read` returns, or, when it throws (a `CommandLineOptions.UsageError` from a typed
    /// read), `<name>: <problem>` and exit status 2.
    public func checked<Value>(_ read: () throws -> Value) -> Value {
        do {
            return try read()
        } catch let error as CommandLineOptions.UsageError {
            usageError(error.message)
        } catch {
            usageError("\(error)")
        }
    }

    /// Writes `<name>: <message>` to standard error and exits with status 2.
    public func usageError(_ message: String) -> Never {
        FileHandle.standardError.write(Data("\(name): \(message)\n".utf8))
        exit(Self.usageErrorStatus)
    }
}
