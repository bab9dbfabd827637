import ChatlioRelay
public import ChatlioRelayServer
import ChatlioWebhooks
import Foundation
public import Vapor

/// The operator's endpoints on a running relay, the same as the Hummingbird
/// relay's (`ChatlioAdminRoutes`), behind the admin token
/// (`Authorization: Bearer <token>`, compared in constant time):
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
/// let answers = try RelayAdminAnswers(administration: administration, token: adminToken)
/// ChatlioVaporAdminRoutes(answers: answers).register(on: app)
/// ```
public struct ChatlioVaporAdminRoutes: Sendable {
    public let answers: RelayAdminAnswers

    public init(answers: RelayAdminAnswers) {
        self.answers = answers
    }

    public func register(on routes: any RoutesBuilder) {
        let admin = answers.administration
        let group = routes.grouped("admin").grouped(AdminTokenMiddleware(answers: answers))
        group.get("status") { _ -> Response in
            await RelayAdminAnswers.answer { () throws(ChatlioStateAdministrationError) in ChatlioStateAdministration.json(try await admin.status()) }.vaporResponse
        }
        group.get("dead-letters") { _ -> Response in
            await RelayAdminAnswers.answer { () throws(ChatlioStateAdministrationError) in
                let letters = try await admin.deadLettersWithPayloads()
                return .object(["count": .number(JSONNumber(letters.count)), "deadLetters": .array(letters.map(ChatlioStateAdministration.json))])
            }.vaporResponse
        }
        group.get("dead-letters", ":id") { request -> Response in
            let id = request.parameters.get("id") ?? ""
            return await RelayAdminAnswers.answer { () throws(ChatlioStateAdministrationError) in
                guard let letter = try await admin.deadLetter(id: id) else { throw ChatlioStateAdministrationError(.notFound, "no dead letter has the id \(id)") }
                return ChatlioStateAdministration.json(letter)
            }.vaporResponse
        }
        group.on(.POST, "dead-letters", "redrive", body: .stream) { request -> Response in
            await Self.answer(request, allowingAge: false) { selection throws(ChatlioStateAdministrationError) in
                ChatlioStateAdministration.json(try await admin.redriveDeadLetters(selection))
            }
        }
        group.on(.POST, "dead-letters", "purge", body: .stream) { request -> Response in
            await Self.answer(request, allowingAge: true) { selection throws(ChatlioStateAdministrationError) in
                ChatlioStateAdministration.json(try await admin.purgeDeadLetters(selection))
            }
        }
        group.get("quarantine") { _ -> Response in
            await RelayAdminAnswers.answer { () throws(ChatlioStateAdministrationError) in
                let records = try admin.quarantineRecords()
                return .object(["count": .number(JSONNumber(records.count)), "items": .array(records.map { ChatlioStateAdministration.json($0, body: true) })])
            }.vaporResponse
        }
        group.get("quarantine", ":id") { request -> Response in
            let id = request.parameters.get("id") ?? ""
            return await RelayAdminAnswers.answer { () throws(ChatlioStateAdministrationError) in
                guard let record = try admin.quarantineRecord(id: id) else { throw ChatlioStateAdministrationError(.notFound, "nothing quarantined has the id \(id)") }
                return ChatlioStateAdministration.json(record, body: true)
            }.vaporResponse
        }
        group.on(.POST, "quarantine", "replay", body: .stream) { request -> Response in
            await Self.answer(request, allowingAge: false) { selection throws(ChatlioStateAdministrationError) in
                ChatlioStateAdministration.json(try await admin.replayQuarantine(selection))
            }
        }
        group.on(.POST, "quarantine", "purge", body: .stream) { request -> Response in
            await Self.answer(request, allowingAge: true) { selection throws(ChatlioStateAdministrationError) in
                ChatlioStateAdministration.json(try admin.purgeQuarantine(selection))
            }
        }
    }

    /// Reads the selection from the body (at most ``RelayAdminAnswers/maxBodyBytes``), then runs `operation` on it.
    static func answer(
        _ request: Request, allowingAge: Bool,
        _ operation: @escaping @Sendable (ChatlioStateAdministration.Selection) async throws(ChatlioStateAdministrationError) -> JSONValue
    ) async -> Response {
        let body: Data
        do {
            body = try await request.body.collect(max: RelayAdminAnswers.maxBodyBytes).get().map { Data($0.readableBytesView) } ?? Data()
        } catch {
            return RelayAdminAnswers.tooLarge.vaporResponse
        }
        return await RelayAdminAnswers.answer(body: body, allowingAge: allowingAge, operation).vaporResponse
    }
}

/// Lets a request through only with `Authorization: Bearer <admin token>`.
struct AdminTokenMiddleware: AsyncMiddleware {
    let answers: RelayAdminAnswers

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard answers.isAuthorized(authorization: request.headers.first(name: .authorization)) else {
            return RelayAdminAnswers.unauthorized.vaporResponse
        }
        return try await next.respond(to: request)
    }
}
