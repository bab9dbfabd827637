import AEPStreamingClient
public import ChatlioRelay
public import ChatlioRelayServer
import ChatlioWebhooks
import Foundation
import HTTPTypes
public import Hummingbird

/// The operator's endpoints on a running relay, behind an admin token
/// (`Authorization: Bearer <token>`, compared in constant time), so dead
/// letters and quarantined bodies are handled without stopping it. They work
/// through the live client (``ChatlioStateAdministration`` in live mode), with
/// ChatlioRelayServer's `RelayAdminAnswers`, the same as the Vapor relay's:
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
    public let administration: ChatlioStateAdministration
    private let answers: RelayAdminAnswers

    /// - Throws: ``ChatlioStateAdministrationError`` with code `invalidArgument` when the token is
    ///   shorter than 16 bytes (guessable).
    public init(administration: ChatlioStateAdministration, token: String) throws(ChatlioStateAdministrationError) {
        self.init(answers: try RelayAdminAnswers(administration: administration, token: token))
    }

    /// The routes for answers already made (``RelayServerComponents`` makes them from `ADMIN_TOKEN`).
    public init(answers: RelayAdminAnswers) {
        administration = answers.administration
        self.answers = answers
    }

    public func register(on router: Router<BasicRequestContext>) {
        let admin = administration
        let group = router.group("admin").add(middleware: AdminTokenMiddleware(answers: answers))
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

    /// Reads the selection from the body (at most ``RelayAdminAnswers/maxBodyBytes``), then runs `operation` on it.
    static func answer(
        _ request: Request, allowingAge: Bool,
        _ operation: @Sendable (ChatlioStateAdministration.Selection) async throws(ChatlioStateAdministrationError) -> JSONValue
    ) async throws -> Response {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: RelayAdminAnswers.maxBodyBytes)
        } catch {
            return RelayAdminAnswers.tooLarge.hummingbirdResponse
        }
        return await RelayAdminAnswers.answer(body: Data(buffer.readableBytesView), allowingAge: allowingAge, operation).hummingbirdResponse
    }

    static func answer(_ operation: () async throws(ChatlioStateAdministrationError) -> JSONValue) async throws -> Response {
        await RelayAdminAnswers.answer(operation).hummingbirdResponse
    }
}

/// Lets a request through only with `Authorization: Bearer <admin token>`.
struct AdminTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let answers: RelayAdminAnswers

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard answers.isAuthorized(authorization: request.headers[.authorization]) else {
            return RelayAdminAnswers.unauthorized.hummingbirdResponse
        }
        return try await next(request, context)
    }
}
