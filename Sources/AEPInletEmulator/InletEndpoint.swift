/// The two DCS collection endpoints.
///
/// ```swift
/// emulator.faults.add(FaultRule(.status(503), endpoint: .batch))
/// ```
public struct InletEndpoint: Sendable, Hashable, CustomStringConvertible {
    private let name: String
    private init(_ name: String) { self.name = name }

    /// `POST /collection/{inletId}`: one message.
    public static let single = InletEndpoint("single")
    /// `POST /collection/batch/{inletId}`: `{"messages":[…]}`.
    public static let batch = InletEndpoint("batch")

    public var description: String { name }
}
