import ChatlioAEPSupport
import ChatlioJSON
import Foundation

/// Everything the emulated Platform keeps, in creation order (lists answer in that order).
struct PlatformState: Sendable {
    var fieldGroups: [JSONObject] = []
    var schemas: [JSONObject] = []
    var descriptors: [JSONObject] = []
    var namespaces: [JSONObject] = []
    var nextNamespaceID = 10_000_001
    var dataSets: [(id: String, value: JSONObject)] = []
    var mappingSets: [JSONObject] = []
    var baseConnections: [JSONObject] = []
    var sourceConnections: [JSONObject] = []
    var targetConnections: [JSONObject] = []
    var flows: [JSONObject] = []
    /// Base connection id → the id its (single) flow will get, which its inlet was started to expect.
    var reservedFlowIDs: [String: String] = [:]
    /// Inlets by flow id (Chatlio flows) or base connection id (HTTP API).
    var inlets: [String: AEPInletEmulator] = [:]
}

/// The Platform APIs as functions of a parsed request and the kept state.
/// Every handler validates the whole request before it changes anything, so
/// a refused request leaves no trace.
final class PlatformService: Sendable {
    let configuration: AEPPlatformEmulator.Configuration
    let state = Locked(PlatformState())
    /// Whether the emulator has been stopped (no new inlets after that).
    let stopped = Locked(false)
    /// The platform's own base URL, for `_links`.
    let baseURL: @Sendable () -> String
    /// The emulated IMS, whose tokens the inlets that need a token take too.
    let tokens: IMSTokenIssuer

    init(configuration: AEPPlatformEmulator.Configuration, tokens: IMSTokenIssuer, baseURL: @escaping @Sendable () -> String) {
        self.configuration = configuration
        self.tokens = tokens
        self.baseURL = baseURL
    }

    var tenantNamespace: String { "_\(configuration.tenantId)" }

