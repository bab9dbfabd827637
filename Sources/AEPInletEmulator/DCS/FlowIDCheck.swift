/// The dataflow id checks: the request's `x-adobe-flow-id` (header, else query parameter) and
/// each XDM envelope's `header.flowId`.
///
/// Adobe's HTTP API tutorial (help/sources/tutorials/api/create/streaming/http.md, "Post data to
/// be ingested") says of `{FLOW_ID}`: "This ID is required for both XDM and RAW data". Its XDM
/// example carries it as `header.flowId`; its raw examples as the `x-adobe-flow-id` header or query
/// parameter. Adobe documents no answer for a missing or foreign flow id, so the texts follow DCS's
/// per-message ones ("Message has an absent or wrong ims org in the header") and say "(emulator: …)"
/// for the detail.
struct FlowIDCheck: Sendable {
    /// The flow the inlet feeds, when it is known.
    var expected: String?
    var dataMode: AEPInletEmulator.DataMode
    /// `inletId: [...] imsOrgId: [...]`.
    var prefix: String

    /// Why the whole request is refused, if it is: raw data without a flow id, or a request flow id
    /// for another dataflow.
    func requestRefusal(requestFlowID: String?) -> String? {
        if dataMode == .raw, requestFlowID == nil {
            return "\(prefix) A flow id is required for raw data: send the x-adobe-flow-id header or query parameter"
        }
        if let expected, let requestFlowID, requestFlowID != expected {
            return "\(prefix) Unknown flow id [\(requestFlowID)] (emulator: expected \(expected))"
        }
        return nil
    }

    /// Why one XDM envelope fails, if it does. `envelopeFlowID` is its `header.flowId`; the request's
    /// flow id (already checked) stands in for a missing one.
    func envelopeFailure(envelopeFlowID: String?, requestFlowID: String?) -> String? {
        let wrong = "\(prefix) Message has an absent or wrong flow id in the header"
        if let envelopeFlowID, let requestFlowID, envelopeFlowID != requestFlowID {
            return "\(wrong) (emulator: header.flowId [\(envelopeFlowID)] differs from the request's x-adobe-flow-id [\(requestFlowID)])"
        }
        guard let expected else { return nil }
        guard let flowID = envelopeFlowID ?? requestFlowID else {
            return "\(wrong) (emulator: header.flowId is required: this inlet feeds dataflow \(expected))"
        }
        guard flowID == expected else {
            return "\(wrong) (emulator: header.flowId [\(flowID)] is not this inlet's dataflow \(expected))"
        }
        return nil
    }
}
