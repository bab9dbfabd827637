@testable import AEPInletEmulator
import ChatlioJSON
import XDMSchemaRegistry
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("Emulator over loopback HTTP (URLSession)")
struct EmulatorHTTPTests {
    @Test func singleAndBatchEndpointsAcceptAndRecord() async throws {
        let emulator = try Fixture.startedEmulator()
        defer { emulator.stop() }
        let client = Client()
        #expect(emulator.inletURL.absoluteString == "http://127.0.0.1:\(emulator.port)/collection/test-inlet")
        #expect(emulator.batchURL.absoluteString == "http://127.0.0.1:\(emulator.port)/collection/batch/test-inlet")

        let single = try await client.post(emulator.inletURL, json: Fixture.envelope(id: "s-1"))
        #expect(single.status == 200)
        #expect(single.json?["inletId"] == "test-inlet")
        #expect(single.json?["xactionId"]?.stringValue?.isEmpty == false)
        #expect(single.json?["receivedTimeMs"]?.int64Value != nil)

        let batch = try await client.post(emulator.batchURL, json: Fixture.batch([Fixture.envelope(id: "b-1"), Fixture.envelope(id: "b-2")]))
        #expect(batch.status == 207)
        #expect(batch.json?["responses"]?.arrayValue?.count == 2)

        #expect(emulator.record.count == 3)
        #expect(emulator.record.messages.map(\.id) == ["s-1", "b-1", "b-2"])
        #expect(emulator.record.messages.map(\.sequence) == [0, 1, 2])
        #expect(emulator.record.messages.map(\.endpoint) == [.single, .batch, .batch])
        #expect(emulator.record.message(withID: "b-2")?.indexInRequest == 1)
        #expect(emulator.record.requests.map(\.status) == [200, 207])
    }

    @Test func everyRefusalClassOverHTTP() async throws {
        let emulator = try Fixture.startedEmulator { $0.requiredToken = "tok" }
        defer { emulator.stop() }
        let client = Client()
        let authorized = ["Content-Type": "application/json", "Authorization": "Bearer tok"]

        #expect(try await client.post(emulator.inletURL, json: Fixture.envelope(id: "a")).status == 401)
        let forbidden = try await client.post(emulator.inletURL, json: Fixture.envelope(id: "a"), headers: ["Content-Type": "application/json", "Authorization": "Bearer bad"])
        #expect(forbidden.status == 403)
        #expect(forbidden.json?["report"]?["message"]?.stringValue?.contains("invalid or expired") == true)

        let unknown = emulator.baseURL.appendingPathComponent("collection/nope")
        #expect(try await client.post(unknown, json: Fixture.envelope(id: "a"), headers: authorized).status == 404)

        let badEnvelope = try await client.post(emulator.inletURL, json: ["header": ["schemaRef": ["id": "s"], "datasetId": "d"]], headers: authorized)
        #expect(badEnvelope.status == 400)
        #expect(badEnvelope.json?["report"]?["message"]?.stringValue?.contains("Message has unknown xdm format") == true)

        let large = Data(repeating: UInt8(ascii: " "), count: 1_100_000)
        let tooLarge = try await client.post(emulator.inletURL, body: large, headers: authorized)
        #expect(tooLarge.status == 413)
        #expect(tooLarge.json?["title"] == "Payload Too Large")

        // The server keeps serving after all of that.
        #expect(try await client.post(emulator.inletURL, json: Fixture.envelope(id: "ok"), headers: authorized).status == 200)
        #expect(emulator.record.messages.map(\.id) == ["ok"])
    }

    @Test func syncValidationAndFlowIDInTheQuery() async throws {
        let emulator = try Fixture.startedEmulator {
            $0.validator = ClosureXDMEntityValidator { entity, _ in
                entity["eventType"] == nil
                    ? [XDMViolation(pointer: "", schemaLocation: "#", keyword: .required, message: "required key [eventType] not found")]
                    : []
            }
        }
        defer { emulator.stop() }
        let client = Client()
        let url = emulator.inletURL(syncValidation: true, flowId: "flow-9")
        #expect(url.query?.contains("syncValidation=true") == true)
        let pass = try await client.post(url, json: Fixture.envelope(id: "p"))
        #expect(pass.json?["syncValidation"] == ["status": "pass"])
        #expect(emulator.record.message(withID: "p")?.flowID == "flow-9")

        var invalid = Fixture.envelope(id: "q")
        if case .object(var root) = invalid, case .object(var body)? = root["body"], case .object(var entity)? = body["xdmEntity"] {
            entity["eventType"] = nil
            body["xdmEntity"] = .object(entity)
            root["body"] = .object(body)
            invalid = .object(root)
        }
        let fail = try await client.post(url, json: invalid)
        #expect(fail.status == 400)
        #expect(fail.json?["report"]?["cause"]?["_streamingValidation"]?[0]?["keyword"] == "required")
        let async = try await client.post(emulator.inletURL, json: invalid)
        #expect(async.status == 200)
        #expect(emulator.record.failedValidation.map(\.id) == ["q"])
        #expect(emulator.record.message(withID: "q") == nil)
    }

    @Test func rawModeOverHTTP() async throws {
        let emulator = try Fixture.startedEmulator { $0.dataMode = .raw }
        defer { emulator.stop() }
        let client = Client()
        let payload: JSONValue = ["visitor": ["UUID": "2d3f4260"], "message": "Hi", "channelId": "C04J7M7LCMQ"]
        #expect(try await client.post(emulator.inletURL, json: payload).status == 400)
        let accepted = try await client.post(emulator.inletURL(flowId: "flow-raw"), json: payload)
        #expect(accepted.status == 200)
        #expect(emulator.record.messages.first?.message == payload)
    }

