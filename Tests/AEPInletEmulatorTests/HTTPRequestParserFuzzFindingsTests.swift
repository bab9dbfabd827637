@testable import AEPInletEmulator
import Testing

/// Inputs found by Tests/Fuzz (fuzz-http-parser), kept so they stay fixed.
@Suite("HTTP request parser: fuzz findings")
struct HTTPRequestParserFuzzFindingsTests {
    private func firstEvent(_ text: String) -> HTTPRequestParser.Event {
        var parser = HTTPRequestParser()
        parser.append(Array(text.utf8))
        return parser.next()
    }

    /// A signed chunk size: `Int(_:radix:)` took "-3" as -3, and the parser
    /// then sliced the buffer with a negative length and trapped, taking the
    /// whole process (the emulator's tests) down. "+3" was taken as 3.
    @Test(arguments: ["-3", "+3", "-0", "+0", " 3", "0x3"])
    func signedOrPrefixedChunkSizeIsABadRequest(size: String) {
        let text = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\(size)\r\n:1}\r\n0\r\n\r\n"
        guard case .failure(let error) = firstEvent(text) else {
            Issue.record("chunk size \(size.debugDescription) was accepted")
            return
        }
        #expect(error.status == 400)
        #expect(error.reason == "invalid chunk size")
    }

    @Test func hexChunkSizesInEitherCaseStillWork() throws {
        let text = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\na;x=y\r\nabcdefghij\r\n0\r\n\r\n"
        guard case .request(let request) = firstEvent(text) else {
            Issue.record("not parsed")
            return
        }
        #expect(String(decoding: request.body, as: UTF8.self) == "0123456789abcdefghij")
    }
}
