import ChatlioAEPSupport
@testable import ChatlioXDMMapper
import ChatlioAEPTestSupport
@_spi(ChatlioAEPInternal) import ChatlioWebhooks
import Foundation
import Testing
import XDMSchemaRegistry

/// Validation by construction, with ``XDMValidator`` as the oracle: the
/// rules read from the schema cover it, every event the mapper returns in the
/// suite's inputs passes the validator, and every value the rules refuse the
/// validator refuses too.
@Suite struct XDMMapperValueChecksTests {
    static let validator: XDMValidator? = try? ChatlioXDM(tenantID: "acme").experienceEventValidator(options: .init(maxViolations: 10))

    @Test func theBuiltInSchemaIsCoveredAndItsDynamicRulesAreRead() throws {
        let mapper = try MapperFixtures.mapper()
        #expect(mapper.guaranteesValidEvents)
        #expect(mapper.valueChecks.uncovered.isEmpty, "\(mapper.valueChecks.uncovered)")
        let active = Set(mapper.valueChecks.active.map(\.field))
        for field: XDMMapper.ValueChecks.Field in [.messageCount, .messagesOmitted, .extraDataOmitted] {
            #expect(active.contains(field), "\(field) has a rule in the schema")
        }
        // Checked before writing or made in the format (the same format), or
        // every value the geo table can give keeps the pattern: no per-event check.
        for field: XDMMapper.ValueChecks.Field in [.ipV4, .ipV6, .personalEmail, .message, .geoStateProvince, .geoCountryCode, .id, .timestamp,
                                                    .visitorCreatedAt, .startedAt, .endedAt, .messageSentAt] {
            #expect(!active.contains(field), "\(field)")
        }
    }

