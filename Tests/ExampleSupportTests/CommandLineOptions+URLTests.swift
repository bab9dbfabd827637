import ExampleSupport
import Foundation
import Testing

@Suite struct CommandLineOptionsURLTests {
    @Test func anAbsoluteURL() throws {
        let parsed = try CommandLineOptions(parsing: ["--inlet", "http://127.0.0.1:8080/collection/x"], flags: [], valued: ["--inlet"])
        #expect(try parsed.url("--inlet") == URL(string: "http://127.0.0.1:8080/collection/x"))
        #expect(try parsed.url("--other") == nil)
    }

    @Test(arguments: ["collection/x", "127.0.0.1:8080", "http://"])
    func textThatIsNoURLIsAUsageError(text: String) throws {
        let parsed = try CommandLineOptions(parsing: ["--inlet", text], flags: [], valued: ["--inlet"])
        #expect(throws: CommandLineOptions.UsageError(message: "--inlet: \"\(text)\" is not a URL")) {
            try parsed.url("--inlet")
        }
    }
}
