import ChatlioAEPSupport
@testable import AEPProvisioning
import AEPStreamingClient
import ChatlioJSON
import Foundation
import Testing

@Suite("AEPPlatformClient: headers, retries, redirects, problem details, redaction")
struct AEPPlatformClientTests {
    @Test("every Platform request carries the documented headers; Accept per endpoint; Content-Type on bodies")
    func headersPerEndpoint() async throws {
        let platform = ScriptedPlatform()
        _ = try await plan(.raw).run(client: try makeClient(platform), stateFile: nil)
        _ = try await plan(.xdm).run(client: try makeClient(platform), stateFile: nil)

        #expect(platform.violations.isEmpty, "\(platform.violations)")
        for request in platform.platformRequests {
            #expect(request.header("Authorization")?.hasPrefix("Bearer tok-") == true, "\(request.summary)")
            #expect(request.header("x-api-key") == "client-1")
            #expect(request.header("x-gw-ims-org-id") == "ABC123@AdobeOrg")
            #expect(request.header("x-sandbox-name") == "dev")
            #expect((request.header("Content-Type") == "application/json") == (request.body != nil), "\(request.summary)")
            let accept = request.header("Accept")
            if request.path.contains("/schemaregistry/tenant/descriptors") {
                #expect(accept == "application/vnd.adobe.xdm+json", "\(request.summary): \(accept ?? "none")")
            } else if request.path.contains("/schemaregistry/"), request.method == "GET", request.query["property"] != nil {
                #expect(accept == "application/vnd.adobe.xed-id+json", "\(request.summary)")
            } else if request.path.contains("/schemaregistry/"), request.method == "GET" {
                #expect(accept == "application/vnd.adobe.xed+json; version=1", "\(request.summary)")
            } else {
                #expect(accept == nil, "\(request.summary): \(accept ?? "")")
            }
        }
        // One token for the whole run: the provider keeps it.
        #expect(platform.requests.filter { !$0.isPlatform }.count == 2)
    }

    @Test("429 with Retry-After: waits what it asks, then succeeds")
    func retriesOn429() async throws {
        let platform = ScriptedPlatform()
        let sleeps = SleepRecorder()
        let failures = Locked(2)
        platform.inject { request, _ in
            guard request.isPlatform else { return nil }
            return failures.withLock { left in
                guard left > 0 else { return nil }
                left -= 1
                return .answer(ScriptedPlatform.problem(429, title: "Too many requests", detail: "slow down", headers: ["Retry-After": "7"]))
            }
        }
        let client = try makeClient(platform, sleeps: sleeps)

        let answer = try await client.send(IdentityServiceAPI.listNamespaces())

        #expect(answer.status == 200)
        #expect(sleeps.all == [.seconds(7), .seconds(7)])
        #expect(platform.platformRequests.count == 3)
    }

    @Test("a Retry-After above maxRetryDelay waits maxRetryDelay")
    func retryAfterCapped() async throws {
        let platform = ScriptedPlatform()
        let sleeps = SleepRecorder()
        let failures = Locked(1)
        platform.inject { request, _ in
            guard request.isPlatform else { return nil }
            return failures.withLock { left in
                guard left > 0 else { return nil }
                left -= 1
                return .answer(ScriptedPlatform.problem(429, title: "Too many requests", detail: "quota", headers: ["Retry-After": "999999999999"]))
            }
        }

        #expect(try await makeClient(platform, sleeps: sleeps).send(IdentityServiceAPI.listNamespaces()).status == 200)
        #expect(sleeps.all == [.seconds(60)])
    }

