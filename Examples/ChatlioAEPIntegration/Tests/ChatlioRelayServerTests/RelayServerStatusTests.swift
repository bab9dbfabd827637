import ChatlioRelayServer
import Foundation
import Testing

@Suite struct RelayServerStatusTests {
    @Test func anUnwritableStateDirectoryIsAReadinessProblemNamingIt() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("relay-server-file-\(UUID().uuidString)")
        try Data().write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let problems = RelayServerStatus.readinessProblems(stateDirectory: file, pausedUntil: nil)
        #expect(problems.count == 1 && problems[0].contains(file.path) && problems[0].contains("not writable"))
    }

    @Test func aPausedClientIsAReadinessProblemUntilThePauseEnds() {
        let now = Date()
        let paused = RelayServerStatus.readinessProblems(stateDirectory: nil, pausedUntil: now.addingTimeInterval(30), now: now)
        #expect(paused.count == 1 && paused[0].contains("AEP is failing"))
        #expect(RelayServerStatus.readinessProblems(stateDirectory: nil, pausedUntil: now.addingTimeInterval(-1), now: now).isEmpty)
    }
}