    /// What lets the checks skip the `date-time` and `uri-reference` formats
    /// of the fields the mapper makes or reads as times: every text
    /// `RFC3339Timestamp` accepts, and every `utcString`, is a `date-time`;
    /// every 64-digit lower-case hex id is a `uri-reference`.
    @Test func theFormatsTheChecksSkipHoldForEveryValueTheMapperWrites() {
        var random = SplitMix64(seed: 0x5EED_0007)
        let seeds = ["2016-02-07T11:02:17.839766-08:00", "2024-02-29T23:59:59Z", "1970-01-01t00:00:00.1z", "9999-12-31T23:59:59.999999999+23:59"]
        let alphabet = Array("0123456789-+:.TtZz ".utf8)
        var accepted = 0
        for iteration in 0..<20_000 {
            var bytes = Array(seeds[iteration % seeds.count].utf8)
            for _ in 0..<(1 + Int(random.next() % 3)) {
                let position = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[position] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: position)
                default: bytes.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: position)
                }
                if bytes.isEmpty { bytes = [0x30] }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            if let timestamp = RFC3339Timestamp(parsing: text) {
                accepted += 1
                #expect(XDMFormat.dateTime.matches(text), "\(text) is a timestamp but not a date-time")
                #expect(XDMFormat.dateTime.matches(timestamp.utcString(fractionDigits: 3)))
            }
            let seconds = Int64(bitPattern: random.next()) % 400_000_000_000
            #expect(XDMFormat.dateTime.matches(RFC3339Timestamp.utcString(secondsSince1970: seconds, nanoseconds: Int32(random.next() % 1_000_000_000))))
            let id = SHA256.hexDigest(of: bytes)
            #expect(XDMFormat.uriReference.matches(id), "\(id)")
        }
        #expect(accepted > 1_000, "enough mutations stay timestamps for the property to mean something")
    }

    /// The oracle's verdict on one mapped webhook; for a refusal by the
    /// checks, the validator must refuse the tree-building mapper's output.
    static func expectAgreement(_ mapper: XDMMapper, _ webhook: ChatlioWebhook, _ label: String) throws -> Bool {
        let validator = try #require(Self.validator)
        let result = Result { () throws(XDMMapperError) in try mapper.map(webhook, receivedAt: MapperFixtures.receivedAt) }
        switch result {
        case .success(let event):
            let report = validator.validate(event.value)
            #expect(report.isValid, "\(label): \(report.violations)")
            return true
        case .failure(let error):
            guard error.code == .invalidValue else { return false }
            let old = try mapper.legacyMap(webhook, receivedAt: MapperFixtures.receivedAt)
            let report = validator.validate(old.value)
            let pointer = error.pointer
            #expect(!report.isValid, "\(label): the checks refused \(error.reason), the validator accepts it")
            #expect(report.violations.contains { $0.pointer == pointer }, "\(label): \(pointer ?? "-") vs \(report.violations)")
            return false
        }
    }

    @Test func everyMappedSampleAndRandomizedPayloadPassesTheValidator() throws {
        let configurations = XDMMapperByteOutputTests.configurations
        for (name, configure) in configurations {
            let mapper = try MapperFixtures.mapper(configure)
            for sample in SamplePayloads.all {
                _ = try Self.expectAgreement(mapper, ChatlioWebhook.decode(sample.data, kind: sample.kind), "\(sample) with \(name)")
            }
        }
        let mappers = try configurations.map { try MapperFixtures.mapper($0.1) }
        var random = SplitMix64(seed: 0x5EED_0004)
        var valid = 0
        for iteration in 0..<3_000 {
            let kind = WebhookKind.allCases[iteration % WebhookKind.allCases.count]
            let webhook = try ChatlioWebhook(kind: kind, jsonObject: XDMMapperContractTests.payload(kind, &random))
            if try Self.expectAgreement(mappers[iteration % mappers.count], webhook, "iteration \(iteration)") { valid += 1 }
        }
        #expect(valid > 2_000)
    }

    /// The fuzz targets' seeds that decode as a webhook (the webhook seeds
    /// carry a kind selector byte first; the JSON seeds are tried as every kind).
    @Test func everyFuzzSeedThatMapsPassesTheValidator() throws {
        let seeds = SamplePayloads.directory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Tests/Fuzz/Seeds")
        let mapper = try MapperFixtures.mapper()
        var decoded = 0
        for target in ["fuzz-webhook", "fuzz-json", "fuzz-validator"] {
            let folder = seeds.appendingPathComponent(target)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
                let data = try Data(contentsOf: folder.appendingPathComponent(name))
                for body in [data, data.dropFirst()] {
                    for kind in WebhookKind.allCases {
                        guard let webhook = try? ChatlioWebhook.decode(Data(body), kind: kind) else { continue }
                        decoded += 1
                        _ = try Self.expectAgreement(mapper, webhook, "\(target)/\(name) as \(kind)")
                    }
                }
            }
        }
        #expect(decoded > 0, "the seeds must reach the mapper")
    }

    /// Sets `value` at `path` in `document`, creating objects on the way.
    static func setting(_ value: JSONValue, at path: ArraySlice<String>, in document: JSONValue) -> JSONValue {
        guard let first = path.first else { return value }
        if case .array(var items) = document, let index = Int(first), items.indices.contains(index) {
            items[index] = setting(value, at: path.dropFirst(), in: items[index])
            return .array(items)
        }
        var object = document.objectValue ?? [:]
        object[first] = setting(value, at: path.dropFirst(), in: object[first] ?? .object([:]))
        return .object(object)
    }

    @Test func whatTheRulesRefuseTheValidatorRefuses() throws {
        let validator = try #require(Self.validator)
        let mapper = try MapperFixtures.mapper()
        let base = try mapper.map(MapperFixtures.webhook(.chatTranscript, "basic"), receivedAt: MapperFixtures.receivedAt).value
        #expect(validator.validate(base).isValid)
        let bad = ["", "not valid", "zz", "2024-13-45T00:00:00Z", "2024-05-19 18:13:15", "US-", "usa", "../x y", String(repeating: "é", count: 300)]
        var refused = 0
        for (field, rule) in mapper.valueChecks.active {
            let path = field.rawValue.split(separator: "/").map { $0 == "T" ? "_acme" : $0 == "[]" ? "0" : $0 == "*" ? "Email" : String($0) }
            if field.isInteger {
                for number in [-1, 0] where rule.problem(number) != nil {
                    refused += 1
                    let document = Self.setting(.number(JSONNumber(number)), at: path[...], in: base)
                    #expect(!validator.validate(document).isValid, "\(field) = \(number)")
                }
                continue
            }
            for value in bad where rule.problem(value) != nil {
                refused += 1
                let document = Self.setting(.string(value), at: path[...], in: base)
                #expect(!validator.validate(document).isValid, "\(field) = \(value.debugDescription): the rule refuses it, the validator accepts it")
            }
        }
        #expect(refused >= mapper.valueChecks.active.count, "every active rule refuses one of the bad values")
    }

    @Test func everyGeoCodeTheTableCanGiveKeepsTheSchemasPatterns() throws {
        let validator = try #require(Self.validator)
        let mapper = try MapperFixtures.mapper()
        let base = try mapper.map(MapperFixtures.webhook(.conversationStarted, "basic"), receivedAt: MapperFixtures.receivedAt).value
        for code in XDMMapper.ValueChecks.Field.geoCountryCode.tableValues ?? [] {
            #expect(validator.validate(Self.setting(.string(code), at: ["placeContext", "geo", "countryCode"], in: base)).isValid, "\(code)")
        }
        let subdivisions = XDMMapper.ValueChecks.Field.geoStateProvince.tableValues ?? []
        #expect(subdivisions.count > 100)
        for code in subdivisions {
            #expect(validator.validate(Self.setting(.string(code), at: ["placeContext", "geo", "stateProvince"], in: base)).isValid, "\(code)")
        }
    }

    @Test func anEnvironmentTypeOutsideTheEnumIsRefusedNamingTheField() throws {
        let mapper = try MapperFixtures.mapper { $0.environmentType = "spaceship" }
        let webhook = try MapperFixtures.webhook(.conversationStarted, "basic")
        let result = Result { () throws(XDMMapperError) in try mapper.map(webhook, receivedAt: MapperFixtures.receivedAt) }
        guard case .failure(let error) = result else {
            Issue.record("mapped with environment.type spaceship")
            return
        }
        let code = error.code, pointer = error.pointer, reason = error.reason
        #expect(code == .invalidValue)
        #expect(pointer == "/environment/type")
        #expect(reason.contains("/environment/type"))
        #expect(!(try Self.expectAgreement(mapper, webhook, "spaceship")))
        // A transcript writes no environment, so it still maps.
        #expect(try Self.expectAgreement(mapper, MapperFixtures.webhook(.chatTranscript, "basic"), "spaceship transcript"))
    }
}
