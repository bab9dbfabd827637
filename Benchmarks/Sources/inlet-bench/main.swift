// inlet-bench: the AEPInletEmulator alone, in 500-event batches of realistic XDM events
// (XDMMapper on Examples/Payloads, each with its own _id), validation off and on.
//
//   swift run -c release --package-path Benchmarks inlet-bench [--events N] [--batch B]
//       loopback: one keep-alive socket client posting prebuilt batches to the started emulator;
//       in-process: AEPInletEmulator.respond (no sockets). events/s and CPU µs/event (whole process).
//   inlet-bench [--only loopback|in-process] [--validation off|on]   one or two of the four modes
//   inlet-bench --write-batch FILE                                     the first batch body, to look at or post
//   inlet-bench --handler-loop K [--validate]
//       K batches through AEPInletEmulator.respond and nothing else timed: run it under
//       `valgrind --tool=callgrind` for K and 2K; (I(2K) − I(K)) / (K × B) is instructions per message.
import AEPInletEmulator
import BenchmarkSupport
import ChatlioJSON
import ChatlioWebhooks
import ChatlioXDMMapper
import ExampleSupport
import Foundation
import XDMSchemaRegistry
#if canImport(Glibc)
import Glibc
#endif

struct Options {
    var events = 200_000
    var batch = 500
    var handlerLoop: Int?
    var validate = false
    /// Only these modes (all four by default): `--only loopback|in-process`, `--validation off|on`.
    var transports = [true, false]
    var validations = [false, true]
    /// Write the first batch body here and exit (for curl, or to look at).
    var writeBatch: String?
}

let tool = CommandLineTool(
    name: "inlet-bench",
    usage: """
        Usage: inlet-bench [--events N] [--batch B] [--only loopback|in-process] [--validation off|on]
               inlet-bench --write-batch FILE
               inlet-bench --handler-loop K [--validate]
        """
)

enum TransportChoice: String, CaseIterable { case loopback, inProcess = "in-process" }
enum ValidationChoice: String, CaseIterable { case off, on }

func parseOptions() -> Options {
    let parsed = tool.parse(flags: ["--validate"], valued: ["--events", "--batch", "--handler-loop", "--write-batch", "--only", "--validation"])
    if let stray = parsed.positional.first { tool.usageError("unexpected argument '\(stray)' (see --help)") }
    var options = Options()
    options.events = tool.checked { try parsed.positiveInteger("--events") } ?? options.events
    options.batch = tool.checked { try parsed.positiveInteger("--batch") } ?? options.batch
    options.handlerLoop = tool.checked { try parsed.positiveInteger("--handler-loop") }
    options.validate = parsed.has("--validate")
    options.writeBatch = parsed.value("--write-batch")
    switch tool.checked({ try parsed.choice("--only", of: TransportChoice.self) }) {
    case .loopback?: options.transports = [true]
    case .inProcess?: options.transports = [false]
    case nil: break
    }
    switch tool.checked({ try parsed.choice("--validation", of: ValidationChoice.self) }) {
    case .off?: options.validations = [false]
    case .on?: options.validations = [true]
    case nil: break
    }
    return options
}

let schemaID = "https://ns.adobe.com/acme/schemas/chatlio-experienceevent"

/// Every sample mapped to its XDM entity (compact JSON).
func mappedEntities() throws -> [JSONObject] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/Payloads")
    let mapper = try XDMMapper(configuration: .init(tenantID: "acme"))
    let receivedAt = Date(timeIntervalSince1970: 1_767_225_600)
    var entities: [JSONObject] = []
    for kind in WebhookKind.allCases {
        let folder = root.appendingPathComponent(kind.rawValue)
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".json") {
            let bytes = try Data(contentsOf: folder.appendingPathComponent(name))
            let event = try mapper.map(try ChatlioWebhook.decode(bytes, kind: kind), receivedAt: receivedAt)
            guard case .object(let entity) = event.value else { continue }
            entities.append(entity)
        }
    }
    return entities
}

/// `count` batch bodies of `size` envelopes, every event with its own `_id`.
func batchBodies(count: Int, size: Int, entities: [JSONObject]) -> [[UInt8]] {
    let header: JSONValue = [
        "schemaRef": ["id": .string(schemaID), "contentType": "application/vnd.adobe.xed-full+json;version=1"],
        "datasetId": "5f0000000000000000000001", "source": ["name": "inlet-bench"],
    ]
    let meta: JSONValue = ["schemaRef": ["id": .string(schemaID), "contentType": "application/vnd.adobe.xed-full+json;version=1"]]
    var bodies: [[UInt8]] = []
    var serial = 0
    for _ in 0..<count {
        var messages: [JSONValue] = []
        for _ in 0..<size {
            var entity = entities[serial % entities.count]
            entity["_id"] = .string("inlet-bench-\(serial)")
            serial += 1
            messages.append(["header": header, "body": ["xdmMeta": meta, "xdmEntity": .object(entity)]])
        }
        bodies.append(JSONValue.object(["messages": .array(messages)]).serialized())
    }
    return bodies
}