    @Test("5xx until the attempts run out: unavailable, quoting AEP's problem, after maxAttempts tries with growing waits")
    func exhaustedRetries() async throws {
        let platform = ScriptedPlatform()
        let sleeps = SleepRecorder()
        platform.inject { request, _ in
            request.isPlatform ? .answer(ScriptedPlatform.problem(503, title: "Service unavailable", detail: "catalog is down", message: "[id] backend timeout")) : nil
        }
        let client = try makeClient(platform, sleeps: sleeps, maxAttempts: 3)

        do {
            _ = try await client.send(CatalogAPI.listDatasets(name: "Chatlio events"))
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .unavailable)
            #expect(error.status == 503)
            #expect(error.problem?.title == "Service unavailable")
            #expect(error.problem?.detail == "catalog is down")
            #expect(error.problem?.message == "[id] backend timeout")
            #expect(error.reason.contains("Catalog GET /data/foundation/catalog/dataSets answered 503: Service unavailable: catalog is down (report: [id] backend timeout) after 3 attempts"), "\(error.reason)")
        }
        #expect(platform.platformRequests.count == 3)
        #expect(sleeps.all == [.seconds(1), .seconds(2)])
    }

    @Test("a 400 is not retried, and its error quotes title, detail and report.message")
    func refusedQuotesProblem() async throws {
        let platform = ScriptedPlatform()
        platform.inject { request, _ in
            request.isPlatform ? .answer(ScriptedPlatform.problem(400, title: "Invalid schema", detail: "xdm:sourceSchema is required", message: "field missing")) : nil
        }
        let client = try makeClient(platform)

        do {
            _ = try await client.send(SchemaRegistryAPI.listDescriptors())
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .refused && error.status == 400)
            #expect(error.reason == "Schema Registry GET /data/foundation/schemaregistry/tenant/descriptors answered 400: Invalid schema: xdm:sourceSchema is required (report: field missing)")
        }
        #expect(platform.platformRequests.count == 1)
    }

    @Test("a redirect is an error naming its Location; it is not followed")
    func redirectNotFollowed() async throws {
        let platform = ScriptedPlatform()
        platform.inject { request, _ in
            request.isPlatform ? .answer(HTTPTransportResponse(status: 307, headers: ["Location": "https://evil.test/steal"])) : nil
        }
        let client = try makeClient(platform)

        do {
            _ = try await client.send(IdentityServiceAPI.listNamespaces())
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .redirect && error.status == 307)
            #expect(error.reason.contains("https://evil.test/steal") && error.reason.contains("not followed"), "\(error.reason)")
        }
        #expect(platform.requests.allSatisfy { !$0.path.contains("steal") })
        #expect(platform.platformRequests.count == 1)
    }

    @Test("an answer cut at the transport's cap is unreadable, never half-parsed")
    func truncatedAnswer() async throws {
        let platform = ScriptedPlatform()
        platform.inject { request, _ in
            request.isPlatform ? .answer(HTTPTransportResponse(status: 200, body: Data(#"{"items":[{"id":"a"#.utf8), bodyTruncated: true)) : nil
        }
        let client = try makeClient(platform)

        await #expect(throws: AEPProvisioningError.self) { _ = try await client.send(FlowServiceAPI.flow(id: "f")) }
        do {
            _ = try await client.send(FlowServiceAPI.flow(id: "f"))
        } catch {
            #expect(error.code == .unreadableResponse && error.reason.contains("too large"), "\(error.reason)")
        }
    }

    @Test("no answer: a GET is retried, a POST is not (it may have created its object)")
    func transportErrors() async throws {
        let platform = ScriptedPlatform()
        let sleeps = SleepRecorder()
        let drops = Locked(1)
        platform.inject { request, _ in
            guard request.isPlatform else { return nil }
            return drops.withLock { left in
                guard left > 0 else { return nil }
                left -= 1
                return .noAnswer
            }
        }
        let client = try makeClient(platform, sleeps: sleeps)
        #expect(try await client.send(IdentityServiceAPI.listNamespaces()).status == 200)
        #expect(platform.platformRequests.count == 2)

        drops.withLock { $0 = 1 }
        do {
            _ = try await client.send(IdentityServiceAPI.createNamespace(.chatlioVisitor))
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .transport)
        }
        #expect(platform.platformRequests.count == 3)
    }

    @Test("a 401 refreshes the token once and sends again")
    func refreshOn401() async throws {
        let platform = ScriptedPlatform()
        platform.inject { request, _ in
            request.header("Authorization")?.hasPrefix("Bearer tok-1-") == true ? .answer(ScriptedPlatform.problem(401, title: "Unauthorized", detail: "expired")) : nil
        }
        let client = try makeClient(platform)

        #expect(try await client.send(IdentityServiceAPI.listNamespaces()).status == 200)
        #expect(platform.platformRequests.map { $0.header("Authorization")?.prefix(13) } == ["Bearer tok-1-", "Bearer tok-2-"])
    }

    @Test("no secret in any error text: AEP echoing the client secret and the bearer token in a problem")
    func noSecretInErrors() async throws {
        let platform = ScriptedPlatform(clientSecret: "p8e-VERY+secret/value=")
        platform.inject { request, _ in
            guard request.isPlatform else { return nil }
            let token = String(request.header("Authorization")?.dropFirst("Bearer ".count) ?? "")
            let secret = "p8e-VERY+secret/value="
            let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? secret
            return .answer(ScriptedPlatform.problem(
                400, title: "Bad token \(token)", detail: "client_secret=\(encoded) Authorization: Bearer \(token)", message: "we saw \(secret) and \(token)"
            ))
        }
        let logs = Locked<[String]>([])
        let client = try makeClient(platform, log: { event in logs.withLock { $0.append(event.message) } })

        do {
            _ = try await client.send(FlowServiceAPI.list(.flows, name: "x"))
            Issue.record("expected an error")
        } catch {
            let token = try #require(platform.platformRequests.first?.header("Authorization")).dropFirst("Bearer ".count)
            let texts = [error.reason, error.description, "\(error)", error.problem?.description ?? "", error.problem?.title ?? "", error.problem?.detail ?? "",
                         error.problem?.message ?? ""] + logs.withLock { $0 }
            for text in texts {
                #expect(!text.contains(String(token)), "token in \(text)")
                #expect(!text.contains("VERY+secret") && !text.contains("VERY%2Bsecret"), "secret in \(text)")
            }
            #expect(error.reason.contains("<redacted>"), "\(error.reason)")
        }
    }

    @Test("a plain-text error body is redacted whole before it is cut: a secret across the cut never shows in part")
    func plainTextBodyRedactedBeforeCut() async throws {
        let secret = "p8e-" + String(repeating: "Z", count: 60)
        let platform = ScriptedPlatform(clientSecret: secret)
        platform.inject { request, _ in
            // Not JSON: quoted as text. Thirty echoed secrets shrink to placeholders, which pulls a
            // secret lying across byte 2048 of the body into the quoted part.
            let echoes = String(repeating: secret + " ", count: 30)
            let text = echoes + String(repeating: "x", count: 2048 - 20 - echoes.utf8.count) + secret + " trailing"
            return request.isPlatform ? .answer(HTTPTransportResponse(status: 400, body: Data(text.utf8))) : nil
        }

        do {
            _ = try await makeClient(platform).send(IdentityServiceAPI.listNamespaces())
            Issue.record("expected an error")
        } catch let error as AEPProvisioningError {
            #expect(!error.reason.contains("ZZZZ"), "\(error.reason)")
            #expect(error.reason.contains("<redacted>"), "\(error.reason)")
        }
    }

    @Test("configuration: empty org, header injection, plain http to a remote host are refused")
    func configurationChecks() throws {
        let platform = ScriptedPlatform()
        func configuration(_ change: (inout AEPPlatformClient.Configuration) -> Void) -> AEPPlatformClient.Configuration {
            var configuration = AEPPlatformClient.Configuration(apiKey: "client-1", authentication: .none, orgID: "ORG", sandbox: "dev")
            change(&configuration)
            return configuration
        }
        for (bad, field) in [
            (configuration { $0.orgID = "" }, "orgID"), (configuration { $0.sandbox = "dev\r\nx-evil: 1" }, "sandbox"),
            (configuration { $0.platformURL = URL(string: "http://platform.example")! }, "plain http"), (configuration { $0.maxAttempts = 0 }, "maxAttempts"),
        ] {
            #expect(throws: AEPProvisioningError.self) { _ = try AEPPlatformClient(configuration: bad, transport: platform) }
            do { _ = try AEPPlatformClient(configuration: bad, transport: platform) } catch { #expect(error.code == .invalidConfiguration && error.reason.contains(field), "\(error.reason)") }
        }
        _ = try AEPPlatformClient(configuration: configuration { $0.platformURL = URL(string: "http://127.0.0.1:8080")! }, transport: platform)
    }
}
