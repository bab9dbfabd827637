import ChatlioJSON
import Foundation
import Testing
@testable import XDMSchemaRegistry

@Suite struct XDMValidatorTests {
    static let schema: XDMSchema = {
        var schema = XDMSchema.object(properties: [
            "id": .string(format: "uri-reference"),
            "count": .integer(minimum: 0, maximum: 10),
            "ratio": {
                var number = XDMSchema()
                number.types = [.number]
                number.minimum = JSONNumber(text: "-1.5")
                number.maximum = JSONNumber(text: "1.5")
                return number
            }(),
            "flag": .boolean(),
            "kind": .string(enumValues: ["a", "b"]),
            "code": .string(pattern: "^[A-Z]+$", maxLength: 2),
            "name": {
                var name = XDMSchema.string()
                name.minLength = 2
                return name
            }(),
            "tags": {
                var tags = XDMSchema.array(of: .string(format: "email"))
                tags.minItems = 1
                tags.maxItems = 2
                return tags
            }(),
            "nested": .object(properties: ["when": .dateTime()], required: ["when"], closed: true),
            "map": {
                var map = XDMSchema()
                map.types = [.object]
                map.additionalProperties = .schema(.array(of: .object(properties: ["id": .string()], closed: true)))
                return map
            }(),
            "maybe": {
                var maybe = XDMSchema.string()
                maybe.types = [.string, .null]
                return maybe
            }(),
            "mixedEnum": {
                var mixed = XDMSchema()
                mixed.enumValues = [1, "one", true]
                return mixed
            }(),
        ], required: ["id"], closed: true)
        schema.id = "https://ns.adobe.com/test/v"
        return schema
    }()

    static func validate(_ document: JSONValue, max: Int = 100) throws -> [XDMViolation] {
        try XDMValidator(schema: schema, options: .init(maxViolations: max)).validate(document).violations
    }

    static let valid: JSONValue = [
        "id": "abc", "count": 3, "ratio": 1.5, "flag": true, "kind": "a", "code": "US", "name": "Jo",
        "tags": ["a@b.co"], "nested": ["when": "2024-05-01T12:34:56Z"],
        "map": ["Email": [["id": "x"]]], "maybe": nil, "mixedEnum": 1,
    ]

    @Test func validDocumentHasNoViolations() throws {
        let report = try XDMValidator(schema: Self.schema).validate(Self.valid)
        #expect(report.isValid)
        #expect(report.violations.isEmpty)
        #expect(!report.isTruncated)
    }

    @Test func integersMayBeWrittenWithAZeroFraction() throws {
        #expect(try Self.validate(Fixtures.setting(Self.valid, ["count"], to: .number(JSONNumber(text: "2.0")!))).isEmpty)
        #expect(try Self.validate(Fixtures.setting(Self.valid, ["count"], to: .number(JSONNumber(text: "1e1")!))).isEmpty)
    }

