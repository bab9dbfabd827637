/// Keeps the raw bodies of webhooks the relay could not accept, with the
/// reason, so nothing Chatlio sent is lost even when it is unusable.
///
/// A store may be bounded: when it is full it throws a ``QuarantineError``
/// with code ``QuarantineError/Code/full``, and the relay then answers the
/// usual 400 with `"quarantined": false` and counts
/// ``RelayMetrics/quarantineDropped`` (a 500 would make Chatlio resend the
/// same unusable body forever). Any other error is a 500.
///
/// ```swift
/// let quarantine = try FileQuarantineStore(directory: stateDirectory.appendingPathComponent("quarantine"))
/// ```
public protocol QuarantineStore: Sendable {
    /// Stores one item durably, or throws.
    func quarantine(_ item: QuarantinedWebhook) async throws
}
