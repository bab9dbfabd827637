import ChatlioAEPSupport
import ChatlioXDMMapper
import ChatlioWebhooks
import Foundation

extension ChatlioStateAdministration {
    /// A quarantined webhook and the id an operator names it by: its file's
    /// name without `.json` (`1767225600000-4242-7`), stable while it is kept.
    ///
    /// ```swift
    /// for record in try admin.quarantineRecords() { print(record.id, record.item.code, record.item.reason) }
    /// ```
    public struct QuarantineRecord: Sendable, Hashable {
        /// The id (file name without `.json`).
        public var id: String
        /// What the relay kept: route, error code, pointer, reason, body.
        public var item: QuarantinedWebhook
        /// The file's size.
        public var fileBytes: Int
    }

    /// What a quarantine replay did.
    ///
    /// ```swift
    /// let outcome = try await admin.replayQuarantine(.all)
    /// for failure in outcome.stillFailing { print(failure.id, failure.reason) }
    /// ```
    public struct ReplayOutcome: Sendable, Hashable {
        /// A body that decoded, mapped and validated, now in the outbox (or already there).
        public struct Replayed: Sendable, Hashable {
            /// The quarantine id it had.
            public var id: String
            /// The event's `_id` in the outbox.
            public var eventID: String
            /// Whether an earlier copy was stored already (nothing appended twice).
            public var duplicate: Bool
        }

        /// A body that still fails; it stays quarantined.
        public struct Failure: Sendable, Hashable {
            /// The quarantine id it had (with ``requarantined`` it is kept under a new id).
            public var id: String
            /// The relay's answer (400 refused again, 503 the outbox refused, …).
            public var status: Int
            /// Why, as the relay says it now.
            public var reason: String
            /// Whether it was kept again with the new reason (the old item removed);
            /// `false`: the old item is kept unchanged.
            public var requarantined: Bool
        }

        public var replayed: [Replayed] = []
        public var stillFailing: [Failure] = []
        /// Ids given that no item has.
        public var unknown: [String] = []
    }

    // MARK: - Reading

