import ChatlioJSON
import Testing
@testable import XDMSchemaRegistry

@Suite struct XDMCompatibilityReportTests {
    static let base = XDMSchema.object(properties: [
        "id": .string(format: "uri-reference"),
        "kind": .string(enumValues: ["a", "b"]),
        "code": .string(pattern: "^[A-Z]{2}$"),
        "count": .integer(minimum: 0, maximum: 10),
        "note": .string(title: "Note", maxLength: 100),
        "group": .object(properties: ["city": .string()], required: ["city"]),
        "tags": .array(of: .string()),
    ], required: ["id"])

    static func changed(_ change: (inout XDMSchema) -> Void) -> XDMCompatibilityReport {
        var new = base
        change(&new)
        return XDMCompatibilityReport(from: base, to: new)
    }

    static func summary(_ report: XDMCompatibilityReport) -> [String] {
        report.changes.map { "\($0.kind) \($0.path)" }
    }

    @Test func identicalSchemasHaveNoChanges() {
        #expect(XDMCompatibilityReport(from: Self.base, to: Self.base).changes.isEmpty)
    }

    @Test func removedFieldIsBreaking() {
        let report = Self.changed { $0.properties?["note"] = nil }
        #expect(Self.summary(report) == ["fieldRemoved note"])
        #expect(!report.isCompatible)
        #expect(report.breaking.count == 1 && report.allowed.isEmpty)
    }

    @Test func typeChangeIsBreaking() {
        #expect(Self.summary(Self.changed { $0.properties?["count"] = .string() }) == [
            "boundLoosened count", "boundLoosened count", "typeChanged count",
        ])
        let tags = Self.changed { $0.properties?["tags"]?.items = .integer() }
        #expect(Self.summary(tags) == ["typeChanged tags[]"])
        #expect(!tags.isCompatible)
    }

    @Test func enumNarrowedIsBreakingWidenedIsAllowed() {
        #expect(Self.summary(Self.changed { $0.properties?["kind"]?.enumValues = ["a"] }) == ["enumNarrowed kind"])
        let widened = Self.changed { $0.properties?["kind"]?.enumValues = ["a", "b", "c"] }
        #expect(Self.summary(widened) == ["enumWidened kind"])
        #expect(widened.isCompatible)
        #expect(Self.summary(Self.changed { $0.properties?["id"]?.enumValues = ["x"] }) == ["enumNarrowed id"])
        let enumRemoved = Self.changed { $0.properties?["kind"]?.enumValues = nil }
        #expect(enumRemoved.isCompatible)
    }

    @Test func movedFieldIsBreaking() {
        let report = Self.changed {
            $0.properties?["note"] = nil
            $0.properties?["group"]?.properties?["note"] = .string(title: "Note", maxLength: 100)
        }
        #expect(Self.summary(report) == ["fieldMoved note"])
        #expect(report.changes.first?.message == "moved to group.note")
    }

    @Test func newRequiredFieldIsBreaking() {
        let report = Self.changed {
            $0.properties?["extra"] = .string()
            $0.required = ["id", "extra"]
        }
        #expect(Self.summary(report) == ["fieldAdded extra", "requiredFieldAdded extra"])
        #expect(Self.summary(Self.changed { $0.required = ["id", "note"] }) == ["fieldMadeRequired note"])
        #expect(Self.summary(Self.changed { $0.properties?["group"]?.required = nil }) == ["fieldMadeOptional group.city"])
        let noneRequired = Self.changed { $0.required = [] }
        #expect(noneRequired.isCompatible)
    }

    @Test func patternOrBoundTightenedIsBreaking() {
        #expect(Self.summary(Self.changed { $0.properties?["code"]?.pattern = "^[A-Z]{2,3}$" }) == ["patternTightened code"])
        #expect(Self.summary(Self.changed { $0.properties?["note"]?.pattern = "^a" }) == ["patternTightened note"])
        #expect(Self.summary(Self.changed { $0.properties?["code"]?.pattern = nil }) == ["patternRemoved code"])
        #expect(Self.summary(Self.changed { $0.properties?["count"]?.minimum = JSONNumber(1) }) == ["boundTightened count"])
        #expect(Self.summary(Self.changed { $0.properties?["count"]?.maximum = JSONNumber(9) }) == ["boundTightened count"])
        #expect(Self.summary(Self.changed { $0.properties?["note"]?.maxLength = 50 }) == ["boundTightened note"])
        #expect(Self.summary(Self.changed { $0.properties?["tags"]?.maxItems = 10 }) == ["boundTightened tags"])
        let loosened = Self.changed {
            $0.properties?["count"]?.maximum = JSONNumber(20)
            $0.properties?["note"]?.maxLength = nil
        }
        #expect(Self.summary(loosened) == ["boundLoosened count", "boundLoosened note"])
        #expect(loosened.isCompatible)
        #expect(Self.summary(Self.changed { $0.properties?["note"]?.format = "email" }) == ["formatTightened note"])
    }

    @Test func addingOptionalFieldsAndDocumentationIsAllowed() {
        let report = Self.changed {
            $0.properties?["group"]?.properties?["zip"] = .string()
            $0.properties?["note"]?.title = "A note"
        }
        #expect(Self.summary(report) == ["fieldAdded group.zip", "documentationChanged note"])
        #expect(report.isCompatible)
        #expect(report.breaking.isEmpty)
    }

    @Test func closingAnObjectIsBreaking() {
        #expect(Self.summary(Self.changed { $0.properties?["group"]?.additionalProperties = .forbidden }) == ["objectClosed group"])
    }

    @Test func registryComparesVersionsOfTheBuiltInFieldGroup() throws {
        let chatlio = try ChatlioXDM(tenantID: "acme")
        var registry = try chatlio.registry()
        var next = chatlio.tenantFieldGroup
        var definition = try #require(next.definitions?["chatlio"])
        definition.properties?["_acme"]?.properties?["chatlio"]?.properties?["subject"] = nil
        definition.properties?["_acme"]?.properties?["chatlio"]?.properties?["rating"] = .integer(title: "Rating", description: "Feedback rating.")
        next.definitions?["chatlio"] = definition
        #expect(try registry.register(next) == 2)
        let report = try registry.compatibility(of: chatlio.fieldGroupID, from: 1, to: 2)
        #expect(Self.summary(report) == ["fieldAdded _acme.chatlio.rating", "fieldRemoved _acme.chatlio.subject"])
        #expect(report.breaking.map(\.path) == ["_acme.chatlio.subject"])
    }
}
