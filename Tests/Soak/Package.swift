// swift-tools-version:6.0
//
// Soak: webhooks through ChatlioRelay → AEPStreamingClient (file outbox) → AEPInletEmulator under a fault
// mix, for a configurable time, with zero loss checked and memory, disk and latency reported over time.
//   swift run -c release --package-path Tests/Soak soak [--minutes 10] [--rate 500] [--seed 1]
import Foundation
import PackageDescription

// A path dependency is named after its folder, which is whatever the clone is called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "Soak",
    platforms: [.macOS(.v13)],
    dependencies: [.package(path: "../..")],
    targets: [
        .executableTarget(
            name: "soak",
            dependencies: [
                .product(name: "ChatlioRelay", package: root),
                .product(name: "AEPStreamingClient", package: root),
                .product(name: "AEPInletEmulator", package: root),
                .product(name: "ChatlioXDMMapper", package: root),
            ],
            swiftSettings: [.swiftLanguageMode(.v6), .enableUpcomingFeature("ExistentialAny")]
        ),
    ]
)