    /// The quarantine's item files, oldest first (the store's own order).
    func quarantineFiles() throws(ChatlioStateAdministrationError) -> [(id: String, url: URL, bytes: Int)] {
        guard let directory = quarantine?.directory else { return [] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw ChatlioStateAdministrationError(.storage, "cannot list the quarantine at \(directory.path): \(error.localizedDescription)")
        }
        return names
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
            .sorted { $0.localizedStandardCompare($1) == .orderedAscending }
            .map { name in
                let url = directory.appendingPathComponent(name)
                let size = ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int) ?? 0
                return (String(name.dropLast(".json".count)), url, size)
            }
    }

    /// Every quarantined webhook, oldest first.
    ///
    /// - Throws: ``ChatlioStateAdministrationError/Code/storage`` naming a file that cannot be read.
    public func quarantineRecords() throws(ChatlioStateAdministrationError) -> [QuarantineRecord] {
        var records: [QuarantineRecord] = []
        for file in try quarantineFiles() {
            if let record = try Self.readRecord(file) { records.append(record) }
        }
        return records
    }

    /// The quarantined webhook with this id; `nil` when there is none.
    public func quarantineRecord(id: String) throws(ChatlioStateAdministrationError) -> QuarantineRecord? {
        guard let file = try quarantineFiles().first(where: { $0.id == id }) else { return nil }
        return try Self.readRecord(file)
    }

    /// A record; `nil` when its file went away meanwhile.
    private static func readRecord(_ file: (id: String, url: URL, bytes: Int)) throws(ChatlioStateAdministrationError) -> QuarantineRecord? {
        guard FileManager.default.fileExists(atPath: file.url.path) else { return nil }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let item = try decoder.decode(QuarantinedWebhook.self, from: Data(contentsOf: file.url))
            return QuarantineRecord(id: file.id, item: item, fileBytes: file.bytes)
        } catch {
            throw ChatlioStateAdministrationError(.storage, "cannot read quarantined item \(file.url.path): \(error.localizedDescription)")
        }
    }

    private func selectQuarantine(_ selection: Selection) throws(ChatlioStateAdministrationError) -> (records: [QuarantineRecord], unknown: [String]) {
        let records = try quarantineRecords()
        switch selection {
        case .all:
            return (records, [])
        case .olderThan(let age):
            let cutoff = age.cutoff(before: Date())
            return (records.filter { $0.item.receivedAt < cutoff }, [])
        case .ids(let ids):
            var byID: [String: QuarantineRecord] = [:]
            for record in records { byID[record.id] = record }
            var seen = Set<String>()
            var selected: [QuarantineRecord] = []
            var unknown: [String] = []
            for id in ids where seen.insert(id).inserted {
                if let record = byID[id] { selected.append(record) } else { unknown.append(id) }
            }
            return (selected, unknown)
        }
    }

    private func requireQuarantine() throws(ChatlioStateAdministrationError) -> FileQuarantineStore {
        guard let quarantine else { throw ChatlioStateAdministrationError(.unsupported, "this relay keeps no quarantine on disk") }
        return quarantine
    }

    /// Removes these records' items through the store (so its limits stay counted right) in one pass
    /// over the directory, and returns the ids of the records removed. The store names items by content
    /// only; items with identical content are interchangeable, so whichever copy goes, nothing is lost.
    private func remove(_ records: [QuarantineRecord], from quarantine: FileQuarantineStore) throws(ChatlioStateAdministrationError) -> [String] {
        guard !records.isEmpty else { return [] }
        var wanted: [QuarantinedWebhook: Int] = [:]
        for record in records { wanted[record.item, default: 0] += 1 }
        var left = wanted
        do {
            try quarantine.removeAll { candidate in
                guard let count = left[candidate], count > 0 else { return false }
                left[candidate] = count - 1
                return true
            }
        } catch {
            throw ChatlioStateAdministrationError(.storage, "cannot remove quarantined items from \(quarantine.directory.path): \(error.localizedDescription)")
        }
        // Of the records sharing one content, the first (wanted − left) count as removed.
        var removed = wanted.mapValues { _ in 0 }
        var ids: [String] = []
        for record in records {
            let item = record.item
            guard let count = removed[item], count < (wanted[item] ?? 0) - (left[item] ?? 0) else { continue }
            removed[item] = count + 1
            ids.append(record.id)
        }
        return ids
    }

    // MARK: - Replay and purge

    /// Decodes, maps and validates quarantined bodies again — through a
    /// ``ChatlioRelay`` with the current mapper, the relay's own code path and
    /// `_id` rules — and stores what now passes in the outbox. Each item leaves
    /// the quarantine only after its event is stored; what still fails is kept
    /// with its new reason.
    ///
    /// ```swift
    /// let outcome = try await admin.replayQuarantine(.all)
    /// print("\(outcome.replayed.count) replayed, \(outcome.stillFailing.count) still failing")
    /// ```
    public func replayQuarantine(_ selection: Selection) async throws(ChatlioStateAdministrationError) -> ReplayOutcome {
        let quarantine = try requireQuarantine()
        let (records, unknown) = try selectQuarantine(selection)
        var outcome = ReplayOutcome(unknown: unknown)
        guard !records.isEmpty else { return outcome }
        let receivedAt = Locked(Date())
        var configuration = relayConfiguration
        // The admin is the caller here, not Chatlio: no URL token to present.
        configuration.sharedSecret = nil
        let relay: ChatlioRelay
        do {
            relay = try ChatlioRelay(
                configuration: configuration, mapper: replayMapper(), sink: replaySink, quarantine: quarantine,
                now: { receivedAt.withLock { $0 } }
            )
        } catch {
            throw ChatlioStateAdministrationError(.unsupported, "cannot build the relay for the replay: \(error)")
        }
        // Removed only after every event is stored (or its body kept again): a failure
        // before then leaves old copies behind, never a body in neither place.
        var superseded: [QuarantineRecord] = []
        for record in records {
            // The original receive time: the event time of kinds without their own stays what it was.
            receivedAt.withLock { $0 = record.item.receivedAt }
            let response = await relay.handle(WebhookRequest(route: record.item.route, body: record.item.body))
            let answer = response.json
            switch response.status {
            case 200, 202:
                superseded.append(record)
                outcome.replayed.append(.init(id: record.id, eventID: answer?["id"]?.stringValue ?? "", duplicate: response.status == 200))
            case 400 where answer?["quarantined"]?.boolValue == true:
                // Kept again under a new id with the new reason; the old copy goes.
                superseded.append(record)
                outcome.stillFailing.append(.init(id: record.id, status: 400, reason: Self.reason(of: answer), requarantined: true))
            default:
                outcome.stillFailing.append(.init(id: record.id, status: response.status, reason: Self.reason(of: answer), requarantined: false))
            }
        }
        _ = try remove(superseded, from: quarantine)
        return outcome
    }

    /// Deletes quarantined items for good.
    ///
    /// ```swift
    /// try admin.purgeQuarantine(.olderThan(try .init(parsing: "30d")))
    /// ```
    public func purgeQuarantine(_ selection: Selection) throws(ChatlioStateAdministrationError) -> Outcome {
        let quarantine = try requireQuarantine()
        let (records, unknown) = try selectQuarantine(selection)
        return Outcome(done: try remove(records, from: quarantine), unknown: unknown)
    }

    /// The mapper for replays, opening the state's identity journal on first use offline.
    private func replayMapper() throws(ChatlioStateAdministrationError) -> XDMMapper? {
        try mapper.withLock { (source: inout MapperSource) throws(ChatlioStateAdministrationError) -> XDMMapper? in
            switch source {
            case .ready(let mapper):
                return mapper
            case .deferred(let configuration, let identities):
                guard relayConfiguration.mode == .xdm else {
                    source = .ready(nil)
                    return nil
                }
                do {
                    let mapper = try XDMMapper(configuration: configuration, identityStore: FileConversationIdentityStore(url: identities))
                    source = .ready(mapper)
                    return mapper
                } catch {
                    throw ChatlioStateAdministrationError(.unsupported, "cannot build the mapper for tenant \(configuration.tenantID) with \(identities.path): \(error)")
                }
            }
        }
    }

    /// The relay's reason in its JSON answer.
    private static func reason(of answer: JSONValue?) -> String {
        if let error = answer?["error"] {
            let code = error["code"]?.stringValue ?? "refused"
            let pointer = error["pointer"]?.stringValue.map { " at \($0)" } ?? ""
            return "\(code)\(pointer): \(error["reason"]?.stringValue ?? "")"
        }
        return answer?["reason"]?.stringValue ?? answer?["status"]?.stringValue ?? "no reason given"
    }
}
