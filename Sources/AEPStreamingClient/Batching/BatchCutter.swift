import Foundation

/// Cuts the waiting messages into requests: decides, as a pure function of
/// them, when the next request closes and how many messages it takes. It
/// builds nothing (``EnvelopeBuilder`` writes the bytes); ``BatchingPolicy``
/// is the user's side of the same settings.
///
/// A request closes when it holds ``maxMessages`` messages, when the next
/// message would take the body over ``maxRequestBytes`` (the
/// `{"messages":[…]}` wrapper and commas counted), or when the oldest waiting
/// message has waited ``linger``. `force` (flush, shutdown) skips the linger.
struct BatchCutter: Sendable {
    /// One waiting message: its size as sent (envelope included) and since when it can be sent.
    struct Candidate: Sendable, Hashable {
        var messageBytes: Int
        var readySince: Date
    }

    enum Decision: Sendable, Hashable {
        /// Send the first `count` candidates now.
        case send(count: Int)
        /// Nothing is due; look again at this instant.
        case wait(until: Date)
        /// No candidates.
        case idle
    }

    let maxMessages: Int
    let maxRequestBytes: Int
    let linger: Duration
    /// ``linger`` in seconds, converted once (every admitted event compares with it).
    let lingerSeconds: Double
    /// Bytes of the request around the messages: `{"messages":[` and `]}` in
    /// batch mode, 0 for single messages.
    let wrapperBytes: Int

    init(maxMessages: Int, maxRequestBytes: Int, linger: Duration, wrapperBytes: Int) {
        self.maxMessages = maxMessages
        self.maxRequestBytes = maxRequestBytes
        self.linger = linger
        self.lingerSeconds = linger.seconds
        self.wrapperBytes = wrapperBytes
    }

    /// The body size of a request carrying messages of these sizes.
    func requestBytes(_ sizes: some Sequence<Int>) -> Int {
        var total = wrapperBytes
        var count = 0
        for size in sizes {
            total += size + (count > 0 ? 1 : 0)
            count += 1
        }
        return total
    }

    /// Whether one message can ever be sent under ``maxRequestBytes``.
    func fitsAlone(messageBytes: Int) -> Bool {
        wrapperBytes + messageBytes <= maxRequestBytes
    }

    func decide(_ candidates: some Sequence<Candidate>, now: Date, force: Bool) -> Decision {
        var count = 0
        var total = wrapperBytes
        var oldest: Date?
        var full = false
        for candidate in candidates {
            if count == maxMessages {
                full = true
                break
            }
            let next = total + candidate.messageBytes + (count > 0 ? 1 : 0)
            if next > maxRequestBytes, count > 0 {
                full = true
                break
            }
            total = next
            count += 1
            oldest = min(oldest ?? candidate.readySince, candidate.readySince)
            if next > maxRequestBytes {
                // A single message above the limit goes alone (AEP answers 413; it is dead-lettered).
                full = true
                break
            }
        }
        guard count > 0, let oldest else { return .idle }
        if full || force { return .send(count: count) }
        let due = oldest.addingTimeInterval(lingerSeconds)
        return due <= now ? .send(count: count) : .wait(until: due)
    }
}