/// A blocking keep-alive HTTP/1.1 client on one socket.
final class SocketClient {
    let fd: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw NSError(domain: "inlet-bench", code: Int(errno)) }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    /// Posts `body` and returns the response status (the body is read and dropped).
    func post(path: String, body: [UInt8]) -> Int {
        let head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
        sendAll(Array(head.utf8))
        sendAll(body)
        var received: [UInt8] = []
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { return -1 }
            received.append(contentsOf: buffer[0..<count])
            guard let end = headEnd(received) else { continue }
            let headText = String(decoding: received[0..<end], as: UTF8.self)
            let length = headText.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
            while received.count < end + 4 + length {
                let more = recv(fd, &buffer, buffer.count, 0)
                guard more > 0 else { return -1 }
                received.append(contentsOf: buffer[0..<more])
            }
            let status = headText.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? -1
            return status
        }
    }

    private func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    private func sendAll(_ bytes: [UInt8]) {
        var offset = 0
        bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let sent = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return }
                offset += sent
            }
        }
    }
}

func emulator(validate: Bool) throws -> AEPInletEmulator {
    var configuration = AEPInletEmulator.Configuration(inletId: "bench")
    if validate { configuration.validator = try ChatlioXDM(tenantID: "acme").experienceEventValidator() }
    configuration.recordLimits = .init(messages: 100_000, bytes: 512 << 20)
    return try AEPInletEmulator(configuration: configuration)
}

let options = parseOptions()
let entities = try mappedEntities()
let distinct = 20
let bodies = batchBodies(count: distinct, size: options.batch, entities: entities)
let path = "/collection/batch/bench"

if let file = options.writeBatch {
    try Data(bodies[0]).write(to: URL(fileURLWithPath: file))
    exit(0)
}

if let loop = options.handlerLoop {
    let inlet = try emulator(validate: options.validate)
    for index in 0..<loop {
        let answer = inlet.respond(target: path, body: bodies[index % distinct])
        precondition(answer.status == 207, "batch refused: \(answer.status ?? -1)")
    }
    precondition(inlet.record.count == loop * options.batch, "the record has \(inlet.record.count)")
    exit(0)
}

let averageBytes = bodies.map(\.count).reduce(0, +) / distinct
print("inlet-bench: \(options.events) events in \(options.batch)-event batches (~\(averageBytes / 1024) KiB each, \(entities.count) mapped samples, distinct _id per event)")
print("\("mode".padding(toLength: 40, withPad: " ", startingAt: 0))   events/s   CPU µs/event  events/CPU-s  peak RSS MiB")
for validate in options.validations {
    for loopback in options.transports {
        let inlet = try emulator(validate: validate)
        let batches = max(1, options.events / options.batch)
        var client: SocketClient?
        if loopback {
            try inlet.start()
            client = try SocketClient(port: inlet.port)
        }
        // One warm-up batch outside the timing.
        _ = loopback ? client?.post(path: path, body: bodies[0]) : inlet.respond(target: path, body: bodies[0]).status
        inlet.record.removeAll()
        let cpuBefore = ProcessUsage.cpuSeconds()
        let start = ContinuousClock.now
        for index in 0..<batches {
            let status = loopback ? client?.post(path: path, body: bodies[index % distinct]) ?? -1 : inlet.respond(target: path, body: bodies[index % distinct]).status ?? -1
            precondition(status == 207, "batch refused: \(status)")
        }
        let elapsed = (ContinuousClock.now - start).seconds
        let cpu = ProcessUsage.cpuSeconds() - cpuBefore
        let events = batches * options.batch
        precondition(inlet.record.count == events, "record \(inlet.record.count) of \(events)")
        precondition(validate || inlet.record.failedValidation.isEmpty)
        client = nil
        inlet.stop()
        let mode = "\(loopback ? "loopback socket" : "in-process respond"), validation \(validate ? "on" : "off")"
        print("\(mode.padding(toLength: 40, withPad: " ", startingAt: 0)) \(String(format: "%10.0f", Double(events) / elapsed)) \(String(format: "%14.2f", cpu * 1e6 / Double(events))) \(String(format: "%13.0f", Double(events) / cpu)) \(String(format: "%13.0f", ProcessUsage.peakRSSMiB()))")
    }
}
