import ExampleSupport
import Testing

@Suite struct CommandLineOptionsNumbersTests {
    let valued: Set<String> = ["--port", "--seed", "--rate", "--outbox"]

    func options(_ arguments: [String]) throws -> CommandLineOptions {
        try CommandLineOptions(parsing: arguments, flags: ["--help"], valued: valued)
    }

    enum Outbox: String, CaseIterable { case file, memory, all }

    @Test func numbersInRange() throws {
        let parsed = try options(["--port", "8080", "--seed", "18446744073709551615", "--rate", "0.25", "--outbox", "memory"])
        #expect(try parsed.integer("--port", in: 0 ... 65_535, what: "a port number (0...65535)") == 8080)
        #expect(try parsed.unsignedInteger("--seed") == UInt64.max)
        #expect(try parsed.number("--rate", in: 0 ... 1, what: "a number between 0 and 1") == 0.25)
        #expect(try parsed.choice("--outbox", of: Outbox.self) == .memory)
    }

    @Test func absentOptionsAreNil() throws {
        let parsed = try options([])
        #expect(try parsed.integer("--port") == nil)
        #expect(try parsed.unsignedInteger("--seed") == nil)
        #expect(try parsed.number("--rate") == nil)
        #expect(try parsed.choice("--outbox", of: Outbox.self) == nil)
    }

    @Test(arguments: [
        (["--port", "http"], "--port: \"http\" is not a port number (0...65535)"),
        (["--port", "70000"], "--port: \"70000\" is not a port number (0...65535)"),
        (["--seed", "-1"], "--seed: \"-1\" is not an unsigned integer"),
        (["--rate", "1.5"], "--rate: \"1.5\" is not a number between 0 and 1"),
        (["--rate", "nan"], "--rate: \"nan\" is not a number between 0 and 1"),
        (["--outbox", "disk"], "--outbox takes file, memory or all, not 'disk'"),
    ])
    func wrongTextIsAUsageErrorNamingTheOption(arguments: [String], message: String) throws {
        let parsed = try options(arguments)
        #expect(throws: CommandLineOptions.UsageError(message: message)) {
            _ = try parsed.integer("--port", in: 0 ... 65_535, what: "a port number (0...65535)")
            _ = try parsed.unsignedInteger("--seed")
            _ = try parsed.number("--rate", in: 0 ... 1, what: "a number between 0 and 1")
            _ = try parsed.choice("--outbox", of: Outbox.self)
        }
    }
}
