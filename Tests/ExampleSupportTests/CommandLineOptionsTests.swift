import ExampleSupport
import Testing

@Suite struct CommandLineOptionsTests {
    let flags: Set<String> = ["--dry-run", "--help"]
    let valued: Set<String> = ["--kind", "--inlet", "--count"]

    @Test func flagsValuesAndPositionals() throws {
        let options = try CommandLineOptions(parsing: ["a.json", "--kind", "offline-message", "--dry-run", "--inlet=https://x/y?a=b", "b.json"], flags: flags, valued: valued)
        #expect(options.has("--dry-run") && !options.has("--help"))
        #expect(options.value("--kind") == "offline-message")
        #expect(options.value("--inlet") == "https://x/y?a=b")
        #expect(options.positional == ["a.json", "b.json"])
    }

    @Test func shortHelpAndDoubleDash() throws {
        let options = try CommandLineOptions(parsing: ["-h", "--", "--kind", "-"], flags: flags, valued: valued)
        #expect(options.has("--help"))
        #expect(options.positional == ["--kind", "-"])
    }

    @Test(arguments: [
        (["--kind"], "--kind needs a value"),
        (["--kind", "--dry-run"], "--kind needs a value"),
        (["--kind="], "--kind needs a value"),
        (["--dry-run=yes"], "--dry-run takes no value"),
        (["--bogus"], "unknown option '--bogus'; known options: --count, --dry-run, --help, --inlet, --kind"),
        (["-x"], "unknown option '-x'; known options: --count, --dry-run, --help, --inlet, --kind"),
    ])
    func clearErrors(arguments: [String], message: String) {
        #expect(throws: CommandLineOptions.UsageError(message: message)) {
            try CommandLineOptions(parsing: arguments, flags: flags, valued: valued)
        }
    }

    @Test func positiveIntegers() throws {
        #expect(try CommandLineOptions(parsing: ["--count", "12"], flags: flags, valued: valued).positiveInteger("--count") == 12)
        #expect(try CommandLineOptions(parsing: [], flags: flags, valued: valued).positiveInteger("--count") == nil)
        #expect(throws: CommandLineOptions.UsageError(message: "--count must be a positive whole number, not '0'")) {
            try CommandLineOptions(parsing: ["--count", "0"], flags: flags, valued: valued).positiveInteger("--count")
        }
    }

    @Test func givenKeepsTheOrderOfOptions() throws {
        let options = try CommandLineOptions(parsing: ["--kind", "a", "x.json", "--dry-run", "--kind=b"], flags: flags, valued: valued)
        #expect(options.given == ["--kind", "--dry-run", "--kind"])
        #expect(options.value("--kind") == "b")
    }
}
