@testable import AEPStreamingClient
import Foundation
import Testing

@Suite("Configuration, endpoint security and secrets")
struct ConfigurationTests {
    func configuration(_ url: String, format: MessageFormat = .xdm(schemaID: "s", datasetID: "d")) -> AEPStreamingClient.Configuration {
        AEPStreamingClient.Configuration(inletURL: URL(string: url) ?? URL(fileURLWithPath: "/"), format: format, flowID: "flow-1")
    }

    @Test("both endpoints are derived from either inlet URL form, keeping the query")
    func urls() throws {
        let single = try configuration("https://dcs.adobedc.net/collection/abc123?x-adobe-flow-id=f1").validated()
        #expect(single.single.absoluteString == "https://dcs.adobedc.net/collection/abc123?x-adobe-flow-id=f1")
        #expect(single.batch.absoluteString == "https://dcs.adobedc.net/collection/batch/abc123?x-adobe-flow-id=f1")
        let batch = try configuration("https://dcs.adobedc.net/collection/batch/abc123").validated()
        #expect(batch.single.absoluteString == "https://dcs.adobedc.net/collection/abc123")
    }

    @Test("plain http is refused except to loopback or when explicitly allowed")
    func insecure() throws {
        #expect(throws: AEPStreamingClientError.self) { try configuration("http://dcs.adobedc.net/collection/abc").validated() }
        do {
            _ = try configuration("http://example.com/collection/abc").validated()
        } catch {
            #expect(error.code == .insecureURL)
        }
        _ = try configuration("http://127.0.0.1:8080/collection/abc").validated()
        _ = try configuration("http://[::1]:8080/collection/abc").validated()
        _ = try configuration("http://localhost/collection/abc").validated()
        var allowed = configuration("http://relay.internal/collection/abc")
        allowed.allowInsecureHTTP = true
        _ = try allowed.validated()
        var oauth = configuration("https://dcs.adobedc.net/collection/abc")
        oauth.authentication = .oauthClientCredentials(OAuthClientCredentials(
            clientID: "id", clientSecret: Secret("s3cr3t"), tokenURL: URL(string: "http://ims.example.com/token") ?? URL(fileURLWithPath: "/")
        ))
        #expect(throws: AEPStreamingClientError.self) { try oauth.validated() }
    }

    @Test("bad values are named")
    func invalid() {
        #expect(throws: AEPStreamingClientError.self) { try configuration("https://dcs.adobedc.net/nothing").validated() }
        var zero = configuration("https://dcs.adobedc.net/collection/a")
        zero.batching.maxMessages = 0
        do {
            _ = try zero.validated()
            Issue.record("maxMessages 0 accepted")
        } catch {
            #expect(error.code == .invalidConfiguration)
            #expect(error.reason.contains("maxMessages"))
        }
    }

    /// Adobe: the dataflow id "is required for both XDM and RAW data"
    /// (help/sources/tutorials/api/create/streaming/http.md).
    @Test("flowID is required in XDM and raw format alike", arguments: [MessageFormat.xdm(schemaID: "s", datasetID: "d"), .raw])
    func flowIDRequired(format: MessageFormat) throws {
        for missing in [nil, "", "  "] as [String?] {
            var configuration = configuration("https://dcs.adobedc.net/collection/a", format: format)
            configuration.flowID = missing
            do {
                _ = try configuration.validated()
                Issue.record("\(format) accepted flowID \(String(describing: missing))")
            } catch {
                #expect(error.code == .invalidConfiguration)
                #expect(error.reason.contains("flowID"))
            }
        }
        _ = try configuration("https://dcs.adobedc.net/collection/a", format: format).validated()
    }

    @Test("raw format always uses the single-message endpoint; XDM keeps the chosen mode")
    func rawIsSingleMessage() {
        #expect(BatchingPolicy().mode(for: .raw) == .single(syncValidation: false))
        #expect(BatchingPolicy(mode: .single(syncValidation: true)).mode(for: .raw) == .single(syncValidation: true))
        #expect(BatchingPolicy().mode(for: .xdm(schemaID: "s", datasetID: "d")) == .batch)
        #expect(MessageFormat.raw.isRaw && !MessageFormat.raw.isXDM)
        #expect(MessageFormat.xdm(schemaID: "s", datasetID: "d").isXDM)
    }

    @Test("secrets never show in descriptions, dumps or configuration text")
    func secrets() {
        let secret = Secret("p8e-VERY-SECRET")
        let authentication = Authentication.oauthClientCredentials(OAuthClientCredentials(clientID: "client-1", clientSecret: secret))
        var dumped = ""
        dump(authentication, to: &dumped)
        for text in ["\(secret)", String(reflecting: secret), "\(authentication)", dumped, "\(Authentication.bearerToken(Secret("tok-SECRET")))"] {
            #expect(!text.contains("SECRET"), "\(text)")
        }
        #expect("\(authentication)".contains("client-1"))
    }

    @Test("latency percentiles use nearest rank")
    func percentiles() {
        let summary = AEPStreamingClient.LatencySummary.of((1 ... 100).map { Double($0) / 1000 })
        #expect(summary.count == 100)
        #expect(abs((summary.p50?.seconds ?? 0) - 0.050) < 1e-9)
        #expect(abs((summary.p90?.seconds ?? 0) - 0.090) < 1e-9)
        #expect(abs((summary.p99?.seconds ?? 0) - 0.099) < 1e-9)
        #expect(abs((summary.max?.seconds ?? 0) - 0.100) < 1e-9)
        #expect(AEPStreamingClient.LatencySummary.of([]).p50 == nil)
    }

    @Test("loopback detection")
    func loopback() {
        #expect(EndpointSecurity.isLoopback("127.0.0.1"))
        #expect(EndpointSecurity.isLoopback("127.10.0.3"))
        #expect(EndpointSecurity.isLoopback("[::1]"))
        #expect(!EndpointSecurity.isLoopback("128.0.0.1"))
        #expect(!EndpointSecurity.isLoopback("127.0.0.1.evil.com"))
        #expect(!EndpointSecurity.isLoopback("localhost.evil.com"))
    }
}

@Suite("Secret")
struct SecretTests {
    @Test("== is value equality (compared in constant time) and agrees with hashing")
    func equality() {
        #expect(Secret("p8e-abc") == Secret("p8e-abc"))
        #expect(Secret("p8e-abc") != Secret("p8e-abd"))
        #expect(Secret("p8e-abc") != Secret("p8e-abcp8e-abc"), "a repeated prefix is not a match")
        #expect(Secret("") != Secret("x"))
        #expect(Secret("") == Secret(""))
        #expect(Set([Secret("a"), Secret("a"), Secret("b")]).count == 2)
    }
}
