import AEPStreamingClient
import ChatlioRelay
import ChatlioWebhooks
import Foundation
import HTTPTypes
import Hummingbird

/// The operator's endpoints on a running relay, behind an admin token
/// (`Authorization: Bearer <token>`, compared in constant time), so dead
/// letters and quarantined bodies are handled without stopping it. They work
/// through the live client (``ChatlioStateAdministration`` in live mode):
///
/// ```text
/// GET  /admin/status                    {"outbox": {...}, "deadLetters": {...}, "quarantine": {...}}
/// GET  /admin/dead-letters              {"deadLetters": [{id, status, reason, attempts, kind, …, payload}]}
/// GET  /admin/dead-letters/{id}         one letter with its payload
/// POST /admin/dead-letters/redrive      {"ids": [...]} or {"all": true}
/// POST /admin/dead-letters/purge        {"ids": [...]}, {"all": true} or {"olderThan": "7d"}
/// GET  /admin/quarantine                {"items": [{id, receivedAt, route, code, pointer, reason, body}]}
/// GET  /admin/quarantine/{id}           one item with its body
/// POST /admin/quarantine/replay         {"ids": [...]} or {"all": true}
/// POST /admin/quarantine/purge          {"ids": [...]}, {"all": true} or {"olderThan": "7d"}
/// ```
///
/// ```swift
/// let admin = ChatlioStateAdministration(client: client, outbox: outbox, quarantine: quarantine, mapper: mapper)
/// try ChatlioAdminRoutes(administration: admin, token: adminToken).register(on: router)
/// ```
public struct ChatlioAdminRoutes: Sendable {
    /// Bodies of admin requests are small: a list of ids.
    static let maxBodyBytes = 1 << 20

    public let administration: ChatlioStateAdministration
    private let token: String

    /// - Throws: ``ChatlioStateAdministrationError`` with code `invalidArgument` when the token is
    ///   shorter than 16 bytes (guessable).
    public init(administration: ChatlioStateAdministration, token: String) throws(ChatlioStateAdministrationError) {
        guard token.utf8.count >= 16 else {
            throw ChatlioStateAdministrationError(.invalidArgument, "the admin token must be at least 16 bytes (it is guessable otherwise)")
        }
        self.administration = administration
        self.token = token
    }

    public func register(on router: Router<BasicRequestContext>) {
        let admin = administration
        let group = router.group("admin").add(middleware: AdminTokenMiddleware(expected: "Bearer " + token))
        group.get("status") { _, _ in
            try await Self.answer { () throws(ChatlioStateAdministrationError) in ChatlioStateAdministration.json(try await admin.status()) }
        }
        group.get("dead-letters") { _, _ in
            try await Self.answer { () throws(ChatlioStateAdministrationError) in
                let letters = try await admin.deadLettersWithPayloads()
                return .object(["count": .number(JSONNumber(letters.count)), "deadLetters": .array(letters.map(ChatlioStateAdministration.json))])
            }
        }
        group.get("dead-letters/:id") { _, context in
            let id = context.parameters.get("id") ?? ""
            return try await Self.answer { () throws(ChatlioStateAdministrationError) in
                guard let letter = try await admin.deadLetter(id: id) else { throw ChatlioStateAdministrationError(.notFound, "no dead letter has the id \(id)") }
                return ChatlioStateAdministration.json(letter)
            }
        }
        group.post("dead-letters/redrive") { request, _ in
            try await Self.answer(request, allowingAge: false) { selection throws(ChatlioStateAdministrationError) in
                ChatlioStateAdministration.json(try await admin.redriveDeadLetters(selection))
            }
        }
        group.post("dead-letters/purge") { request, _ in
            try await Self.answer(request, allowingAge: true) { selection throws(ChatlioStateAdministrationError) in
                ChatlioStateAdministration.json(try await admin.purgeDeadLetters(selection))
            }
        }
        group.get("quarantine") { _, _ in
            try await Self.answer { () throws(ChatlioStateAdministrationError) in
                let records = try admin.quarantineRecords()
                return .object(["count": .number(JSONNumber(records.count)), "items": .array(records.map { ChatlioStateAdministration.json($0, body: true) })])
            }
        }
        group.get("quarantine/:id") { _, context in
            let id = context.parameters.get("id") ?? ""
            return try await Self.answer { () throws(ChatlioStateAdministrationError) in
                guard let record = try admin.quarantineRecord(id: id) else { throw ChatlioStateAdministrationError(.notFound, "nothing quarantined has the id \(id)") }
                return ChatlioStateAdministration.json(record, body: true)
            }
        }
        group.post("quarantine/replay") { request, _ in
            try await Self.answer(request, allowingAge: false) { selection throws(ChatlioStateAdministrationError) in
                ChatlioStateAdministration.json(try await admin.replayQuarantine(selection))
            }
        }
        group.post("quarantine/purge") { request, _ in
            try await Self.answer(request, allowingAge: true) { selection throws(ChatlioStateAdministrationError) in
                ChatlioStateAdministration.json(try admin.purgeQuarantine(selection))
            }
        }
    }

    /// Reads the selection from the body, then runs `operation` on it.
    static func answer(
        _ request: Request, allowingAge: Bool,
        _ operation: @Sendable (ChatlioStateAdministration.Selection) async throws(ChatlioStateAdministrationError) -> JSONValue
    ) async throws -> Response {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maxBodyBytes)
        } catch {
            return json(413, ["status": "too large", "maxBytes": .number(JSONNumber(maxBodyBytes))])
        }
        let selection: ChatlioStateAdministration.Selection
        do {
            selection = try ChatlioStateAdministration.Selection(parsing: JSONValue(parsing: Data(buffer.readableBytesView)), allowingAge: allowingAge)
        } catch let error as ChatlioStateAdministrationError {
            return json(400, ["status": "bad request", "reason": .string(error.reason)])
        } catch {
            return json(400, ["status": "bad request", "reason": .string("the body is not JSON: \(error)")])
        }
        return try await answer { () throws(ChatlioStateAdministrationError) in try await operation(selection) }
    }

    static func answer(_ operation: () async throws(ChatlioStateAdministrationError) -> JSONValue) async throws -> Response {
        do {
            return json(200, try await operation())
        } catch {
            let status = switch error.code {
            case .notFound: 404
            case .invalidArgument: 400
            case .unsupported: 501
            default: 500
            }
            return json(status, ["status": .string(error.code.description), "reason": .string(error.reason)])
        }
    }

    static func json(_ status: Int, _ body: JSONObject) -> Response {
        json(status, .object(body))
    }

    static func json(_ status: Int, _ body: JSONValue) -> Response {
        Response(
            status: .init(code: status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: body.serialized(sortedKeys: true)))
        )
    }
}

/// Lets a request through only with `Authorization: Bearer <admin token>`.
struct AdminTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let expected: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Constant time: how much of a guess matches must not show in the answer time.
        guard ConstantTime.equals(request.headers[.authorization] ?? "", expected) else {
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[.wwwAuthenticate] = "Bearer"
            return Response(status: .unauthorized, headers: headers, body: .init(byteBuffer: ByteBuffer(string: #"{"status":"unauthorized"}"#)))
        }
        return try await next(request, context)
    }
}
