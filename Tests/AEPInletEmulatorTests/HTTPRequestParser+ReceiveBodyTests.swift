@testable import AEPInletEmulator
import Testing

/// `receiveBody`: a Content-Length body read in place, as the loopback server reads it
/// (the socket's bytes straight into the request body, never past it).
@Suite("HTTP/1.1 request parser: bodies read in place")
struct HTTPRequestParserReceiveBodyTests {
    /// Feeds `head` (and whatever follows it in the same read) by `append`, then the rest of
    /// `stream` through `receiveBody` in reads of at most `chunk` bytes, as long as it takes them.
    private func run(_ stream: [UInt8], firstRead: Int, chunk: Int) -> (events: [HTTPRequestParser.Event], inPlace: Int) {
        var parser = HTTPRequestParser()
        var events: [HTTPRequestParser.Event] = []
        var offset = min(firstRead, stream.count)
        var inPlace = 0
        parser.append(stream[0 ..< offset])
        while true {
            var event = parser.next()
            while event != .needMoreData {
                events.append(event)
                if case .failure = event { return (events, inPlace) }
                event = parser.next()
            }
            guard offset < stream.count else { return (events, inPlace) }
            let wanted = min(chunk, stream.count - offset)
            let taken = parser.receiveBody { target in
                let count = min(wanted, target.count)
                stream.withUnsafeBytes { source in
                    UnsafeMutableRawBufferPointer(rebasing: target[0 ..< count])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset ..< offset + count]))
                }
                return count
            }
            if let taken {
                offset += taken
                inPlace += taken
            } else {
                parser.append(stream[offset ..< offset + wanted])
                offset += wanted
            }
        }
    }

    private func requests(_ events: [HTTPRequestParser.Event]) -> [HTTPRequest] {
        events.compactMap { event in
            if case .request(let request) = event { return request }
            return nil
        }
    }

    @Test(arguments: [1, 7, 64, 10_000])
    func aBodyReadInPlaceIsTheBodySent(chunk: Int) throws {
        let body = String((0 ..< 3000).map { Character(UnicodeScalar(UInt8(ascii: "a") + UInt8($0 % 26))) })
        let stream = Array(String.post("/collection/batch/x", body: body).utf8)
        let headLength = stream.count - body.utf8.count
        // The first read ends inside the body: the rest arrives in place.
        let (events, inPlace) = run(stream, firstRead: headLength + 10, chunk: chunk)
        let request = try #require(requests(events).first)
        #expect(events.count == 1)
        #expect(request.body == Array(body.utf8))
        #expect(inPlace == body.utf8.count - 10)
    }

    @Test func theNextPipelinedRequestIsNeverReadIntoABody() {
        let first = String.post("/one", body: String(repeating: "1", count: 500))
        let second = String.post("/two", body: "22")
        let stream = Array((first + second).utf8)
        // Reads offered are larger than the first body: receiveBody takes only what it lacks.
        let firstHead = first.utf8.count - 500
        let (events, inPlace) = run(stream, firstRead: firstHead + 10, chunk: 4096)
        let requests = requests(events)
        #expect(requests.map(\.target) == ["/one", "/two"])
        #expect(requests.map(\.body) == [Array(String(repeating: "1", count: 500).utf8), Array("22".utf8)])
        #expect(inPlace == 490)
    }

    @Test func withoutAPendingBodyItReadsNothing() {
        var parser = HTTPRequestParser()
        #expect(parser.receiveBody { _ in 1 } == nil, "no request yet")
        parser.append(Array("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
        #expect(parser.next() == .needMoreData)
        #expect(parser.receiveBody { _ in 1 } == nil, "a chunked body is framed: it goes through append")
        var buffered = HTTPRequestParser()
        buffered.append(Array("POST /c HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nab".utf8))
        #expect(buffered.next() == .needMoreData)
        #expect(buffered.receiveBody { target in
            target.storeBytes(of: UInt8(ascii: "c"), toByteOffset: 0, as: UInt8.self)
            target.storeBytes(of: UInt8(ascii: "d"), toByteOffset: 1, as: UInt8.self)
            return 2
        } == 2)
        #expect(buffered.next() == .request(HTTPRequest(method: "POST", target: "/c", headers: [("Host", "h"), ("Content-Length", "4")], body: Array("abcd".utf8))))
    }

    @Test func expectContinueIsStillAnsweredBeforeTheBody() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("POST /c HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n".utf8))
        #expect(parser.next() == .continueExpected)
        #expect(parser.next() == .needMoreData)
        let count = parser.receiveBody { target in
            for (offset, byte) in "xyz".utf8.enumerated() { target.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self) }
            return 3
        }
        #expect(count == 3)
        guard case .request(let request) = parser.next() else {
            Issue.record("no request after the body")
            return
        }
        #expect(request.body == Array("xyz".utf8))
    }

    @Test func theEndOfTheStreamLeavesTheRequestUnfinished() {
        var parser = HTTPRequestParser()
        parser.append(Array("POST /c HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n".utf8))
        #expect(parser.next() == .needMoreData)
        #expect(parser.receiveBody { _ in 0 } == 0)
        #expect(parser.next() == .needMoreData)
        #expect(parser.hasPartialRequest)
    }
}
