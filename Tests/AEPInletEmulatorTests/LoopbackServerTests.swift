@testable import AEPInletEmulator
import ChatlioAEPTestSupport
import ChatlioJSON
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Slow clients over real loopback sockets: deadlines that trickled bytes do
/// not extend, and other clients served while a crowd of connections trickles.
extension DescriptorHeavyTests {
    @Suite("Loopback server: slow clients")
    struct LoopbackServerTests {
        /// The start of a request whose headers never end: one more byte of it at a time.
        private static let endlessHead = Array("POST /collection/test-inlet HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8)

        private static func byte(_ index: Int) -> [UInt8] {
            index < endlessHead.count ? [endlessHead[index]] : [UInt8(ascii: "a")]
        }


        @Test func otherClientsAreServedWhile300ConnectionsTrickle() async throws {
            // The default 256 connections; a header deadline far past the test, so the crowd stays
            // however slowly a sanitizer runs it (the 10 s default has its own test below).
            let emulator = try Fixture.startedEmulator { $0.requestHeaderTimeout = .seconds(300) }
            defer { emulator.stop() }
            var tricklers: [RawConnection] = []
            for _ in 0 ..< 300 {
                let connection = try RawConnection(port: emulator.port)
                connection.send(Self.byte(0))
                tricklers.append(connection)
            }
            #expect(await eventually(timeout: .seconds(30)) { emulator.openConnectionCount >= 256 })
            let client = Task { try await Client().post(emulator.inletURL, json: Fixture.envelope(id: "patient")) }
            // Trickle on while the client waits: a byte to every connection every 200 ms.
            var sent = 1
            let bound = ContinuousClock.now.advanced(by: .seconds(30))
            while emulator.record.message(withID: "patient") == nil, ContinuousClock.now < bound {
                for connection in tricklers { connection.send(Self.byte(sent)) }
                sent += 1
                try await Task.sleep(for: .milliseconds(200))
            }
            let reply = try await client.value
            #expect(reply.status == 200)
            #expect(emulator.record.message(withID: "patient") != nil)
            // The crowd is still there: only the connections waiting longest made room.
            #expect(emulator.openConnectionCount >= 200)
            withExtendedLifetime(tricklers) {}
        }

        @Test func aConnectionTricklingItsHeadersIsClosedAtTheHeaderDeadline() async throws {
            let emulator = try Fixture.startedEmulator { $0.requestHeaderTimeout = .milliseconds(300) }
            defer { emulator.stop() }
            let slow = try RawConnection(port: emulator.port)
            // A byte every 20 ms: far inside the 30 s idle timeout, which therefore never fires.
            var sent = 0
            let bound = ContinuousClock.now.advanced(by: .seconds(30))
            while !slow.isReadable(withinMs: 20), ContinuousClock.now < bound {
                slow.send(Self.byte(sent))
                sent += 1
            }
            let reply = try #require(slow.readResponse())
            #expect(reply.status == 408)
            #expect(String(decoding: reply.body, as: UTF8.self).contains("request headers not complete within"))
            #expect(slow.isClosedByPeer())
            #expect(sent > 1)
            // Others are unaffected.
            #expect(try await Client().post(emulator.inletURL, json: Fixture.envelope(id: "fine")).status == 200)
        }

        @Test func aConnectionTricklingItsBodyIsClosedAtTheRequestDeadline() async throws {
            let emulator = try Fixture.startedEmulator { $0.requestTimeout = .milliseconds(300) }
            defer { emulator.stop() }
            let slow = try RawConnection(port: emulator.port)
            slow.send("POST /collection/test-inlet HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
            let bound = ContinuousClock.now.advanced(by: .seconds(30))
            while !slow.isReadable(withinMs: 20), ContinuousClock.now < bound {
                slow.send(" ")
            }
            let reply = try #require(slow.readResponse())
            #expect(reply.status == 408)
            #expect(String(decoding: reply.body, as: UTF8.self).contains("request not complete within"))
            #expect(slow.isClosedByPeer())
            #expect(emulator.record.count == 0)
        }

        @Test func aFullTableClosesTheLongestWaitingConnectionNotOneBeingHandled() async throws {
            let emulator = try Fixture.startedEmulator { $0.maxConnections = 2 }
            defer { emulator.stop() }
            // Long enough that the third request arrives while it is still being handled, even under a sanitizer.
            emulator.faults.delayNext(by: .seconds(15))
            // One connection is being handled (its response delayed), one waits idle.
            let busy = Task { try await Client().post(emulator.inletURL, json: Fixture.envelope(id: "busy")) }
            #expect(await eventually(timeout: .seconds(30)) { emulator.faults.injectedCount == 1 })
            let idle = try RawConnection(port: emulator.port)
            #expect(await eventually(timeout: .seconds(30)) { emulator.openConnectionCount == 2 })
            // A third: the idle one makes room, the busy one is answered.
            #expect(try await Client().post(emulator.inletURL, json: Fixture.envelope(id: "third")).status == 200)
            #expect(idle.isClosedByPeer())
            #expect(try await busy.value.status == 200)
        }
    }
}
