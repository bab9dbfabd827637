public import ChatlioWebhooks
public import Foundation

/// The bundled samples under Examples/Payloads/<kind>/*.json, found from this
/// file's location so tests run from any working directory.
public enum SamplePayloads {
    public struct Sample: Sendable, CustomStringConvertible {
        public let kind: WebhookKind
        public let name: String
        public let data: Data
        public var description: String { "\(kind)/\(name)" }
        public var testDescription: String { description }
    }

    public static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples/Payloads")

    public static let all: [Sample] = WebhookKind.allCases.flatMap { kind in
        let folder = directory.appendingPathComponent(kind.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap { name -> Sample? in
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(name)) else { return nil }
            return Sample(kind: kind, name: String(name.dropLast(5)), data: data)
        }
    }

    public static func named(_ kind: WebhookKind, _ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent("\(kind.rawValue)/\(name).json"))
    }

    public static func object(_ kind: WebhookKind, _ name: String) throws -> JSONObject {
        try JSONValue(parsing: named(kind, name)).objectValue ?? [:]
    }
}