    @Test(arguments: [
        (["id"], JSONValue(42), "/id", "#/properties/id", "type", "expected string, found integer"),
        (["count"], JSONValue(2.5), "/count", "#/properties/count", "type", "expected integer, found number"),
        (["count"], JSONValue(-1), "/count", "#/properties/count", "minimum", "-1 is less than the minimum 0"),
        (["count"], JSONValue(11), "/count", "#/properties/count", "maximum", "11 is greater than the maximum 10"),
        (["ratio"], JSONValue(-1.6), "/ratio", "#/properties/ratio", "minimum", "-1.6 is less than the minimum -1.5"),
        (["ratio"], JSONValue("1"), "/ratio", "#/properties/ratio", "type", "expected number, found string"),
        (["flag"], JSONValue("true"), "/flag", "#/properties/flag", "type", "expected boolean, found string"),
        (["kind"], JSONValue("c"), "/kind", "#/properties/kind", "enum", #""c" is not one of ["a", "b"]"#),
        (["mixedEnum"], JSONValue(2), "/mixedEnum", "#/properties/mixedEnum", "enum", #"2 is not one of [1, "one", true]"#),
        (["mixedEnum"], JSONValue("two"), "/mixedEnum", "#/properties/mixedEnum", "enum", #""two" is not one of [1, "one", true]"#),
        (["code"], JSONValue("us"), "/code", "#/properties/code", "pattern", #""us" does not match the pattern ^[A-Z]+$"#),
        (["code"], JSONValue("USA"), "/code", "#/properties/code", "maxLength", "expected at most 2 characters, found 3"),
        (["name"], JSONValue("é"), "/name", "#/properties/name", "minLength", "expected at least 2 characters, found 1"),
        (["tags"], ([] as JSONValue), "/tags", "#/properties/tags", "minItems", "expected at least 1 items, found 0"),
        (["tags"], (["a@b.co", "c@d.co", "e@f.co"] as JSONValue), "/tags", "#/properties/tags", "maxItems", "expected at most 2 items, found 3"),
        (["tags"], (["a@b.co", "nope"] as JSONValue), "/tags/1", "#/properties/tags/items", "format", #""nope" is not a valid email"#),
        (["nested", "when"], JSONValue("yesterday"), "/nested/when", "#/properties/nested/properties/when", "format", #""yesterday" is not a valid date-time"#),
        (["nested", "when"], nil, "/nested", "#/properties/nested", "required", #"required property "when" is missing"#),
        (["nested", "extra"], JSONValue(1), "/nested/extra", "#/properties/nested", "additionalProperties",
         #"property "extra" is not defined by the schema, which allows no other properties"#),
        (["map", "Email"], ([["id": 7]] as JSONValue), "/map/Email/0/id", "#/properties/map/additionalProperties/items/properties/id", "type",
         "expected string, found integer"),
        (["map", "a/b~c"], JSONValue("x"), "/map/a~1b~0c", "#/properties/map/additionalProperties", "type", "expected array, found string"),
        (["maybe"], JSONValue(1), "/maybe", "#/properties/maybe", "type", "expected null or string, found integer"),
        (["id"], nil, "", "#", "required", #"required property "id" is missing"#),
        (["unknown"], JSONValue(true), "/unknown", "#", "additionalProperties", #"property "unknown" is not defined by the schema, which allows no other properties"#),
    ] as [([String], JSONValue?, String, String, String, String)])
    func eachKeywordReportsExactPointerLocationAndMessage(
        path: [String], value: JSONValue?, pointer: String, location: String, keyword: String, message: String
    ) throws {
        let violations = try Self.validate(Fixtures.setting(Self.valid, path, to: value))
        #expect(violations == [XDMViolation(pointer: pointer, schemaLocation: location, keyword: Self.keyword(keyword), message: message)])
    }

    static func keyword(_ name: String) -> XDMViolation.Keyword {
        let all: [XDMViolation.Keyword] = [.type, .required, .additionalProperties, .enum, .format, .pattern, .minimum, .maximum,
                                            .minLength, .maxLength, .minItems, .maxItems]
        return all.first { $0.rawValue == name } ?? .type
    }

    @Test func rootTypeMismatch() throws {
        #expect(try Self.validate([1, 2]) == [XDMViolation(pointer: "", schemaLocation: "#", keyword: .type, message: "expected object, found array")])
    }

    @Test func violationsComeInDocumentOrderAndTheCapKeepsTheFirst() throws {
        var document = Self.valid
        document = Fixtures.setting(document, ["zeta"], to: 1)
        document = Fixtures.setting(document, ["alpha"], to: 1)
        document = Fixtures.setting(document, ["tags"], to: ["x", "y"])
        document = Fixtures.setting(document, ["code"], to: "abc")
        let all = try Self.validate(document)
        #expect(all.map(\.pointer) == ["/alpha", "/code", "/code", "/tags/0", "/tags/1", "/zeta"])
        #expect(all.map(\.keyword.rawValue) == ["additionalProperties", "maxLength", "pattern", "format", "format", "additionalProperties"])

        let capped = try XDMValidator(schema: Self.schema, options: .init(maxViolations: 2)).validate(document)
        #expect(capped.violations.map(\.pointer) == ["/alpha", "/code"])
        #expect(capped.violationCount == 6)
        #expect(capped.isTruncated)
        #expect(!capped.isValid)
    }

    @Test func defaultCapIsFiveLikeAEP() throws {
        var document: JSONValue = ["id": "x"]
        for index in 0..<8 { document = Fixtures.setting(document, ["extra\(index)"], to: 1) }
        let report = try XDMValidator(schema: Self.schema).validate(document)
        #expect(report.violations.count == 5)
        #expect(report.violationCount == 8)
    }

    @Test func validatesBytesAndReportsInvalidJSON() throws {
        let validator = try XDMValidator(schema: Self.schema)
        #expect(try validator.validate(json: Data(#"{"id":"x","count":1}"#.utf8)).isValid)
        #expect(try validator.validate(json: Array(#"{"count":1}"#.utf8)).violations.map(\.keyword) == [.required])
        #expect {
            try validator.validate(json: Data(#"{"id":}"#.utf8))
        } throws: { error in
            guard let error = error as? XDMSchemaError else { return false }
            return error.code == .invalidJSON && error.reason.hasPrefix("document: invalid JSON syntax at /id")
        }
    }

    @Test func aepReportShape() throws {
        let report = try XDMValidator(schema: Self.schema).validate(["id": 42])
        let expected = ##"{"causingExceptions":[{"causingExceptions":[],"keyword":"type","message":"expected string, found integer","pointerToViolation":"#/id","schemaLocation":"#/properties/id"}],"message":"1 schema violations found","pointerToViolation":"#","schemaLocation":"#"}"##
        #expect(report.aepReport.jsonString(sortedKeys: true) == expected)
    }

    @Test func unknownFormatIsACompileError() {
        #expect {
            try XDMValidator(schema: .object(properties: ["a": .string(format: "url")]))
        } throws: { error in
            guard let error = error as? XDMSchemaError else { return false }
            return error.code == .unknownFormat
                && error.reason == "#/properties/a/format: \"url\" is not a supported format (supported: date-time, date, email, ipv4, ipv6, uri, uri-reference)"
        }
    }

    @Test func unsupportedPatternIsACompileErrorWithItsLocation() {
        #expect {
            try XDMValidator(schema: .object(properties: ["a": .string(pattern: "(?!x)")]))
        } throws: { error in
            guard let error = error as? XDMSchemaError else { return false }
            return error.code == .unsupportedPattern && error.reason.hasPrefix("#/properties/a/pattern: pattern \"(?!x)\" at offset 1")
        }
    }

    @Test func refsAreResolvedThroughTheRegistry() throws {
        var item = XDMSchema.string(format: "ipv4")
        item.id = "https://ns.adobe.com/test/ip"
        let registry = try XDMSchemaRegistry(schemas: [item])
        let validator = try XDMValidator(schema: .object(properties: ["ip": .reference("https://ns.adobe.com/test/ip")]), registry: registry)
        #expect(validator.validate(["ip": "1.2.3.4"]).isValid)
        #expect(validator.validate(["ip": "1.2.3"]).violations.map(\.schemaLocation) == ["#/properties/ip"])
    }
}