    func nowMilliseconds() -> Int64 {
        Int64((configuration.now().timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// A `count`-digit lower-case hex id like the ones Platform assigns.
    static func hexID(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return String((0 ..< count).map { _ in digits[Int(generator.next() % 16)] })
    }

    static func uuid() -> String { UUID().uuidString.lowercased() }

    static func etag() -> String { "\"\(uuid())\"" }

    static func number(_ value: Int64) -> JSONValue { .number(JSONNumber(value)) }

    // MARK: Inlets

    /// Starts an inlet for a flow or base connection, from the configured template.
    ///
    /// An authenticated HTTP API connection (`authenticationRequired: true`, http.md "Authenticated
    /// connection") takes the same IMS bearer token as the Platform APIs, so its inlet requires the
    /// template's token or, when the template has none, the platform's ``AEPPlatformEmulator/Configuration/requiredToken``.
    /// Every inlet that requires a token (that one, or any when the template sets one) also takes
    /// the tokens `/ims/token/v3` issued, as DCS takes any valid IMS token of the organisation.
    ///
    /// A Chatlio flow's raw inlet applies the flow's mapping set (`dataPrepMapping`) to what it accepts.
    func startInlet(
        dataMode: AEPInletEmulator.DataMode, flowID: String, authenticated: Bool = false, dataPrepMapping: DataPrepMappingSet? = nil
    ) throws(HTTPResponseBox) -> AEPInletEmulator {
        guard !stopped.withLock({ $0 }) else {
            throw Self.refusal(PlatformProblem.problem(503, title: "ServiceUnavailable", detail: "The emulator is stopping"))
        }
        var inletConfiguration = configuration.inlet
        inletConfiguration.inletId = Self.hexID(64)
        inletConfiguration.dataMode = dataMode
        inletConfiguration.flowId = flowID
        inletConfiguration.imsOrgId = configuration.imsOrgId
        inletConfiguration.bindAddress = configuration.bindAddress
        inletConfiguration.port = 0
        inletConfiguration.dataPrepMapping = dataPrepMapping
        if authenticated, inletConfiguration.requiredToken == nil {
            inletConfiguration.requiredToken = configuration.requiredToken
        }
        if authenticated || inletConfiguration.requiredToken != nil {
            let tokens = tokens
            inletConfiguration.acceptsToken = { tokens.accepts($0) }
        }
        do {
            let inlet = try AEPInletEmulator(configuration: inletConfiguration)
            try inlet.start()
            configuration.log(ChatlioLogRecord(level: .info, message: "platform emulator: \(dataMode) inlet for flow \(flowID) at \(inlet.inletURL.absoluteString)"))
            return inlet
        } catch {
            throw Self.refusal(PlatformProblem.problem(
                500, title: "InternalServerError", detail: "(emulator) could not start the flow's streaming inlet: \(error)"
            ))
        }
    }

    func stopInlets() {
        stopped.withLock { $0 = true }
        let inlets = state.withLock { Array($0.inlets.values) }
        for inlet in inlets { inlet.stop() }
    }

    // MARK: Shared checks

    /// The body as an object, or the 400 naming what it is instead.
    static func object(_ body: JSONValue?) throws(HTTPResponseBox) -> JSONObject {
        guard let object = body?.objectValue else {
            throw refusal(PlatformProblem.badRequest("The request body must be a JSON object (got \(body?.typeName ?? "nothing"))"))
        }
        return object
    }

    /// A required non-empty string at `path`.
    static func string(_ value: JSONValue?, _ path: String) throws(HTTPResponseBox) -> String {
        guard let string = value?.stringValue, !string.trimmingCharacters(in: .whitespaces).isEmpty else {
            let got = value.map { $0.stringValue == nil ? "a \($0.typeName)" : "an empty string" } ?? "nothing"
            throw refusal(PlatformProblem.field(path, "is required: a non-empty string (got \(got))"))
        }
        return string
    }

    /// The refusal to throw.
    static func refusal(_ response: HTTPResponse) -> HTTPResponseBox { HTTPResponseBox(response) }

    static func badRequest(_ detail: String) -> HTTPResponseBox { HTTPResponseBox(PlatformProblem.badRequest(detail)) }

    /// `{"id": expected, "version": "1.0"}` at `path`.
    static func spec(_ value: JSONValue?, _ path: String, allowed: [String]) throws(HTTPResponseBox) -> String {
        guard let object = value?.objectValue else {
            throw refusal(PlatformProblem.field(path, "is required: {\"id\": …, \"version\": \"1.0\"}"))
        }
        guard let id = object["id"]?.stringValue else {
            throw refusal(PlatformProblem.field("\(path).id", "is required"))
        }
        guard allowed.contains(id) else {
            throw refusal(PlatformProblem.field(
                "\(path).id", "\"\(id)\" is not a spec this request takes; Adobe documents \(allowed.joined(separator: " or "))"
            ))
        }
        guard object["version"]?.stringValue == AEPPlatformSpecs.specVersion else {
            let got = object["version"].map { String(decoding: $0.serialized(), as: UTF8.self) } ?? "nothing"
            throw refusal(PlatformProblem.field("\(path).version", "must be \"1.0\" (got \(got))"))
        }
        return id
    }

    /// `application/vnd.adobe.xed[-full][-notext]+json;version=1` (or `version=1.0`), as schemaRef.contentType takes it
    /// (help/xdm/api/getting-started.md "Schema versioning").
    static func isSchemaContentType(_ text: String) -> Bool {
        let parts = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard parts.count == 2 else { return false }
        let types = ["application/vnd.adobe.xed+json", "application/vnd.adobe.xed-full+json", "application/vnd.adobe.xed-notext+json",
                     "application/vnd.adobe.xed-full-notext+json"]
        return types.contains(parts[0]) && (parts[1] == "version=1" || parts[1] == "version=1.0")
    }

    /// Applies every `property=` filter of the request (AND), or the 400 for a malformed one.
    static func filter(_ items: [JSONObject], _ request: PlatformRequest) throws(HTTPResponseBox) -> [JSONObject] {
        var filters: [PropertyFilter] = []
        for text in request.queries("property") {
            guard let filter = PropertyFilter(text) else { throw badRequest("property=\(text) names no property") }
            filters.append(filter)
        }
        return items.filter { item in filters.allSatisfy { $0.matches(.object(item)) } }
    }
}

