// swift-tools-version:6.0
//
// Release-mode measurements and harnesses, sharing one release build of the package:
//   swift run -c release --package-path Benchmarks chatlio-bench [--quick] [--json FILE]   hot paths vs same-run baselines
//   swift run -c release --package-path Benchmarks chatlio-bench --instructions [--quick]  intake instructions/event (callgrind)
//   swift run -c release --package-path Benchmarks crash-harness [--kills N] [--seed S]    SIGKILL crash consistency of the outbox
//   swift run -c release --package-path Benchmarks soak [--minutes M] [--rate R]           relay → client → faulty inlet, over time
//   swift run -c release --package-path Benchmarks transport-wait [--requests N]           CPU while the client awaits a slow inlet
//   swift run -c release --package-path Benchmarks urlsession-wait [--requests N]          the same with URLSession alone (its busy wait)
//   swift run -c release --package-path Benchmarks inlet-bench [--events N]                the inlet emulator alone: 500-event batches
//   swift build -c release --package-path Benchmarks --product delivery-bench --product aep-inlet-emulator, then
//   Benchmarks/.build/release/delivery-bench [--events N] [--outbox file|memory|all]       the client to the emulator in its own process
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
        // Interposes fsync/fdatasync in crash-harness: with $FSYNC_LEDGER set (its --power-loss children), records
        // what each sync made durable; unset, it only forwards to libc.
        .target(name: "FsyncLedger", linkerSettings: [.linkedLibrary("dl"), .linkedLibrary("pthread")]),
        .executableTarget(
            name: "chatlio-bench",
            dependencies: [
                "MallocCounter",
                "CPUWhileWaiting",
                .product(name: "ChatlioWebhooks", package: root),
                .product(name: "ChatlioRelay", package: root),
                .product(name: "XDMSchemaRegistry", package: root),
                .product(name: "ChatlioXDMMapper", package: root),
                .product(name: "AEPStreamingClient", package: root),
                .product(name: "AEPInletEmulator", package: root),
            ],
            swiftSettings: [.swiftLanguageMode(.v6), .enableUpcomingFeature("ExistentialAny")]
        ),
        .executableTarget(
            name: "crash-harness",
            dependencies: [
                "FsyncLedger",
                .product(name: "AEPStreamingClient", package: root),
                .product(name: "AEPInletEmulator", package: root),
                .product(name: "ChatlioJSON", package: root),
            ],
            swiftSettings: [.swiftLanguageMode(.v6), .enableUpcomingFeature("ExistentialAny")]
        ),
        // The "CPU while waiting" figure of the client's default transport (for transport-wait and chatlio-bench).
        .target(
            name: "CPUWhileWaiting",
            dependencies: [.product(name: "AEPStreamingClient", package: root)],
            swiftSettings: [.swiftLanguageMode(.v6), .enableUpcomingFeature("ExistentialAny")]
        ),
        .executableTarget(
            name: "transport-wait",
            dependencies: ["CPUWhileWaiting"],
            swiftSettings: [.swiftLanguageMode(.v6), .enableUpcomingFeature("ExistentialAny")]
        ),
        // URLSession alone (no ChatlioAEP code): CPU spent while requests await a slow loopback answer.
        .executableTarget(
            name: "urlsession-wait",
            swiftSettings: [.swiftLanguageMode(.v6), .enableUpcomingFeature("ExistentialAny")]
        ),
        // The AEPInletEmulator alone: batches over loopback and in process, validation off and on.
        .executableTarget(
            name: "inlet-bench",
            dependencies: [
                .product(name: "AEPInletEmulator", package: root),
                .product(name: "ChatlioXDMMapper", package: root),
                .product(name: "ChatlioWebhooks", package: root),
                .product(name: "XDMSchemaRegistry", package: root),
            ],
            swiftSettings: [.swiftLanguageMode(.v6), .enableUpcomingFeature("ExistentialAny")]
        ),
        // The delivery runs: the client against the root package's aep-inlet-emulator started as a child process.
        .target(
            name: "DeliveryHarness",
            dependencies: [.product(name: "AEPStreamingClient", package: root)],
            swiftSettings: [.swiftLanguageMode(.v6), .enableUpcomingFeature("ExistentialAny")]
        ),
        .executableTarget(
            name: "delivery-bench",
            dependencies: [
                "DeliveryHarness",
                .product(name: "AEPStreamingClient", package: root),
                .product(name: "ChatlioJSON", package: root),
                .product(name: "ChatlioWebhooks", package: root),
                .product(name: "ChatlioXDMMapper", package: root),
            ],
            swiftSettings: [.swiftLanguageMode(.v6), .enableUpcomingFeature("ExistentialAny")]
        ),
        .executableTarget(
            name: "soak",
            dependencies: [
                "MallocCounter",
                .product(name: "ChatlioRelay", package: root),
                .product(name: "AEPStreamingClient", package: root),
                .product(name: "AEPInletEmulator", package: root),
                .product(name: "ChatlioXDMMapper", package: root),
            ],
            swiftSettings: [.swiftLanguageMode(.v6), .enableUpcomingFeature("ExistentialAny")]
        ),
    ]
)
