import ChatlioJSON
import Foundation
import Testing
@testable import XDMSchemaRegistry

/// Compares our own standard definitions with the real XDM schemas. These tests
/// read ../shared/xdm (next to the repository checkout); in a clone without it
/// they are skipped.
@Suite(.enabled(
    if: SharedXDM.directory != nil,
    "compares the built-in schemas with Adobe's standard XDM files in ../shared/xdm beside the checkout, which the package does not ship; the built-in schemas' own tests run without them"))
struct StandardXDMTests {
    @Test func everyRealFileParsesAndTheComposedSchemaExpands() throws {
        let registry = try SharedXDM.registry()
        #expect(registry.ids.count == 29)
        let real = try SharedXDM.composedRealSchema(registry)
        #expect(real.required == ["_id", "timestamp"])
        #expect(real.properties?["_id"]?.format == "uri-reference")
        #expect(real.properties?["placeContext"]?.properties?["geo"]?.properties?["_schema"]?.properties?["latitude"]?.maximum?.text == "90")
    }

    /// Every field our built-in schema defines outside the tenant namespace exists
    /// in the real XDM with the same type, format, pattern and enum.
    @Test func builtInStandardFieldsMatchTheRealDefinitionsFieldByField() throws {
        let real = try SharedXDM.composedRealSchema(try SharedXDM.registry())
        var ours = try ChatlioXDM(tenantID: "acme").expandedExperienceEventSchema()
        ours.properties?["_acme"] = nil
        var compared: [String] = []
        func compare(_ mine: XDMSchema, _ theirs: XDMSchema?, _ path: String) {
            guard let theirs else {
                Issue.record("\(path) does not exist in the real XDM")
                return
            }
            compared.append(path)
            #expect(Set(mine.types ?? []) == Set(theirs.types ?? []), "\(path): type")
            #expect(mine.format == theirs.format, "\(path): format")
            #expect(mine.pattern == theirs.pattern, "\(path): pattern")
            #expect(mine.enumValues == theirs.enumValues, "\(path): enum")
            #expect(mine.meta["meta:xdmType"] == theirs.meta["meta:xdmType"], "\(path): meta:xdmType")
            #expect(mine.metaEnum == nil || mine.metaEnum == theirs.metaEnum, "\(path): meta:enum")
            #expect(mine.otherKeywords["default"] == theirs.otherKeywords["default"], "\(path): default")
            #expect(Set(mine.required ?? []).isSubset(of: Set(theirs.required ?? [])) || mine.required == theirs.required, "\(path): required")
            for (name, property) in mine.properties ?? [:] {
                compare(property, theirs.properties?[name], path + "/" + name)
            }
            if let items = mine.items { compare(items, theirs.items, path + "[]") }
            if case .schema(let values)? = mine.additionalProperties {
                guard case .schema(let theirValues)? = theirs.additionalProperties else {
                    Issue.record("\(path): the real field is not a map")
                    return
                }
                compare(values, theirValues, path + "{}")
            }
        }
        compare(ours, real, "")
        #expect(compared.sorted() == [
            "", "/_id", "/environment", "/environment/browserDetails", "/environment/browserDetails/userAgent", "/environment/ipV4",
            "/environment/ipV6", "/environment/type", "/eventType", "/identityMap", "/identityMap{}", "/identityMap{}[]",
            "/identityMap{}[]/authenticatedState", "/identityMap{}[]/id", "/identityMap{}[]/primary", "/person", "/person/name",
            "/person/name/fullName", "/personalEmail", "/personalEmail/address", "/placeContext", "/placeContext/geo",
            "/placeContext/geo/city", "/placeContext/geo/countryCode", "/placeContext/geo/stateProvince", "/producedBy",
            "/timestamp", "/web", "/web/webPageDetails", "/web/webPageDetails/URL", "/web/webReferrer", "/web/webReferrer/URL",
        ])
    }

    @Test func realFieldGroupsDeclareWhatTheyExtend() throws {
        let registry = try SharedXDM.registry()
        for id in [StandardXDM.environmentDetailsID, StandardXDM.webDetailsID, StandardXDM.personalContactDetailsID, StandardXDM.demographicDetailsID] {
            let real = try #require(registry.schema(id: id))
            let ours = try #require(StandardXDM.components.first { $0.id == id })
            #expect(real.meta["meta:intendedToExtend"] == ours.meta["meta:intendedToExtend"], "\(id)")
            #expect(real.title == ours.title, "\(id)")
        }
    }

    @Test func aMappedEventValidatesAgainstTheRealComposedSchema() throws {
        let registry = try SharedXDM.registry()
        // The real schema uses formats we do not check ("url" in @context); compile
        // only the parts the event uses, plus our tenant group.
        var real = try SharedXDM.composedRealSchema(registry)
        real.properties = real.properties?.filter { ["_id", "timestamp", "eventType", "producedBy", "identityMap", "environment", "placeContext", "web", "personalEmail", "person"].contains($0.key) }
        real.properties?["_acme"] = try ChatlioXDM(tenantID: "acme").expandedExperienceEventSchema().properties?["_acme"]
        let validator = try XDMValidator(schema: real)
        #expect(validator.validate(Fixtures.conversationStartedEvent).violations == [])
    }
}

/// Locates ../shared/xdm from this source file: Tests/XDMSchemaRegistryTests/X.swift → <checkout>/../shared/xdm.
enum SharedXDM {
    static let directory: URL? = {
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        for _ in 0..<3 { url.deleteLastPathComponent() }   // X.swift, XDMSchemaRegistryTests, Tests
        let candidate = url.deletingLastPathComponent().appendingPathComponent("shared/xdm/components")
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory) && isDirectory.boolValue ? candidate : nil
    }()

    static func registry() throws -> XDMSchemaRegistry {
        let root = try #require(directory)
        var registry = XDMSchemaRegistry()
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard url.lastPathComponent.hasSuffix(".schema.json") else { continue }
            try registry.register(XDMSchema(parsing: Data(contentsOf: url)))
        }
        return registry
    }

    /// ExperienceEvent + IdentityMap + the four field groups, expanded, in Compatibility Mode.
    static func composedRealSchema(_ registry: XDMSchemaRegistry) throws -> XDMSchema {
        var composed = XDMSchema()
        composed.types = [.object]
        composed.allOf = [
            StandardXDM.experienceEventID, StandardXDM.identityMapID, StandardXDM.environmentDetailsID,
            StandardXDM.webDetailsID, StandardXDM.personalContactDetailsID, StandardXDM.demographicDetailsID,
        ].map { .reference($0) }
        return try registry.expand(composed).compatibilityMode()
    }
}
