import Foundation

/// An incremental HTTP/1.1 request parser (RFC 9112), pure and socket-free.
///
/// Feed bytes as they arrive with ``append(_:)`` and call ``next()`` until it
/// returns ``Event/needMoreData``. Pipelined requests come out one by one.
/// Content-Length and chunked bodies are supported; sizes are bounded by
/// ``Limits``. After a ``Event/failure(_:)`` the parser stays failed: the
/// connection answers and closes.
struct HTTPRequestParser: Sendable {
    struct Limits: Sendable, Hashable {
        /// Request line plus header fields (and chunked trailers), in bytes.
        var maxHeaderBytes: Int = 16 * 1024
        /// Header fields per request.
        var maxHeaderCount: Int = 100
        /// Decoded body bytes per request.
        var maxBodyBytes: Int = 1_048_576
    }

    enum Event: Sendable, Hashable {
        /// Nothing complete is buffered.
        case needMoreData
        /// The client sent `Expect: 100-continue` and waits for the interim response.
        case continueExpected
        /// A complete request.
        case request(HTTPRequest)
        /// The bytes are not an acceptable request.
        case failure(HTTPParseError)
    }

    private struct Head: Sendable {
        var request: HTTPRequest
        var expectsContinue: Bool
    }

    private enum State: Sendable {
        case head
        case fixedBody(Head, remaining: Int)
        case chunkSize(Head)
        case chunkData(Head, remaining: Int)
        case chunkDataEnd(Head)
        case trailers(Head, bytes: Int)
        case failed(HTTPParseError)
    }

    let limits: Limits
    private var buffer: [UInt8] = []
    private var start = 0
    private var headScanFrom = 0
    private var state: State = .head
    /// The body being read. A Content-Length body is allocated at its full size when the head
    /// arrives and filled in place (``receiveBody(_:)`` reads the socket straight into it), so
    /// it is neither grown nor copied; a chunked one grows chunk by chunk.
    private var body: [UInt8] = []
    /// How much of a Content-Length `body` is filled.
    private var bodyFilled = 0

    init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Whether bytes of an unfinished request are buffered.
    var hasPartialRequest: Bool {
        if case .head = state { return start < buffer.count }
        return true
    }

    /// Whether the request line and headers of the current request are still awaited.
    var isReadingHead: Bool {
        if case .head = state { return true }
        return false
    }

