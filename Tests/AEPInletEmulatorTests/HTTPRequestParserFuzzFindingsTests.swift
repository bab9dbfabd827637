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

    /// Found by fuzz-http-parser: a request head of 509–512 bytes against a
    /// 512-byte limit was accepted in one read but refused (431) when its
    /// blank line was still in flight, because the incomplete-head check
    /// counted the terminator's first bytes against the limit. The same held
    /// for a 1024-byte chunk-size line. The outcome must not depend on how
    /// TCP cuts the stream.
    @Test(arguments: [1, 2, 3, 7, 64])
    func limitsDoNotDependOnHowTheBytesArrive(readSize: Int) {
        let limits = HTTPRequestParser.Limits(maxHeaderBytes: 512, maxHeaderCount: 8, maxBodyBytes: 2048)
        let prefix = "POST /c HTTP/1.1\r\nHost: h\r\nX-Fill: "
        let exact = prefix + String(repeating: "f", count: 512 - prefix.utf8.count) + "\r\n\r\n"
        let over = prefix + String(repeating: "f", count: 513 - prefix.utf8.count) + "\r\n\r\n"
        let chunked = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        let longChunkLine = chunked + "1;" + String(repeating: "e", count: 1022) + "\r\nx\r\n0\r\n\r\n"
        let tooLongChunkLine = chunked + "1;" + String(repeating: "e", count: 1023) + "\r\nx\r\n0\r\n\r\n"
        for text in [exact, over, longChunkLine, tooLongChunkLine] {
            #expect(events(text, limits: limits, readSize: readSize) == events(text, limits: limits, readSize: text.utf8.count))
        }
        guard case .request = events(exact, limits: limits, readSize: readSize).first else {
            Issue.record("a 512-byte head was refused in reads of \(readSize)")
            return
        }
        #expect(events(over, limits: limits, readSize: readSize).first == .failure(HTTPParseError(status: 431, reason: "the request head exceeds 512 bytes")))
        guard case .request(let request) = events(longChunkLine, limits: limits, readSize: readSize).first else {
            Issue.record("a 1024-byte chunk-size line was refused in reads of \(readSize)")
            return
        }
        #expect(request.body == [UInt8(ascii: "x")])
        #expect(events(tooLongChunkLine, limits: limits, readSize: readSize).first == .failure(.badRequest("chunk size line too long")))
    }

    /// Found by fuzz-http-parser once the library itself was instrumented for
    /// coverage: trailers that used the whole 512-byte limit were accepted in
    /// one read but refused (431) when the blank line ending them arrived CR
    /// first, because the incomplete-line check counted that CR against the
    /// limit; a line's CR was counted the same way. The outcome must not
    /// depend on how TCP cuts the stream.
    @Test(arguments: [1, 2, 3, 5, 64])
    func trailerLimitDoesNotDependOnHowTheBytesArrive(readSize: Int) {
        let limits = HTTPRequestParser.Limits(maxHeaderBytes: 512, maxHeaderCount: 8, maxBodyBytes: 2048)
        let chunked = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n"
        // Two trailer lines of 256 bytes each, CRLFs included: exactly the limit, then the blank line.
        let line = "X-T: " + String(repeating: "t", count: 256 - 5 - 2) + "\r\n"
        let atLimit = chunked + line + line + "\r\n"
        let overLimit = chunked + line + "X-T: " + String(repeating: "t", count: 256 - 5 - 2 + 1) + "\r\n\r\n"
        for text in [atLimit, overLimit] {
            #expect(events(text, limits: limits, readSize: readSize) == events(text, limits: limits, readSize: text.utf8.count))
        }
        guard case .request(let request) = events(atLimit, limits: limits, readSize: readSize).first else {
            Issue.record("trailers at the limit were refused in reads of \(readSize)")
            return
        }
        #expect(request.body == [UInt8(ascii: "x")])
        #expect(events(overLimit, limits: limits, readSize: readSize).first == .failure(HTTPParseError(status: 431, reason: "trailer fields exceed 512 bytes")))
    }

    private func events(_ text: String, limits: HTTPRequestParser.Limits, readSize: Int) -> [HTTPRequestParser.Event] {
        var parser = HTTPRequestParser(limits: limits)
        var events: [HTTPRequestParser.Event] = []
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            parser.append(bytes[offset ..< min(offset + readSize, bytes.count)])
            offset += readSize
            while true {
                let event = parser.next()
                if event == .needMoreData { break }
                if event == .continueExpected { continue }
                events.append(event)
                if case .failure = event { return events }
            }
        }
        return events
    }
}
