@_spi(ChatlioAEPInternal) @testable import ChatlioJSON
import Foundation
import Testing

@Suite struct JSONTapeNavigationTests {
    static let document = #"{"visitor":{"UUID":"v-1","na\u006De":"Ann"},"list":[1,{"k":true}],"\u00e9t\u00e9":2}"#

    @Test func findsMembersByStaticAndRuntimeNames() throws {
        let tape = try JSONTape(parsing: Data(Self.document.utf8))
        let visitor = try #require(tape.member("visitor", inObjectAt: 0))
        #expect(tape.entries[visitor].kind == .object)
        #expect(tape.member("UUID", inObjectAt: visitor).map { tape.string(at: $0) } == "v-1")
        #expect(tape.member(named: "visitor", inObjectAt: 0) == visitor)
        // A name written with an escape matches its decoded text, by either look-up.
        #expect(tape.member(named: "name", inObjectAt: visitor).map { tape.string(at: $0) } == "Ann")
        #expect(tape.member("name", inObjectAt: visitor).map { tape.string(at: $0) } == "Ann")
        #expect(tape.member(named: "été", inObjectAt: 0).map { tape.value(at: $0) }  == (try JSONValue(parsing: Data("2".utf8))))
        #expect(tape.member(named: "missing", inObjectAt: 0) == nil)
        #expect(tape.member(named: "visito", inObjectAt: 0) == nil)
        // Not an object: no members.
        let list = try #require(tape.member("list", inObjectAt: 0))
        #expect(tape.member(named: "k", inObjectAt: list) == nil)
    }

    @Test func pointersNameTheWayFromTheRoot() throws {
        let tape = try JSONTape(parsing: Data(Self.document.utf8))
        let list = try #require(tape.member("list", inObjectAt: 0))
        let second = Array(tape.elements(ofArrayAt: list))[1]
        let flag = try #require(tape.member("k", inObjectAt: second))
        #expect(tape.pointer(to: flag) == "/list/1/k")
        #expect(tape.pointer(to: 0) == "")
        let visitor = try #require(tape.member("visitor", inObjectAt: 0))
        #expect(tape.pointer(to: visitor) == "/visitor")
    }
}
