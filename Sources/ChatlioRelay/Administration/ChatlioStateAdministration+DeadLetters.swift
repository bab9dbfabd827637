public import AEPStreamingClient
import Foundation

extension ChatlioStateAdministration {
    /// Which items an operation applies to.
    ///
    /// ```swift
    /// try await admin.purgeDeadLetters(.ids(["3f1c9a…"]))
    /// try await admin.purgeDeadLetters(.olderThan(try .init(parsing: "30d")))
    /// try await admin.redriveDeadLetters(.all)
    /// ```
    public enum Selection: Sendable, Hashable {
        /// Every item.
        case all
        /// The items with these ids; an unknown id is reported, the others are still done.
        case ids([String])
        /// Items older than this (dead letters: by their dead-letter time; quarantine: by receive time).
        case olderThan(Age)
    }

    /// What an operation did: the ids it applied to and the ids nothing had.
    ///
    /// ```swift
    /// let outcome = try await admin.redriveDeadLetters(.ids(ids))
    /// print("redrove \(outcome.done.count)", outcome.unknown.isEmpty ? "" : "unknown: \(outcome.unknown)")
    /// ```
    public struct Outcome: Sendable, Hashable {
        /// Ids the operation applied to, in order.
        public var done: [String]
        /// Ids given that no item has.
        public var unknown: [String]

        public init(done: [String] = [], unknown: [String] = []) {
            self.done = done
            self.unknown = unknown
        }
    }

    // MARK: - Reading

    /// Every dead letter, oldest first, without payloads.
    public func deadLetterEntries() async throws(ChatlioStateAdministrationError) -> [DeadLetterEntry] {
        do { return try await deadLetters.entries() } catch { throw Self.storageError("list the dead letters", error) }
    }

    /// One dead letter with its payload; `nil` when no letter has `id`.
    public func deadLetter(id: String) async throws(ChatlioStateAdministrationError) -> DeadLetter? {
        do { return try await deadLetters.letter(id: id) } catch { throw Self.storageError("read dead letter \(id)", error) }
    }

    /// Every dead letter with its payload, oldest first (a letter removed meanwhile is left out).
    public func deadLettersWithPayloads() async throws(ChatlioStateAdministrationError) -> [DeadLetter] {
        var letters: [DeadLetter] = []
        for entry in try await deadLetterEntries() {
            if let letter = try await deadLetter(id: entry.id) { letters.append(letter) }
        }
        return letters
    }

    // MARK: - Redrive and purge

    /// Puts dead letters back into the outbox under their own `_id`, with a
    /// fresh enqueue time and no attempts; each leaves the dead-letter store
    /// only after its append returned, so a failure midway loses nothing.
    ///
    /// ```swift
    /// let outcome = try await admin.redriveDeadLetters(.all)
    /// print("redrove \(outcome.done.count) dead letters")
    /// ```
    ///
    /// - Throws: ``ChatlioStateAdministrationError/Code/storage`` when the
    ///   outbox or the store fails (the letters before it are redriven).
    public func redriveDeadLetters(_ selection: Selection) async throws(ChatlioStateAdministrationError) -> Outcome {
        var outcome = try await resolve(selection)
        let ids = outcome.done
        outcome.done = []
        if let client {
            for id in ids {
                do {
                    try await client.redrive([id])
                } catch where error.code == .deadLetterNotFound {
                    // Purged or redriven by someone else since the listing.
                    outcome.unknown.append(id)
                    continue
                } catch {
                    throw Self.storageError("redrive dead letter \(id)", error)
                }
                outcome.done.append(id)
            }
            return outcome
        }
        for id in ids {
            guard let letter = try await deadLetter(id: id) else {
                outcome.unknown.append(id)
                continue
            }
            do {
                try await outbox.append(OutboxRecord(id: id, payload: letter.payload, enqueuedAt: Date()))
            } catch {
                throw Self.storageError("append dead letter \(id) to the outbox (it stays a dead letter)", error)
            }
            do {
                try await deadLetters.remove([id])
            } catch {
                throw Self.storageError("remove redriven dead letter \(id) (it is in the outbox and still a dead letter)", error)
            }
            outcome.done.append(id)
        }
        return outcome
    }

    /// Removes dead letters for good: the only way an accepted event is discarded, and only when asked.
    ///
    /// ```swift
    /// let outcome = try await admin.purgeDeadLetters(.olderThan(try .init(parsing: "30d")))
    /// ```
    public func purgeDeadLetters(_ selection: Selection) async throws(ChatlioStateAdministrationError) -> Outcome {
        let outcome = try await resolve(selection)
        guard !outcome.done.isEmpty else { return outcome }
        do {
            if let client {
                try await client.purgeDeadLetters(outcome.done)
            } else {
                try await deadLetters.remove(outcome.done)
            }
        } catch {
            throw Self.storageError("purge dead letters", error)
        }
        return outcome
    }

    /// The selected ids that exist (`done`) and the given ones that do not (`unknown`).
    private func resolve(_ selection: Selection) async throws(ChatlioStateAdministrationError) -> Outcome {
        let entries = try await deadLetterEntries()
        switch selection {
        case .all:
            return Outcome(done: entries.map(\.id))
        case .olderThan(let age):
            let cutoff = age.cutoff(before: Date())
            return Outcome(done: entries.filter { $0.deadLetteredAt < cutoff }.map(\.id))
        case .ids(let ids):
            let known = Set(entries.map(\.id))
            var seen = Set<String>()
            var outcome = Outcome()
            for id in ids where seen.insert(id).inserted {
                if known.contains(id) { outcome.done.append(id) } else { outcome.unknown.append(id) }
            }
            return outcome
        }
    }
}

/// The offline replay sink: a replayed quarantine body goes straight into
/// the outbox the administration holds, as `AEPStreamingClient.send` would
/// store it (the client picks it up at its next start).
struct OutboxAppendingSink: RelayEventSink {
    let outbox: any Outbox

    func accept(_ event: RelayEvent) async throws(RelaySinkError) {
        do {
            try await outbox.append(OutboxRecord(id: event.id, payload: Data(event.body), enqueuedAt: Date()))
        } catch {
            throw RelaySinkError(.unavailable, reason: "the outbox refused event \(event.id): \(error.reason)")
        }
    }
}
