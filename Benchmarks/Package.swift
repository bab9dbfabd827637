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

/// The root package's strict settings (its Package.swift), applied to every Swift target in one loop at the end.
let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let commandLine = Target.Dependency.product(name: "ExampleSupport", package: root)

let package = Package(
    name: "ChatlioAEPBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [.package(path: "..")],
    targets: [
        // Counts malloc/calloc/realloc calls by interposing them in the benchmark executable (glibc).
        .target(name: "MallocCounter"),
        // What every benchmark measures with: the seeded generator, CPU time and RSS (getrusage), disk use.
        .target(name: "BenchmarkSupport"),
        .executableTarget(
            name: "chatlio-bench",
            dependencies: [
                "MallocCounter",
                "CPUWhileWaiting",
                "BenchmarkSupport",
                commandLine,
                .product(name: "ChatlioJSON", package: root),
                .product(name: "ChatlioWebhooks", package: root),
                .product(name: "ChatlioRelay", package: root),
                .product(name: "XDMSchemaRegistry", package: root),
                .product(name: "ChatlioXDMMapper", package: root),
                .product(name: "AEPStreamingClient", package: root),
                .product(name: "AEPInletEmulator", package: root),
            ]
        ),
        .executableTarget(
            name: "crash-harness",
            dependencies: [
                // The SIGKILL child (built next to crash-harness; FsyncLedger is linked into it).
                .product(name: "aep-client-harness", package: root),
                "BenchmarkSupport",
                commandLine,
                .product(name: "AEPInletEmulator", package: root),
                .product(name: "ChatlioJSON", package: root),
            ]
        ),
        // The "CPU while waiting" figure of the client's default transport (for transport-wait and chatlio-bench).
        .target(
            name: "CPUWhileWaiting",
            dependencies: ["BenchmarkSupport", .product(name: "AEPStreamingClient", package: root)]
        ),
        .executableTarget(
            name: "transport-wait",
            dependencies: ["CPUWhileWaiting", commandLine]
        ),
        // URLSession alone (no ChatlioAEP code in what it measures; the parser reads its command line).
        .executableTarget(
            name: "urlsession-wait",
            dependencies: ["BenchmarkSupport", commandLine]
        ),
        // The AEPInletEmulator alone: batches over loopback and in process, validation off and on.
        .executableTarget(
            name: "inlet-bench",
            dependencies: [
                "BenchmarkSupport",
                commandLine,
                .product(name: "ChatlioJSON", package: root),
                .product(name: "AEPInletEmulator", package: root),
                .product(name: "ChatlioXDMMapper", package: root),
                .product(name: "ChatlioWebhooks", package: root),
                .product(name: "XDMSchemaRegistry", package: root),
            ]
        ),
        // The delivery runs: the client against the root package's aep-inlet-emulator started as a child process.
        .target(
            name: "DeliveryHarness",
            dependencies: ["BenchmarkSupport", .product(name: "AEPStreamingClient", package: root)]
        ),
        .executableTarget(
            name: "delivery-bench",
            dependencies: [
                "DeliveryHarness",
                "BenchmarkSupport",
                commandLine,
                .product(name: "AEPStreamingClient", package: root),
                .product(name: "ChatlioJSON", package: root),
                .product(name: "ChatlioWebhooks", package: root),
                .product(name: "ChatlioXDMMapper", package: root),
            ]
        ),
        .executableTarget(
            name: "soak",
            dependencies: [
                "MallocCounter",
                "BenchmarkSupport",
                commandLine,
                .product(name: "ChatlioJSON", package: root),
                .product(name: "ChatlioRelay", package: root),
                .product(name: "AEPStreamingClient", package: root),
                .product(name: "AEPInletEmulator", package: root),
                .product(name: "ChatlioXDMMapper", package: root),
                .product(name: "ChatlioWebhooks", package: root),
            ]
        ),
    ]
)

// Every Swift target gets the root's strict settings; the C target (the malloc interposer) takes none.
for target in package.targets where target.name != "MallocCounter" {
    target.swiftSettings = (target.swiftSettings ?? []) + strictSettings
}
