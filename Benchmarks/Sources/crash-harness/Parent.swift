import AEPInletEmulator
import BenchmarkSupport
import ChatlioJSON
import ExampleSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The parent: starts, kills and restarts children on one outbox, then drains it and checks every copy.
func runParent(_ options: CommandLineOptions) async -> Int32 {
    let kills = tool.checked { try options.positiveInteger("--kills") } ?? 200
    let seed = tool.checked { try options.unsignedInteger("--seed") } ?? 42
    var random = SplitMix64(state: seed)
    let powerLoss = options.has("--power-loss")
    let senders = tool.checked { try options.positiveInteger("--senders") } ?? 16
    let unsynced = powerLoss && options.has("--unsynced")
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("crash-harness-\(seed)-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: scratch) }
    var base = scratch

    // The outbox and the per-run ledgers share one temporary directory, named by its real path, since the
    // ledger names files the way /proc/self/fd resolves them. Every run keeps a ledger, to count fsyncs;
    // with --power-loss it also drives the simulated power loss.
    var simulator: PowerLossSimulator?
    do {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
        print("could not create \(scratch.path): \(error)")
        return 1
    }
    guard let real = realpath(scratch.path, nil) else {
        print("could not resolve \(scratch.path)")
        return 1
    }
    base = URL(fileURLWithPath: String(cString: real))
    free(real)
    if powerLoss {
        simulator = PowerLossSimulator(directory: base.appendingPathComponent("outbox").path, seed: seed, posixDirectories: options.has("--posix-dirs"))
    }
    let directory = base.appendingPathComponent("outbox")
    var checker = CopyChecker()
    // Appends promised and segment fsyncs, by durability (index 0: everyAppend runs, 1: group commit).
    var appendsByDurability = [0, 0]
    var syncsByDurability = [0, 0]
    var ledgerLinesOutOfOrder = 0
    var missingSince: [String: Int] = [:]
    var lossNotes: [Int: [String]] = [:]

    var emulatorConfiguration = AEPInletEmulator.Configuration(inletId: "crash")
    emulatorConfiguration.faultRate = 0.1
    emulatorConfiguration.faultSeed = seed
    let emulator: AEPInletEmulator
    do {
        emulator = try AEPInletEmulator(configuration: emulatorConfiguration)
        _ = try emulator.start()
    } catch {
        print("could not start the emulator: \(error)")
        return 1
    }
    defer { emulator.stop() }

    let executable = ChildExecutable.path
    var promised: [Promise] = []
    var maxDisk = 0
    var tears = 0
    var unexpectedExits = 0
    let started = Date()
    for run in 0..<kills {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: executable)
        // Durability alternates between fsync-per-send and group commit; --unsynced (the power-loss
        // self-check) takes fsync away, so a simulated power loss must lose events.
        let durability = unsynced ? "os-buffered" : run % 2 == 0 ? "every-append" : "group-commit"
        child.arguments = ["child", "--outbox", directory.path, "--inlet", emulator.inletURL.absoluteString, "--run", String(run)]
            + ["--senders", String(senders), "--durability", durability]
            + (options.has("--memory-outbox") ? ["--memory-outbox"] : [])
            + (options.has("--alter-self-check") ? ["--alter-self-check"] : [])
        let ledger = base.appendingPathComponent("ledger-\(run).log").path
        // A fresh ledger per run: what earlier runs synced is already folded into the simulator's disk.
        var environment = ProcessInfo.processInfo.environment
        environment["FSYNC_LEDGER"] = ledger
        child.environment = environment
        let output = Pipe()
        child.standardOutput = output
        let reader = PromiseReader()
        output.fileHandleForReading.readabilityHandler = { handle in reader.consume(handle.availableData) }
        do { try child.run() } catch {
            print("could not start the child: \(error)")
            return 1
        }
        let delay = 30 + Int(random.next() % 400)
        try? await Task.sleep(for: .milliseconds(delay))
        if child.isRunning {
            kill(child.processIdentifier, SIGKILL)
        } else {
            unexpectedExits += 1
        }
        child.waitUntilExit()
        output.fileHandleForReading.readabilityHandler = nil
        reader.consume(output.fileHandleForReading.readDataToEndOfFile())
        let promisedThisRun = reader.take()
        promised += promisedThisRun
        checker.add(promisedThisRun)
        maxDisk = max(maxDisk, DiskUse.bytes(in: directory))
        let (ledgerLines, outOfOrder) = readLedger(at: ledger)
        ledgerLinesOutOfOrder += outOfOrder
        try? FileManager.default.removeItem(atPath: ledger)
        if !unsynced {
            appendsByDurability[run % 2] += promisedThisRun.count
            syncsByDurability[run % 2] += segmentSyncs(in: ledgerLines)
        }
        if var lossSimulator = simulator {
            let notes = lossSimulator.simulate(ledger: ledgerLines)
            simulator = lossSimulator
            if options.has("--verbose") { print("power loss \(run + 1):" + notes.map { "\n  " + $0 }.joined()) }
            // Promised, not at the inlet, not findable on disk: lost unless a request already in flight lands.
            let delivered = emulator.record.uniqueIDs
            let recoverable = recoverableIDs(in: directory.path)
            for promise in promised where missingSince[promise.id] == nil && !delivered.contains(promise.id) && !recoverable.contains(promise.id) {
                missingSince[promise.id] = run
                lossNotes[run] = notes
            }
        } else if run % 25 == 24, tearNewestSegment(in: directory, random: &random) {
            tears += 1
        }
        checker.checkRecords(in: directory.path, afterKill: run + 1)
        if run % 20 == 0 { print("kill \(run + 1)/\(kills): \(promised.count) events promised, outbox \(DiskUse.bytes(in: directory)) bytes") }
    }

    // Drain what is left on the same outbox: the child once more, reopening it as a restart would.
    let remaining: Int
    switch ChildExecutable.drain(executable, outbox: directory, inlet: emulator.inletURL) {
    case .success(let count): remaining = count
    case .failure(let problem):
        print("could not drain the outbox at the end: \(problem)")
        return 1
    }

    var lost: [String] = []
    var altered: [String] = []
    // The first message per id, as record.message(withID:) finds it, without a scan per promised event.
    var firstByID: [String: ReceivedMessage] = [:]
    for message in emulator.record.messages { if let id = message.id, firstByID[id] == nil { firstByID[id] = message } }
    for promise in promised {
        guard let message = firstByID[promise.id] else {
            lost.append(promise.id)
            continue
        }
        if message.xdmEntity != payload(id: promise.id, number: promise.number) { altered.append(promise.id) }
    }
    checker.checkInlet(emulator.record.messages, schemaID: "https://ns.adobe.com/acme/schemas/crash", datasetID: "crash")
    func perSync(_ index: Int) -> String {
        syncsByDurability[index] == 0 ? "no segment fsync"
            : String(format: "%d appends, %d segment fsyncs: %.2f appends per fsync", appendsByDurability[index], syncsByDurability[index],
                     Double(appendsByDurability[index]) / Double(syncsByDurability[index]))
    }
    let duplicates = emulator.record.duplicateIDs.values.reduce(0) { $0 + $1 - 1 }
    let bound = maxBytes + 2 * segmentBytes
    let syncLines = unsynced ? "" : """

          senders                \(senders) concurrent send loops per child
          fsyncs, everyAppend    \(perSync(0))
          fsyncs, group commit   \(perSync(1))
          ledger lines reordered \(ledgerLinesOutOfOrder)   (written after a later-taken state; sorted back)
        """
    // The lines both summaries end with.
    let outcome = """
          events promised        \(promised.count)   (send returned in a child that was later killed)
          delivered              \(promised.count - lost.count)
          lost                   \(lost.count)\(lost.prefix(5).map { " " + $0 }.joined())
          altered                \(altered.count)\(altered.prefix(5).map { " " + $0 }.joined())
          duplicates at inlet    \(duplicates)   (allowed: a kill between AEP's 200 and the outbox ack; _id dedups)
          copies checked         \(checker.recordsChecked) outbox records after the kills, \(checker.inletCopiesChecked) messages at the inlet: \(checker.problemCount) wrong\(checker.problems.map { "\n                           " + $0 }.joined())
          left in outbox         \(remaining)
          outbox disk use        max \(maxDisk) bytes (bound \(bound): maxBytes + 2 segments)
          inlet faults injected  \(emulator.faults.injectedCount)
          time                   \(String(format: "%.0f", Date().timeIntervalSince(started))) s\(syncLines)
        """
    if let simulator {
        let figures = simulator.figures
        var ok = lost.isEmpty && altered.isEmpty && checker.problemCount == 0 && remaining == 0 && maxDisk <= bound && unexpectedExits == 0 && !promised.isEmpty
        // A ledger that stays empty while the outbox fsyncs means the preload did not take: nothing was tested.
        let preloadWorked = unsynced || figures.ledgerLines > 0
        ok = ok && preloadWorked
        print("""

            crash-harness --power-loss (seed \(seed), durability \(unsynced ? "osBuffered: self-check, must FAIL" : "everyAppend / groupCommit alternating")\(simulator.posixDirectories ? ", new entries durable only after a directory fsync" : ""))
              kills                  \(kills) SIGKILLs at random points (\(unexpectedExits) children had already exited)
              power losses           \(figures.losses) simulated, one after each kill (\(figures.ledgerLines) syncs in the ledgers)
              bytes discarded        \(figures.bytesDiscarded) unsynced (\(figures.filesCut) files cut, \(figures.filesDeleted) never-durable files deleted)
              unlinks undone         \(figures.filesRestored) files restored (\(figures.unrestorable) synced files unlinked without a directory sync, taken as gone)
              partial writes kept    \(figures.partialWrites) (\(figures.partialBytes) bytes)
              garbage tails          \(figures.garbageTails) (\(figures.garbageBytes) bytes)
            \(outcome)
            """)
        if !preloadWorked { print("  the ledger recorded no fsync: the FsyncLedger interposer is not in effect") }
        if let first = lost.compactMap({ id in missingSince[id].map { (id, $0) } }).min(by: { $0.1 < $1.1 }) {
            let count = lost.filter { missingSince[$0] == first.1 }.count
            print("  first loss: \(count) promised events (e.g. \(first.0)) not findable on disk after the power loss at kill \(first.1 + 1); it did:")
            for note in lossNotes[first.1] ?? [] { print("    " + note) }
        }
        print(ok ? "PASS" : "FAIL")
        return ok ? 0 : 1
    }
    print("""

        crash-harness (seed \(seed))
          kills                  \(kills) SIGKILLs at random points (\(unexpectedExits) children had already exited)
          torn tails injected    \(tears)
        \(outcome)
        """)
    let ok = lost.isEmpty && altered.isEmpty && checker.problemCount == 0 && remaining == 0 && maxDisk <= bound && unexpectedExits == 0 && !promised.isEmpty
    print(ok ? "PASS" : "FAIL")
    return ok ? 0 : 1
}
