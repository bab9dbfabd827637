// swift-tools-version:6.0
//
// chatlio-bench: every hot path of ChatlioAEP next to a baseline measured in the same run.
//   swift run -c release --package-path Benchmarks chatlio-bench [--quick] [--json FILE]
import Foundation
import PackageDescription

// A path dependency is named after its folder, which is whatever the clone is called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "ChatlioAEPBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [.package(path: "..")],
    targets: [
        // Counts malloc/calloc/realloc calls by interposing them in the benchmark executable (glibc).
        .target(name: "MallocCounter"),
        .executableTarget(
            name: "chatlio-bench",
            dependencies: [
                "MallocCounter",
                .product(name: "ChatlioWebhooks", package: root),
                .product(name: "XDMSchemaRegistry", package: root),
                .product(name: "ChatlioXDMMapper", package: root),
                .product(name: "AEPStreamingClient", package: root),
                .product(name: "AEPInletEmulator", package: root),
            ],
            swiftSettings: [.swiftLanguageMode(.v6), .enableUpcomingFeature("ExistentialAny")]
        ),
    ]
)
