@testable import AEPInletEmulator
import FuzzSupport

/// The emulator's incremental HTTP/1.1 request parser (internal: reached with
/// `@testable import`, which run.sh enables with `-enable-testing`).
///
/// The first two input bytes choose how the rest is cut into reads (a chunk
/// length pattern); the rest is what a client sent. Properties:
/// - feeding the bytes in those reads gives the same requests and the same
///   final failure as feeding them in one read (`100-continue` interim events
///   aside, which depend on timing by design);
/// - every request has an origin-form target, at most `maxHeaderCount`
///   headers, a body within `maxBodyBytes`; all bodies together are no longer
///   than the input;
/// - after a failure the parser stays failed, with a 4xx/5xx status.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = bytes(data, size)
    guard input.count >= 2 else { return 0 }
    let pattern = (Int(input[0]) % 64 + 1, Int(input[1]) % 7 + 1)
    let stream = Array(input.dropFirst(2))
    // Small limits, so the fuzzer reaches them.
    let limits = HTTPRequestParser.Limits(maxHeaderBytes: 512, maxHeaderCount: 8, maxBodyBytes: 2048)

    let whole = run(stream, limits: limits, reads: [stream.count])
    var reads: [Int] = []
    var total = 0
    var turn = 0
    while total < stream.count {
        let length = turn % 2 == 0 ? pattern.0 : pattern.1
        reads.append(min(length, stream.count - total))
        total += length
        turn += 1
    }
    let pieces = run(stream, limits: limits, reads: reads)
    require(whole == pieces, "one read gave \(whole), reads of \(pattern) gave \(pieces)")

    var bodyBytes = 0
    for event in whole {
        switch event {
        case .request(let request):
            require(request.target.hasPrefix("/"), "target \(request.target.debugDescription)")
            require(request.headers.count <= limits.maxHeaderCount, "\(request.headers.count) headers")
            require(request.body.count <= limits.maxBodyBytes, "body of \(request.body.count) bytes")
            bodyBytes += request.body.count
        case .failure(let error):
            require((400...599).contains(error.status), "failure status \(error.status)")
        case .needMoreData, .continueExpected:
            require(false, "interim event kept: \(event)")
        }
    }
    require(bodyBytes <= stream.count, "bodies total \(bodyBytes) bytes from \(stream.count) input bytes")
    return 0
}

/// Feeds `stream` in reads of the given lengths, draining events after each;
/// returns requests and failures in order (interim events left out). Checks
/// that a failed parser stays failed.
private func run(_ stream: [UInt8], limits: HTTPRequestParser.Limits, reads: [Int]) -> [HTTPRequestParser.Event] {
    var parser = HTTPRequestParser(limits: limits)
    var events: [HTTPRequestParser.Event] = []
    var offset = 0
    for length in reads {
        parser.append(stream[offset ..< offset + length])
        offset += length
        while true {
            let event = parser.next()
            if event == .needMoreData { break }
            if event == .continueExpected { continue }
            events.append(event)
            if case .failure = event {
                require(parser.next() == event, "a failed parser recovered")
                return events
            }
        }
    }
    return events
}