    mutating func append(_ bytes: some Sequence<UInt8>) {
        if start > 0, start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            headScanFrom -= start
            start = 0
        } else if start > 65_536 {
            buffer.removeFirst(start)
            headScanFrom -= start
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// While a Content-Length body is awaited and nothing else is buffered: lets `read` fill
    /// the rest of the body in place (at most the bytes still missing, so never a byte of the
    /// next request) and returns what it returned; `nil` otherwise (read into a buffer and
    /// ``append(_:)`` it). Call ``next()`` afterwards as after an append.
    ///
    /// ```swift
    /// if let count = parser.receiveBody({ POSIX.receive(fd, into: $0) }) { … }
    /// ```
    mutating func receiveBody(_ read: (UnsafeMutableRawBufferPointer) -> Int) -> Int? {
        guard case .fixedBody(let head, var remaining) = state, remaining > 0 else { return nil }
        // Body bytes that came with the head go in first.
        let buffered = min(remaining, buffer.count - start)
        if buffered > 0 {
            takeBufferedBody(buffered)
            remaining -= buffered
            state = .fixedBody(head, remaining: remaining)
            if remaining == 0 { return buffered }
        }
        guard start == buffer.count else { return nil }
        let filled = bodyFilled
        let count = body.withUnsafeMutableBytes { raw in
            read(UnsafeMutableRawBufferPointer(rebasing: raw[filled ..< filled + remaining]))
        }
        if count > 0 {
            bodyFilled += count
            state = .fixedBody(head, remaining: remaining - count)
        }
        return count
    }

    /// Moves the next `count` buffered bytes into the body being filled.
    private mutating func takeBufferedBody(_ count: Int) {
        guard count > 0 else { return }
        let (from, filled) = (start, bodyFilled)
        buffer.withUnsafeBytes { source in
            body.withUnsafeMutableBytes { target in
                UnsafeMutableRawBufferPointer(rebasing: target[filled ..< filled + count])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[from ..< from + count]))
            }
        }
        start += count
        bodyFilled += count
    }

    mutating func next() -> Event {
        while true {
            switch state {
            case .failed(let error):
                return .failure(error)
            case .head:
                switch parseHead() {
                case .none:
                    return .needMoreData
                case .some(.failure(let error)):
                    return fail(error)
                case .some(.success(let event)):
                    if let event { return event }
                }
            case .fixedBody(var head, let remaining):
                let available = min(remaining, buffer.count - start)
                takeBufferedBody(available)
                if available == remaining {
                    head.request.body = body
                    return finish(head)
                }
                state = .fixedBody(head, remaining: remaining - available)
                return continueIfExpected(&head, then: .fixedBody(head, remaining: remaining - available))
            case .chunkSize(var head):
                guard let lineEnd = findCRLF(from: start, limit: 1024) else {
                    // Too long only once the CRLF can no longer end within the limit
                    // (1024 bytes of line + 2), whatever the reads' sizes.
                    if buffer.count - start >= 1024 + 2 { return fail(.badRequest("chunk size line too long")) }
                    return continueIfExpected(&head, then: .chunkSize(head))
                }
                let line = buffer[start ..< lineEnd]
                start = lineEnd + 2
                let sizeText = line.prefix { $0 != UInt8(ascii: ";") }
                // chunk-size = 1*HEXDIG (RFC 9112 §7.1): no sign, which Int(_:radix:) would take.
                guard !sizeText.isEmpty, sizeText.count <= 15, sizeText.allSatisfy(Self.isHexDigit),
                    let size = Int(String(decoding: sizeText, as: UTF8.self), radix: 16)
                else {
                    return fail(.badRequest("invalid chunk size"))
                }
                if size == 0 {
                    state = .trailers(head, bytes: 0)
                } else if body.count + size > limits.maxBodyBytes {
                    return fail(.bodyTooLarge("the chunked body exceeds \(limits.maxBodyBytes) bytes"))
                } else {
                    state = .chunkData(head, remaining: size)
                }
            case .chunkData(let head, let remaining):
                let available = min(remaining, buffer.count - start)
                body.append(contentsOf: buffer[start ..< start + available])
                start += available
                if available == remaining {
                    state = .chunkDataEnd(head)
                } else {
                    state = .chunkData(head, remaining: remaining - available)
                    return .needMoreData
                }
            case .chunkDataEnd(let head):
                guard buffer.count - start >= 2 else { return .needMoreData }
                guard buffer[start] == 0x0D, buffer[start + 1] == 0x0A else {
                    return fail(.badRequest("chunk data not followed by CRLF"))
                }
                start += 2
                state = .chunkSize(head)
            case .trailers(var head, let bytes):
                guard let lineEnd = findCRLF(from: start, limit: limits.maxHeaderBytes) else {
                    // Too long only once the line can no longer fit, whatever the reads' sizes: a
                    // trailing CR may be the start of its CRLF, and the blank line that ends the
                    // trailers never counts (a complete line is judged below the same way).
                    let pending = buffer.count - start
                    let shortest = buffer.last == 0x0D ? pending - 1 : pending
                    if shortest > 0, bytes + shortest + 2 > limits.maxHeaderBytes {
                        return fail(.headersTooLarge("trailer fields exceed \(limits.maxHeaderBytes) bytes"))
                    }
                    return .needMoreData
                }
                let length = lineEnd - start
                start = lineEnd + 2
                if length == 0 {
                    head.request.body = body
                    return finish(head)
                }
                if bytes + length + 2 > limits.maxHeaderBytes {
                    return fail(.headersTooLarge("trailer fields exceed \(limits.maxHeaderBytes) bytes"))
                }
                state = .trailers(head, bytes: bytes + length + 2)
            }
        }
    }

    // MARK: - Head

    /// `nil`: need more bytes; `.success(nil)`: state advanced, keep going.
    private mutating func parseHead() -> Result<Event?, HTTPParseError>? {
        // RFC 9112 §2.2: ignore empty lines before the request line.
        while buffer.count - start >= 2, buffer[start] == 0x0D, buffer[start + 1] == 0x0A {
            start += 2
        }
        headScanFrom = max(headScanFrom, start)
        guard let end = findHeadEnd() else {
            // Too large only once the blank line can no longer start within the
            // limit (maxHeaderBytes + 4 bytes buffered), whatever the reads' sizes.
            if buffer.count - start >= limits.maxHeaderBytes + 4 {
                return .failure(.headersTooLarge("the request head exceeds \(limits.maxHeaderBytes) bytes"))
            }
            return nil
        }
        if end - start > limits.maxHeaderBytes {
            return .failure(.headersTooLarge("the request head exceeds \(limits.maxHeaderBytes) bytes"))
        }
        let headBytes = buffer[start ..< end]
        start = end + 4
        headScanFrom = start
        body = []
        switch Self.parseHeadBytes(headBytes, limits: limits) {
        case .failure(let error):
            return .failure(error)
        case .success(let (request, framing)):
            let expects = request.headerValues("Expect").contains { $0.lowercased() == "100-continue" }
            var head = Head(request: request, expectsContinue: expects)
            switch framing {
            case .none:
                return .success(finish(head))
            case .length(let length):
                body = [UInt8](repeating: 0, count: length)
                bodyFilled = 0
                state = .fixedBody(head, remaining: length)
                if buffer.count - start >= length { return .success(nil) }
                return .success(continueIfExpected(&head, then: .fixedBody(head, remaining: length)))
            case .chunked:
                state = .chunkSize(head)
                return .success(nil)
            }
        }
    }

    private enum Framing { case none, length(Int), chunked }

    private static func parseHeadBytes(_ bytes: ArraySlice<UInt8>, limits: Limits) -> Result<(HTTPRequest, Framing), HTTPParseError> {
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == 0x0D, index + 1 < bytes.endIndex, bytes[index + 1] == 0x0A {
                lines.append(bytes[lineStart ..< index])
                index += 2
                lineStart = index
            } else {
                index += 1
            }
        }
        lines.append(bytes[lineStart ..< bytes.endIndex])

        guard let requestLine = lines.first else { return .failure(.badRequest("empty request")) }
        let parts = requestLine.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            return .failure(.badRequest("malformed request line"))
        }
        guard parts[0].allSatisfy(isTokenByte) else { return .failure(.badRequest("malformed method")) }
        guard parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return .failure(.badRequest("malformed request target"))
        }
        let version = String(decoding: parts[2], as: UTF8.self)
        if version != "HTTP/1.1", version != "HTTP/1.0" {
            if version.hasPrefix("HTTP/"), version.count == 8 {
                return .failure(HTTPParseError(status: 505, reason: "HTTP version \(version) is not supported"))
            }
            return .failure(.badRequest("malformed HTTP version"))
        }
        let target = String(decoding: parts[1], as: UTF8.self)
        guard target.hasPrefix("/") else {
            return .failure(.badRequest("only origin-form request targets are accepted"))
        }

        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let first = line.first else { return .failure(.badRequest("empty header line")) }
            if first == 0x20 || first == 0x09 { return .failure(.badRequest("obsolete header line folding")) }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                return .failure(.badRequest("header line without a colon"))
            }
            let name = line[line.startIndex ..< colon]
            guard !name.isEmpty, name.allSatisfy(isTokenByte) else {
                return .failure(.badRequest("malformed header name"))
            }
            let value = line[(colon + 1)...]
            guard value.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
                return .failure(.badRequest("control character in a header value"))
            }
            let text = String(decoding: value, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            headers.append((String(decoding: name, as: UTF8.self), text))
            if headers.count > limits.maxHeaderCount {
                return .failure(.headersTooLarge("more than \(limits.maxHeaderCount) header fields"))
            }
        }

        let request = HTTPRequest(method: String(decoding: parts[0], as: UTF8.self), target: target, version: version, headers: headers)
        if version == "HTTP/1.1", request.headerValues("Host").count != 1 {
            return .failure(.badRequest("an HTTP/1.1 request needs exactly one Host header"))
        }

        let transferEncodings = request.headerValues("Transfer-Encoding")
        let lengths = request.headerValues("Content-Length")
        if !transferEncodings.isEmpty {
            guard lengths.isEmpty else {
                return .failure(.badRequest("both Transfer-Encoding and Content-Length"))
            }
            let codings = transferEncodings.flatMap { $0.split(separator: ",") }
                .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard codings == ["chunked"] else {
                return .failure(HTTPParseError(status: 501, reason: "transfer coding \(codings.joined(separator: ", ")) is not implemented"))
            }
            return .success((request, .chunked))
        }
        if !lengths.isEmpty {
            let values = Set(lengths.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) })
            guard values.count == 1, let text = values.first, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                return .failure(.badRequest("invalid Content-Length"))
            }
            guard text.count <= 15, let length = Int(text), length <= limits.maxBodyBytes else {
                return .failure(.bodyTooLarge("Content-Length \(text) exceeds \(limits.maxBodyBytes) bytes"))
            }
            return .success((request, length == 0 ? .none : .length(length)))
        }
        return .success((request, .none))
    }

    // MARK: - Helpers

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a") ... UInt8(ascii: "z"), UInt8(ascii: "A") ... UInt8(ascii: "Z"), UInt8(ascii: "0") ... UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0") ... UInt8(ascii: "9"), UInt8(ascii: "a") ... UInt8(ascii: "f"), UInt8(ascii: "A") ... UInt8(ascii: "F"):
            return true
        default:
            return false
        }
    }

    private mutating func findHeadEnd() -> Int? {
        var index = max(headScanFrom, start)
        while index + 3 < buffer.count {
            if buffer[index] == 0x0D, buffer[index + 1] == 0x0A, buffer[index + 2] == 0x0D, buffer[index + 3] == 0x0A {
                return index
            }
            index += 1
        }
        headScanFrom = max(start, index)
        return nil
    }

    private func findCRLF(from position: Int, limit: Int) -> Int? {
        var index = position
        let end = min(buffer.count, position + limit + 2)
        while index + 1 < end {
            if buffer[index] == 0x0D, buffer[index + 1] == 0x0A { return index }
            index += 1
        }
        return nil
    }

    private mutating func continueIfExpected(_ head: inout Head, then next: State) -> Event {
        if head.expectsContinue {
            head.expectsContinue = false
            state = Self.replacingHead(next, with: head)
            return .continueExpected
        }
        state = next
        return .needMoreData
    }

    private static func replacingHead(_ state: State, with head: Head) -> State {
        switch state {
        case .fixedBody(_, let remaining): .fixedBody(head, remaining: remaining)
        case .chunkSize: .chunkSize(head)
        case .chunkData(_, let remaining): .chunkData(head, remaining: remaining)
        case .chunkDataEnd: .chunkDataEnd(head)
        case .trailers(_, let bytes): .trailers(head, bytes: bytes)
        case .head, .failed: state
        }
    }

    private mutating func finish(_ head: Head) -> Event {
        state = .head
        body = []
        return .request(head.request)
    }

    private mutating func fail(_ error: HTTPParseError) -> Event {
        state = .failed(error)
        return .failure(error)
    }
}
