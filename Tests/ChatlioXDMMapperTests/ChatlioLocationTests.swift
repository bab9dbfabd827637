@testable import ChatlioXDMMapper
import Testing

@Suite struct ChatlioLocationTests {
    @Test(arguments: [
        ("Los Angeles, California, United States", "Los Angeles", "US-CA", "US"),
        ("München, Bayern, Germany", "München", "DE-BY", "DE"),
        ("Munich, Bavaria, Germany", "Munich", "DE-BY", "DE"),
        ("Toronto, Ontario, Canada", "Toronto", "CA-ON", "CA"),
        ("Tokyo, Tokyo, Japan", "Tokyo", "JP-13", "JP"),
        ("Paris, Île-de-France, France", "Paris", "FR-IDF", "FR"),
        ("London, England, United Kingdom", "London", nil, "GB"),
        ("Springfield, Nowhere, United States", "Springfield", nil, "US"),
        ("Lisbon, Portugal", "Lisbon", nil, "PT"),
        ("Texas, United States", nil, "US-TX", "US"),
        ("Czechia", nil, nil, "CZ"),
        ("  Seoul ,  Seoul ,  South Korea ", "Seoul", nil, "KR"),
    ] as [(String, String?, String?, String)])
    func readsWhatIsCertain(text: String, city: String?, region: String?, country: String) throws {
        let location = try #require(ChatlioLocation(parsing: text))
        #expect(location.city == city)
        #expect(location.stateProvince == region)
        #expect(location.countryCode == country)
    }

    @Test(arguments: ["", "the moon", "Springfield", "Paris, Texas, Atlantis", "a, b, c, United States", ", California, United States", "Los Angeles,, United States"])
    func refusesWhatIsNot(text: String) {
        #expect(ChatlioLocation(parsing: text) == nil)
    }

    @Test func regionsBelongToTheirCountry() throws {
        // "Georgia" is a US state and a country; as a region of France it is nothing.
        let location = try #require(ChatlioLocation(parsing: "Lyon, Georgia, France"))
        #expect(location.stateProvince == nil && location.countryCode == "FR")
        #expect(ChatlioLocation(parsing: "Atlanta, Georgia, United States")?.stateProvince == "US-GA")
        #expect(ChatlioLocation(parsing: "Tbilisi, Tbilisi, Georgia")?.countryCode == "GE")
    }

    @Test func everyCodeMatchesTheXDMPatterns() {
        for code in GeoCodes.shared.countries.values {
            #expect(code.utf8.count == 2 && code.utf8.allSatisfy { $0 >= 0x41 && $0 <= 0x5A }, "\(code)")
        }
        for (country, regions) in GeoCodes.shared.subdivisions {
            for code in regions.values {
                #expect(code.hasPrefix(country + "-") && (4...6).contains(code.utf8.count), "\(code)")
            }
        }
        #expect(GeoCodes.shared.countries.count > 300)
    }

    @Test func aCacheKeyIsItsBytesWhetherOwnedOrBorrowed() {
        let texts = ["Los Angeles, California, United States", "Los Angeles, California, United State", "los Angeles, California, United States", "", "Zoë, Île-de-France, France"]
        for text in texts {
            var copy = text
            copy.withUTF8 { utf8 in
                let bytes = UnsafeRawBufferPointer(utf8)
                let (owned, borrowed) = (LocationCache.Key(owning: bytes), LocationCache.Key(borrowing: bytes))
                #expect(owned == borrowed && owned.hashValue == borrowed.hashValue, "\(text)")
                for other in texts where other != text {
                    var otherCopy = other
                    otherCopy.withUTF8 { #expect(LocationCache.Key(owning: UnsafeRawBufferPointer($0)) != borrowed, "\(text) / \(other)") }
                }
            }
        }
    }

    @Test(arguments: ["Lyon, Auvergne-Rhône-Alpes, France", "Atlanta, Georgia, United States", "the moon", "Berlin, Germany"])
    func readingTheBytesGivesWhatParsingTheTextGives(text: String) {
        var copy = text
        // Twice each way: the first reading may fill the cache, the second reads it back.
        let fromBytes = copy.withUTF8 { utf8 in (0 ..< 2).map { _ in ChatlioLocation.reading(utf8: UnsafeRawBufferPointer(utf8)) } }
        let fromText = (0 ..< 2).map { _ in ChatlioLocation(parsing: text) }
        #expect(fromBytes == fromText && fromBytes[0] == fromBytes[1], "\(text)")
    }
}
