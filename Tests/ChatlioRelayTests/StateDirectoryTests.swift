@testable import ChatlioRelay
import Foundation
import Testing

@Suite struct StateDirectoryTests {
    @Test func missingParentsAreCreatedOwnerOnlyAndNoProbeIsLeft() throws {
        let root = temporaryPath("state")
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = root.appendingPathComponent("a/b/quarantine")
        try StateDirectory.prepare(directory.path)
        for url in [root, root.appendingPathComponent("a"), root.appendingPathComponent("a/b"), directory] {
            #expect(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int == 0o700, "\(url.path)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        try StateDirectory.prepare(directory.path)  // an existing directory is fine
    }

    @Test func aRegularFileWhereTheDirectoryShouldBeIsNamed() throws {
        let file = temporaryPath("state-file")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("x".utf8).write(to: file)
        let error = #expect(throws: StateDirectory.Problem.self) { try StateDirectory.prepare(file.path) }
        #expect(error?.description == "\(file.path) is not a directory")
        let deeper = #expect(throws: StateDirectory.Problem.self) { try StateDirectory.prepare(file.path + "/x/y") }
        #expect(deeper?.description == "\(file.path)/x/y cannot be created: \(file.path) is not a directory")
    }

    @Test(arguments: [("/a/b/c", "/a/b"), ("/a/b/", "/a"), ("/a", "/"), ("/", "/"), ("c", "."), ("a/b", "a")])
    func parentPaths(path: String, parent: String) {
        #expect(StateDirectory.parentPath(path) == parent)
    }
}
