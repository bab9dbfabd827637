@testable import AEPInletEmulator
import Testing

@Suite("HTTP/1.1 request parser")
struct HTTPRequestParserTests {
    private func events(_ text: String, limits: HTTPRequestParser.Limits = .init(), byteByByte: Bool = false) -> [HTTPRequestParser.Event] {
        var parser = HTTPRequestParser(limits: limits)
        var events: [HTTPRequestParser.Event] = []
        func drain() {
            while true {
                let event = parser.next()
                if event == .needMoreData { return }
                events.append(event)
                if case .failure = event { return }
            }
        }
        if byteByByte {
            for byte in text.utf8 {
                parser.append([byte])
                drain()
            }
        } else {
            parser.append(Array(text.utf8))
            drain()
        }
        return events
    }

    private func onlyRequest(_ events: [HTTPRequestParser.Event]) -> HTTPRequest? {
        guard events.count == 1, case .request(let request) = events[0] else { return nil }
        return request
    }

    @Test func contentLengthBody() throws {
        let request = try #require(onlyRequest(events(.post("/collection/x?syncValidation=true", body: #"{"a":1}"#))))
        #expect(request.method == "POST")
        #expect(request.path == "/collection/x")
        #expect(request.query["syncValidation"] == "true")
        #expect(String(decoding: request.body, as: UTF8.self) == #"{"a":1}"#)
        #expect(request.header("content-type") == "application/json")
        #expect(request.keepAlive)
    }

    @Test(arguments: [false, true])
    func chunkedBodyWithExtensionsAndTrailers(byteByByte: Bool) throws {
        let text = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4;name=value\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\nX-Trailer: yes\r\n\r\n"
        let request = try #require(onlyRequest(events(text, byteByByte: byteByByte)))
        #expect(String(decoding: request.body, as: UTF8.self) == #"{"a":1}"#)
    }

    @Test func pipelinedRequestsComeOutInOrder() {
        let text = String.post("/one", body: "1") + String.post("/two", body: "22") + "GET /three HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
        let requests = events(text).compactMap { event -> HTTPRequest? in
            if case .request(let request) = event { return request }
            return nil
        }
        #expect(requests.map(\.target) == ["/one", "/two", "/three"])
        #expect(requests.map(\.body.count) == [1, 2, 0])
        #expect(requests.map(\.keepAlive) == [true, true, false])
    }

    @Test func byteByByteFeedingGivesTheSameRequest() throws {
        let text = String.post("/collection/x", body: #"{"messages":[]}"#)
        #expect(onlyRequest(events(text, byteByByte: true)) == onlyRequest(events(text)))
        #expect(onlyRequest(events(text)) != nil)
    }

    @Test func http10ClosesUnlessKeepAlive() throws {
        let close = try #require(onlyRequest(events("GET / HTTP/1.0\r\n\r\n")))
        #expect(!close.keepAlive)
        let keep = try #require(onlyRequest(events("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")))
        #expect(keep.keepAlive)
    }

    @Test func leadingEmptyLinesAreIgnored() {
        #expect(onlyRequest(events("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")) != nil)
    }

    @Test func expectContinueIsReportedBeforeTheBody() {
        var parser = HTTPRequestParser()
        parser.append(Array("POST /c HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".utf8))
        #expect(parser.next() == .continueExpected)
        #expect(parser.next() == .needMoreData)
        parser.append(Array("{}".utf8))
        guard case .request(let request) = parser.next() else {
            Issue.record("no request")
            return
        }
        #expect(request.body == Array("{}".utf8))
    }

    @Test(arguments: [
        ("GARBAGE\r\n\r\n", 400),
        ("POST /c HTTP/1.1 extra\r\nHost: h\r\n\r\n", 400),
        ("POST http://other/c HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("POST /c HTTP/2.0\r\nHost: h\r\n\r\n", 505),
        ("POST /c HTTP/1.1\r\n\r\n", 400),
        ("POST /c HTTP/1.1\r\nHost: h\r\nBad Header: x\r\n\r\n", 400),
        ("POST /c HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", 400),
        ("POST /c HTTP/1.1\r\nHost: h\r\nX: a\r\n folded\r\n\r\n", 400),
        ("POST /c HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST /c HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n", 400),
        ("POST /c HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400),
        ("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
        ("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n", 400),
        ("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY", 400),
        ("POST /c HTTP/1.1\r\nHost: h\r\nContent-Length: 2000000\r\n\r\n", 413),
    ])
    func malformedRequestsFailWithAStatus(text: String, status: Int) {
        let result = events(text)
        guard case .failure(let error)? = result.last else {
            Issue.record("expected a failure for \(text.debugDescription), got \(result)")
            return
        }
        #expect(error.status == status, "\(error.reason)")
    }

    @Test func chunkedBodiesAreBounded() {
        let limits = HTTPRequestParser.Limits(maxHeaderBytes: 1024, maxHeaderCount: 10, maxBodyBytes: 8)
        let text = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n12345\r\n5\r\n67890\r\n0\r\n\r\n"
        guard case .failure(let error)? = events(text, limits: limits).last else {
            Issue.record("no failure")
            return
        }
        #expect(error.status == 413)
    }

    @Test func headersAreBounded() {
        let limits = HTTPRequestParser.Limits(maxHeaderBytes: 512, maxHeaderCount: 5, maxBodyBytes: 8)
        let long = "GET / HTTP/1.1\r\nHost: h\r\nX-Long: \(String(repeating: "a", count: 600))\r\n\r\n"
        #expect(events(long, limits: limits).last == .failure(.headersTooLarge("the request head exceeds 512 bytes")))
        let unterminated = "GET / HTTP/1.1\r\nHost: h\r\nX-Long: \(String(repeating: "a", count: 600))"
        guard case .failure(let error)? = events(unterminated, limits: limits).last else {
            Issue.record("an endless head must fail before it ends")
            return
        }
        #expect(error.status == 431)
        let many = "GET / HTTP/1.1\r\nHost: h\r\n" + (0 ..< 6).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        guard case .failure(let tooMany)? = events(many, limits: limits).last else {
            Issue.record("too many headers must fail")
            return
        }
        #expect(tooMany.status == 431)
    }

    @Test func aFailedParserStaysFailed() {
        var parser = HTTPRequestParser()
        parser.append(Array("BROKEN\r\n\r\n".utf8))
        #expect(parser.next() == .failure(.badRequest("malformed request line")))
        parser.append(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        #expect(parser.next() == .failure(.badRequest("malformed request line")))
    }

    @Test func queryParametersArePercentDecoded() {
        let request = HTTPRequest(method: "POST", target: "/c?x-adobe-flow-id=a%2Fb&v=1+2&v=3&empty")
        #expect(request.query == ["x-adobe-flow-id": "a/b", "v": "1 2", "empty": ""])
        #expect(request.path == "/c")
    }
}
