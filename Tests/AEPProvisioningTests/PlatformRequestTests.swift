@testable import AEPProvisioning
import Foundation
import Testing

@Suite("PlatformRequest: URLs, encoding, bodies")
struct PlatformRequestTests {
    @Test("a schema $id in the path and a name filter in the query are percent-encoded whole")
    func encoding() throws {
        let base = try #require(URL(string: "https://platform.adobe.io/"))
        let lookup = SchemaRegistryAPI.schema(id: "https://ns.adobe.com/acme/schemas/abc")
        #expect(lookup.url(base: base)?.absoluteString
            == "https://platform.adobe.io/data/foundation/schemaregistry/tenant/schemas/https%3A%2F%2Fns.adobe.com%2Facme%2Fschemas%2Fabc")
        let list = FlowServiceAPI.list(.flows, name: "Chatlio dataflow (raw) & more+")
        #expect(list.url(base: base)?.absoluteString
            == "https://platform.adobe.io/data/foundation/flowservice/flows?property=name%3D%3DChatlio%20dataflow%20%28raw%29%20%26%20more%2B")
        let url = try #require(list.url(base: base))
        let components = try #require(URLComponents(url: url, resolvingAgainstBaseURL: false))
        #expect(components.queryItems?.first?.value == "name==Chatlio dataflow (raw) & more+")
    }

    @Test("bodies are written with sorted keys: the same request gives the same bytes")
    func deterministicBodies() throws {
        let body = FlowServiceAPI.TargetConnectionBody(name: "t", schemaID: "s", datasetID: "d")
        let first = try #require(FlowServiceAPI.createTargetConnection(body).bodyBytes)
        #expect(first == FlowServiceAPI.createTargetConnection(body).bodyBytes)
        #expect(String(decoding: first, as: UTF8.self).hasPrefix(#"{"connectionSpec":{"id":"c604ff05-7f1a-43c0-8e18-33bf874cb11c","version":"1.0"},"data":{"format":"json""#))
    }

    @Test("Catalog names escape the wildcard by doubling it")
    func catalogWildcard() {
        #expect(CatalogAPI.listDatasets(name: "a*b").query.first?.value == "name==a**b")
    }
}
