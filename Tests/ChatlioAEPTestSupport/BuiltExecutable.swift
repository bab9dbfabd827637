public import Foundation

/// The package's executables, built next to the test bundle by
/// `swift build --build-tests`: the crash test's child process, the admin tool.
public enum BuiltExecutable {
    /// The executable named `name` in the build folder, or `nil` when it is not built.
    ///
    /// ```swift
    /// let harness = try #require(BuiltExecutable.url(named: "aep-client-harness"))
    /// ```
    public static func url(named name: String) -> URL? {
        var candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        #if os(Linux)
        candidates.append(URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent())
        #endif
        for directory in candidates {
            for path in [directory, directory.deletingLastPathComponent(), directory.deletingLastPathComponent().deletingLastPathComponent()] {
                let url = path.appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            }
        }
        return nil
    }
}
