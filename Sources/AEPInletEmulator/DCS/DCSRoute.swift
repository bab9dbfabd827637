/// A request that names the inlet, uses POST and passed the token check.
struct DCSRoute: Sendable, Hashable {
    var endpoint: InletEndpoint
    /// `syncValidation=true` (or the older `synchronousValidation=true`).
    var syncValidation: Bool
    /// From the `x-adobe-flow-id` header, else the query parameter.
    var flowID: String?
}
