@testable import AEPInletEmulator
import ChatlioJSON
import Foundation
import Testing

extension DescriptorHeavyTests {
    @Suite("Start, stop and leaks")
    struct LifecycleTests {
        @Test func hundredsOfStartStopCyclesLeakNoDescriptorsOrThreads() throws {
            // Warm up once so lazily created process-wide resources are not counted.
            let warm = try Fixture.startedEmulator()
            warm.stop()
            let descriptorsBefore = Fixture.openDescriptorCount()
            let threadsBefore = Fixture.threadCount()
            #expect(descriptorsBefore > 0 && threadsBefore > 0)

            var configuration = AEPInletEmulator.Configuration(inletId: "cycle")
            configuration.tracksResources = true
            let restartable = try AEPInletEmulator(configuration: configuration)
            for cycle in 0 ..< 300 {
                let emulator = cycle.isMultiple(of: 2) ? restartable : try AEPInletEmulator(configuration: configuration)
                try emulator.start()
                #expect(emulator.isRunning)
                if cycle.isMultiple(of: 4) {
                    // An idle keep-alive connection and a half-sent request are open at stop.
                    let idle = try RawConnection(port: emulator.port)
                    idle.send(.post("/collection/cycle", body: Fixture.envelope(id: "c\(cycle)").jsonString()))
                    #expect(idle.readResponse()?.status == 200)
                    let partial = try RawConnection(port: emulator.port)
                    partial.send("POST /collection/cycle HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n{")
                    emulator.stop()
                    #expect(partial.isClosedByPeer())
                } else {
                    emulator.stop()
                }
                #expect(!emulator.isRunning)
                #expect(emulator.openConnectionCount == 0)
                // Exact, per server, unaffected by tests running in parallel: every thread
                // joined, and no descriptor it opened still refers to the same socket or pipe.
                #expect(emulator.lastResourceReport == .init(unjoinedThreads: 0, openDescriptors: 0))
            }
            // Process-wide cross-check. Alone both deltas are exactly 0, but other suites
            // open descriptors and threads in parallel (over 300 seen while the end-to-end
            // suites run child processes), so the bound only catches the gross leaks (300
            // listening sockets or accept threads, 600 pipe ends), and only once it has held
            // for up to a minute: other suites' descriptors come and go, a leak stays.
            var descriptorDelta = Fixture.openDescriptorCount() - descriptorsBefore
            var threadDelta = Fixture.threadCount() - threadsBefore
            let deadline = Date().addingTimeInterval(60)
            while descriptorDelta >= 250 || threadDelta >= 250, Date() < deadline {
                Thread.sleep(forTimeInterval: 0.2)
                descriptorDelta = Fixture.openDescriptorCount() - descriptorsBefore
                threadDelta = Fixture.threadCount() - threadsBefore
            }
            #expect(descriptorDelta < 250)
            #expect(threadDelta < 250)
        }

        @Test func stopClosesTheListeningSocket() throws {
            let emulator = try Fixture.startedEmulator()
            let port = emulator.port
            #expect(port > 0)
            _ = try RawConnection(port: port)
            guard let listening = emulator.listeningSocketIdentity else {
                // No /proc: the port itself must refuse.
                emulator.stop()
                emulator.stop()
                #expect(throws: (any Error).self) { try RawConnection(port: port) }
                return
            }
            #expect(listening.hasPrefix("socket:["), "the emulator listens on \(port) through \(listening)")
            #expect(Fixture.openDescriptorIdentities()?.contains(listening) == true)
            emulator.stop()
            emulator.stop()
            // The port number is every suite's: another test's server may bind it the moment it
            // is free (a connection then succeeds, as one did in CI). What must be gone is this
            // emulator's listening socket: no descriptor of the process refers to it any more.
            #expect(emulator.listeningSocketIdentity == nil)
            #expect(Fixture.openDescriptorIdentities()?.contains(listening) == false)
        }

        @Test func startTwiceFailsAndAFixedPortIsReusable() throws {
            // A freed port number is every suite's: another test's server may bind it at once
            // (as one did in CI). Such an attempt starts over on a new port; a socket of this
            // test's own that still listened would fail all five.
            for attempt in 1...5 {
                if try startTwiceAndReuseAFixedPort() { return }
                if attempt == 5 { Issue.record("the freed port was taken by another listener five times running") }
            }
        }

        /// `false` when another listener took the port this test had just freed.
        private func startTwiceAndReuseAFixedPort() throws -> Bool {
            let emulator = try Fixture.startedEmulator()
            #expect(throws: AEPInletEmulatorError.self) { try emulator.start() }
            let port = emulator.port
            emulator.stop()
            let fixed = try AEPInletEmulator(configuration: .init(inletId: "fixed", port: port))
            guard try Self.start(fixed, onFreedPort: port) else { return false }
            #expect(fixed.port == port)
            let clash = try AEPInletEmulator(configuration: .init(inletId: "clash", port: port))
            do {
                try clash.start()
                Issue.record("binding a port in use must fail")
            } catch {
                #expect(error.code == .bindFailed)
            }
            fixed.stop()
            guard try Self.start(fixed, onFreedPort: port) else { return false }
            #expect(fixed.port == port)
            fixed.stop()
            return true
        }

        /// Starts `emulator` on `port`, just freed by a stopped emulator of this test; `false`
        /// when the bind is refused: another test's server took the number (a socket of this
        /// test's own still listening would be refused on all five attempts).
        private static func start(_ emulator: AEPInletEmulator, onFreedPort port: Int) throws -> Bool {
            do {
                try emulator.start()
                return true
            } catch {
                guard error.code == .bindFailed else { throw error }
                return false
            }
        }

        @Test func anUnwritableRecordFileFailsStart() throws {
            let emulator = try AEPInletEmulator(configuration: .init(recordFile: URL(fileURLWithPath: "/nonexistent-dir/x.ndjson")))
            do {
                try emulator.start()
                Issue.record("start must fail")
            } catch {
                #expect(error.code == .recordFileFailed)
            }
            #expect(!emulator.isRunning)
        }

        @Test func logEventsReachTheHook() async throws {
            let events = LockedEvents()
            let emulator = try Fixture.startedEmulator { $0.log = { events.append($0) } }
            _ = try await Client().post(emulator.inletURL, json: Fixture.envelope(id: "log"))
            emulator.stop()
            let messages = events.all.map(\.message)
            #expect(messages.contains { $0.contains("listening at") })
            #expect(messages.contains { $0.contains("→ 200") })
            #expect(messages.contains { $0.contains("stopped") })
        }
    }
}

final class LockedEvents: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [ChatlioLogRecord] = []
    func append(_ event: ChatlioLogRecord) {
        lock.lock()
        events.append(event)
        lock.unlock()
    }
    var all: [ChatlioLogRecord] {
        lock.lock()
        defer { lock.unlock() }
        return events
    }
}