    /// Adobe documents raw data only on `POST /collection/{INLET_ID}` (help/sources/tutorials/api/create/streaming/http.md,
    /// "Post data to be ingested": both raw examples post one object there); batches are shown with XDM envelopes only.
    @Test func rawModeRefusesTheBatchEndpoint() async throws {
        let emulator = try Fixture.startedEmulator {
            $0.dataMode = .raw
            $0.flowId = "flow-raw"
        }
        defer { emulator.stop() }
        let client = Client()
        let payload: JSONValue = ["visitor": ["UUID": "2d3f4260"], "message": "Hi"]
        var batchURL = try #require(URLComponents(url: emulator.batchURL, resolvingAgainstBaseURL: false))
        batchURL.queryItems = [URLQueryItem(name: "x-adobe-flow-id", value: "flow-raw")]
        let refused = try await client.post(try #require(batchURL.url), json: Fixture.batch([payload, payload]))
        #expect(refused.status == 400)
        #expect(refused.json?["title"] == "Bad Request")
        let message = try #require(refused.json?["report"]?["message"]?.stringValue)
        #expect(message.hasPrefix("inletId: [test-inlet] imsOrgId: [EMULATED0000000000000000@AdobeOrg] Raw data is collected one message per request"))
        #expect(message.contains("POST each message to /collection/test-inlet"))
        #expect(emulator.record.messages.isEmpty)
        #expect(emulator.record.requests.last?.status == 400)
        // The single-message endpoint still takes the same message.
        #expect(try await client.post(emulator.inletURL(flowId: "flow-raw"), json: payload).status == 200)
        #expect(emulator.record.count == 1)
    }

    @Test func ipv6LoopbackServesWhenAvailable() async throws {
        let emulator: AEPInletEmulator
        do {
            emulator = try Fixture.startedEmulator { $0.bindAddress = .ipv6Loopback }
        } catch let error as AEPInletEmulatorError where error.code == .bindFailed || error.code == .socketFailed {
            return  // no IPv6 loopback on this machine
        }
        defer { emulator.stop() }
        #expect(emulator.inletURL.absoluteString.hasPrefix("http://[::1]:"))
        // URLSession on Linux refuses bracketed IPv6 hosts, so speak HTTP by hand.
        let connection = try RawConnection(port: emulator.port, ipv6: true)
        connection.send(.post("/collection/test-inlet", body: Fixture.envelope(id: "v6").jsonString()))
        #expect(connection.readResponse()?.status == 200)
        #expect(emulator.record.message(withID: "v6") != nil)
    }

    @Test func recordQueriesAndNDJSONPersistence() async throws {
        let file = Fixture.temporaryFile("record.ndjson")
        defer { try? FileManager.default.removeItem(at: file) }
        let emulator = try Fixture.startedEmulator { $0.recordFile = file }
        let client = Client()
        _ = try await client.post(emulator.batchURL, json: Fixture.batch([Fixture.envelope(id: "x"), Fixture.envelope(id: "y"), Fixture.envelope(id: "x")]))
        _ = try await client.post(emulator.inletURL, json: Fixture.envelope(id: "x"))
        #expect(await emulator.record.waitForCount(4, timeout: .seconds(5)))
        #expect(emulator.record.duplicateIDs == ["x": 3])
        #expect(emulator.record.uniqueIDs == ["x", "y"])
        #expect(emulator.record.messages(withID: "x").map(\.sequence) == [0, 2, 3])
        emulator.stop()

        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4)
        let first = try JSONValue(parsing: String(lines[0]))
        #expect(first["id"] == "x")
        #expect(first["sequence"]?.int64Value == 0)
        #expect(first["message"] == Fixture.envelope(id: "x"))
        #expect(first["xactionId"]?.stringValue?.isEmpty == false)

        emulator.record.removeAll()
        #expect(emulator.record.count == 0 && emulator.record.requests.isEmpty)
        #expect(await emulator.record.waitForCount(1, timeout: .milliseconds(50)) == false)
    }

    @Test func concurrentClientsAreAllRecorded() async throws {
        let emulator = try Fixture.startedEmulator()
        defer { emulator.stop() }
        let clients = 8
        let perClient = 25
        let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
            for client in 0 ..< clients {
                group.addTask {
                    let http = Client()
                    var statuses: [Int] = []
                    for index in 0 ..< perClient {
                        let url = index.isMultiple(of: 2) ? emulator.inletURL : emulator.batchURL
                        let message = Fixture.envelope(id: "c\(client)-\(index)")
                        let body = index.isMultiple(of: 2) ? message : Fixture.batch([message])
                        statuses.append(try await http.post(url, json: body).status)
                    }
                    return statuses
                }
            }
            var all: [Int] = []
            for try await statuses in group { all += statuses }
            return all
        }
        #expect(statuses.count == clients * perClient)
        #expect(statuses.allSatisfy { $0 == 200 || $0 == 207 })
        #expect(emulator.record.count == clients * perClient)
        #expect(emulator.record.uniqueIDs.count == clients * perClient)
        #expect(emulator.record.duplicateIDs.isEmpty)
        #expect(Set(emulator.record.messages.map(\.sequence)) == Set(0 ..< clients * perClient))
        #expect(emulator.record.requests.count == clients * perClient)
    }
}
