import ChatlioAEPSupport
import Foundation

/// Chatlio's free-text visitor location (`Los Angeles, California, United
/// States`), read into XDM geo fields only where the reading is certain.
///
/// The country must be a known ISO 3166 name; the region must be a known
/// subdivision *of that country* to give `stateProvince`; the city is the
/// first part only when the text has the `city, [region,] country` layout.
/// Anything else gives no geo fields (the raw text is kept by the mapper).
///
/// ```swift
/// let location = ChatlioLocation(parsing: "Los Angeles, California, United States")
/// location?.city            // "Los Angeles"
/// location?.stateProvince   // "US-CA"
/// location?.countryCode     // "US"
/// ChatlioLocation(parsing: "somewhere nice")   // nil
/// ```
public struct ChatlioLocation: Sendable, Hashable {
    /// The city, when the layout makes it certain.
    public let city: String?
    /// ISO 3166-2 subdivision code, such as `US-CA`.
    public let stateProvince: String?
    /// ISO 3166-1 alpha-2 country code, such as `US`.
    public let countryCode: String

    /// Reads a location; `nil` when no part can be read with confidence.
    ///
    /// Visitors' locations repeat (a site's traffic comes from a few thousand
    /// places), so readings are remembered in a small bounded cache.
    public init?(parsing text: String) {
        var text = text
        guard let location = text.withUTF8({ Self.reading(utf8: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = location
    }

    /// The reading of a location's UTF-8 (valid, as the body's tape checked it),
    /// from the cache when it holds one: no `String` is made for a place seen before.
    static func reading(utf8: UnsafeRawBufferPointer) -> ChatlioLocation? {
        switch LocationCache.shared.lookup(utf8) {
        case .some(let known): return known
        case .none:
            let location = ChatlioLocation(reading: String(decoding: utf8, as: UTF8.self))
            LocationCache.shared.store(location, for: utf8)
            return location
        }
    }

    private init?(reading text: String) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
        guard (1...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }),
            let last = parts.last, let country = GeoCodes.shared.countries[last.lowercased()]
        else { return nil }
        countryCode = country
        switch parts.count {
        case 3:
            city = parts[0]
            stateProvince = GeoCodes.shared.subdivisions[country]?[parts[1].lowercased()]
        case 2:
            // "City, Country" and "Region, Country" look alike; a known region wins.
            if let region = GeoCodes.shared.subdivisions[country]?[parts[0].lowercased()] {
                city = nil
                stateProvince = region
            } else {
                city = parts[0]
                stateProvince = nil
            }
        default:
            city = nil
            stateProvince = nil
        }
    }
}

/// Remembered readings, cleared whenever it reaches its bound.
final class LocationCache: Sendable {
    static let shared = LocationCache()
    private let entries = Locked<[Key: ChatlioLocation?]>([:])
    private let capacity = 4_096

    /// `nil` when unknown; `.some(nil)` when known to be unreadable.
    func lookup(_ utf8: UnsafeRawBufferPointer) -> ChatlioLocation?? {
        entries.withLock { $0[Key(borrowing: utf8)] }
    }

    func store(_ location: ChatlioLocation?, for utf8: UnsafeRawBufferPointer) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[Key(owning: utf8)] = .some(location)
        }
    }

    /// A location's UTF-8 as a table key: owned when stored, borrowed for one
    /// look-up, so a look-up makes neither a `String` nor a copy (the two cost
    /// more than the rest of reading a visitor). Equal and hashed by the bytes,
    /// whichever form.
    struct Key: Hashable, @unchecked Sendable {  // a borrowed key never outlives its look-up, under the lock
        private enum Bytes {
            case owned([UInt8])
            case borrowed(UnsafeRawBufferPointer)
        }

        private let bytes: Bytes

        init(owning utf8: UnsafeRawBufferPointer) { bytes = .owned(Array(utf8)) }
        init(borrowing utf8: UnsafeRawBufferPointer) { bytes = .borrowed(utf8) }

        private func withBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
            switch bytes {
            case .owned(let array): array.withUnsafeBytes(body)
            case .borrowed(let buffer): body(buffer)
            }
        }

        static func == (lhs: Key, rhs: Key) -> Bool {
            lhs.withBytes { left in
                rhs.withBytes { right in
                    guard left.count == right.count else { return false }
                    guard let leftBase = left.baseAddress, let rightBase = right.baseAddress else { return true }  // both empty
                    return memcmp(leftBase, rightBase, left.count) == 0
                }
            }
        }

        func hash(into hasher: inout Hasher) {
            withBytes { hasher.combine(bytes: $0) }
        }
    }
}

/// The parsed ``GeoCodeTable``.
struct GeoCodes: Sendable {
    /// Lower-cased country name → ISO 3166-1 alpha-2.
    let countries: [String: String]
    /// Alpha-2 → lower-cased subdivision name → ISO 3166-2.
    let subdivisions: [String: [String: String]]

    static let shared = GeoCodes(table: GeoCodeTable.text)

    init(table: String) {
        var countries: [String: String] = [:]
        var subdivisions: [String: [String: String]] = [:]
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: "|", maxSplits: 2)
            guard fields.count == 3 else { continue }
            let code = String(fields[1])
            let name = String(fields[2])
            if fields[0] == "C" {
                countries[name] = code
            } else {
                subdivisions[String(code.prefix(2)), default: [:]][name] = code
            }
        }
        self.countries = countries
        self.subdivisions = subdivisions
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        let utf8 = self.utf8
        guard let start = utf8.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
            let end = utf8.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })
        else { return "" }
        return String(self[start...end])
    }
}
