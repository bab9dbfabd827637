import Foundation

extension DeliveryStateMachine {
    /// The events' dead letters are kept and their outbox records removed:
    /// they are gone for good. Returns their reports.
    mutating func resolved(_ resolutions: [Resolution]) -> (finalized: [Finalized], actions: [Action]) {
        var finalized: [Finalized] = []
        var actions: [Action] = []
        for resolution in resolutions {
            guard let entry = entries[resolution.seq], entry.phase == .resolving else { continue }
            if entry.holdsRoom, actions.isEmpty { actions.append(.wakeSpaceWaiters) }
            if entry.holdsRoom {
                heldCount -= 1
                heldBytes -= entry.payloadBytes
            }
            forget(entry)
            switch resolution.outcome {
            case .delivered: counters.delivered += 1
            case .deadLettered: counters.deadLettered += 1
            case .dropped(let reason): counters.dropped[reason, default: 0] += 1
            }
            finalized.append(Finalized(report: DeliveryReport(eventID: resolution.id, outcome: resolution.outcome, attempts: entry.sends), seq: entry.seq))
        }
        return (finalized, actions)
    }

    /// The dead-letter store could not keep these events (full, or failing):
    /// they stay in the outbox, held and not sent again, until
    /// ``retryParked()`` (the store has room again) or the next start.
    mutating func parked(_ resolutions: [Resolution], reason: String) -> [Action] {
        var count = 0
        for resolution in resolutions where entries[resolution.seq]?.phase == .resolving {
            entries[resolution.seq]?.phase = .parked
            parkedResolutions[resolution.seq] = resolution
            count += 1
        }
        counters.parked += count
        guard count > 0 else { return [] }
        return [.log(.error, "\(count) dead letters could not be kept (\(reason)); they stay in the outbox, not sent again, until the dead-letter store has room (purge or redrive some) or the next start")]
    }

    /// The dead-letter store may have room: try to keep the parked events again.
    mutating func retryParked() -> [Action] {
        guard !parkedResolutions.isEmpty else { return [] }
        let resolutions = parkedResolutions.values.sorted { $0.seq < $1.seq }
        parkedResolutions = [:]
        for resolution in resolutions { entries[resolution.seq]?.phase = .resolving }
        return [.resolve(resolutions)]
    }
}
