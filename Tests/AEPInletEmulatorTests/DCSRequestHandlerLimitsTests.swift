@testable import AEPInletEmulator
import ChatlioJSON
import Testing

/// The emulator's body parsing is bounded like AEP's: depth and size.
@Suite("DCS handler limits")
struct DCSRequestHandlerLimitsTests {
    private let handler = DCSRequestHandler(settings: .init(
        inletID: "inlet-1", dataMode: .xdm, failureShape: .statusCode, requiredToken: nil, flowID: nil,
        imsOrgID: "ORG@AdobeOrg", validator: nil, maxBodyBytes: 4096
    ))
    private let context = DCSRequestHandler.Context(receivedTimeMs: 1, requestNumber: 1, transactionID: "t", forcedFailure: nil)

    private func response(_ body: [UInt8]) -> (status: Int, text: String)? {
        let request = HTTPRequest(method: "POST", target: "/collection/inlet-1", headers: [("Host", "h"), ("Content-Type", "application/json")], body: body)
        guard case .success(let route) = handler.admit(request, requestID: "r") else { return nil }
        let response = handler.process(request, route: route, context: context).response
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    @Test func nestingBeyond128LevelsIsA400() {
        func nested(_ depth: Int) -> [UInt8] { Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8) }
        let deep = response(nested(2000))
        #expect(deep?.status == 400)
        #expect(deep?.text.contains("nesting too deep") == true)
        // 128 levels parse, then fail the envelope check: a 400 for another reason.
        let atTheLimit = response(Array(#"{"header":"#.utf8) + nested(127) + Array("}".utf8))
        #expect(atTheLimit?.status == 400)
        #expect(atTheLimit?.text.contains("nesting too deep") == false)
    }

    @Test func aBodyAboveTheLimitIsA413() {
        #expect(response([UInt8](repeating: UInt8(ascii: " "), count: 4097))?.status == 413)
        #expect(response([UInt8](repeating: UInt8(ascii: " "), count: 4096))?.status == 400)
    }
}
