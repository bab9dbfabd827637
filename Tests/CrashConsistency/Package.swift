// swift-tools-version:6.0
//
// Crash consistency of AEPStreamingClient's file outbox: a writer child process is killed with SIGKILL at
// random points, restarted on the same outbox, and at the end every event whose `send` returned must have
// reached the inlet exactly as sent.
//   swift run -c release --package-path Tests/CrashConsistency crash-harness [--kills N] [--seed S]
import Foundation
import PackageDescription

// A path dependency is named after its folder, which is whatever the clone is called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "CrashConsistency",
    platforms: [.macOS(.v13)],
    dependencies: [.package(path: "../..")],
    targets: [
        .executableTarget(
            name: "crash-harness",
            dependencies: [
                .product(name: "AEPStreamingClient", package: root),
                .product(name: "AEPInletEmulator", package: root),
                .product(name: "ChatlioJSON", package: root),
            ],
            swiftSettings: [.swiftLanguageMode(.v6), .enableUpcomingFeature("ExistentialAny")]
        ),
    ]
)
