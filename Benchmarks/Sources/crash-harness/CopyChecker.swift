import AEPInletEmulator
import ChatlioJSON
import Foundation

/// Checks every copy of every event: against the payload its id's number determines, and for a promised
/// event the moment it was enqueued against its send call. Problems are kept, a few of each kind.
struct CopyChecker {
    var promisedByID: [String: Promise] = [:]
    var recordsChecked = 0
    var inletCopiesChecked = 0
    var problems: [String] = []
    var problemCount = 0

    mutating func note(_ problem: String) {
        problemCount += 1
        if problems.count < 10 { problems.append(problem) }
    }

    mutating func add(_ promises: [Promise]) {
        for promise in promises { promisedByID[promise.id] = promise }
    }

    /// The records on disk after a kill (and, with --power-loss, its simulated power loss).
    mutating func checkRecords(in directory: String, afterKill kill: Int) {
        for record in recoverableRecords(in: directory) {
            recordsChecked += 1
            guard let number = number(inID: record.id) else {
                note("kill \(kill): a record with an id the harness never made: \(record.id)")
                continue
            }
            if Array(record.payload) != payload(id: record.id, number: number).serialized(sortedKeys: true) {
                note("kill \(kill): record \(record.id): payload differs from what was sent (\(record.payload.count) bytes)")
            }
            // The outbox stamps enqueuedAt (rounded to the ms) inside send; a promise knows when that was.
            if let promise = promisedByID[record.id],
               !(promise.sendStarted - 1 ... promise.sendReturned + 1).contains(record.enqueuedAtMs) {
                note("kill \(kill): record \(record.id): enqueuedAt \(record.enqueuedAtMs) outside its send call \(promise.sendStarted)…\(promise.sendReturned)")
            }
        }
    }

    /// Every message at the inlet, duplicates included.
    mutating func checkInlet(_ messages: [ReceivedMessage], schemaID: String, datasetID: String) {
        for message in messages {
            inletCopiesChecked += 1
            guard let id = message.id, let number = number(inID: id) else {
                note("inlet: a message with an id the harness never made: \(message.id ?? "none")")
                continue
            }
            let expected = payload(id: id, number: number)
            if message.xdmEntity?.serialized(sortedKeys: true) != expected.serialized(sortedKeys: true) {
                note("inlet: a copy of \(id) differs from what was sent")
            }
            if message.xdmEntity?["_id"]?.stringValue != id { note("inlet: a copy of \(id) has _id \(message.xdmEntity?["_id"]?.stringValue ?? "none")") }
            if message.schemaID != schemaID || message.datasetID != datasetID {
                note("inlet: a copy of \(id) has schema \(message.schemaID ?? "none"), dataset \(message.datasetID ?? "none")")
            }
        }
    }
}
