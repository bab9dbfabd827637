// swift-tools-version:6.0
//
// The Swift server ecosystem's side of ChatlioAEP, one module per bridge so a service takes only what it uses:
//   ChatlioAEPSwiftLog          ChatlioLogRecord → swift-log's Logger
//   ChatlioAEPMetrics           client and relay metrics → swift-metrics, and a Prometheus text exposition
//   ChatlioAEPAsyncHTTPClient   an HTTPTransport on AsyncHTTPClient (pool, keep-alive, no redirects, a body cap)
//   ChatlioAEPServiceLifecycle  the client as a swift-service-lifecycle Service, drained on graceful shutdown
//   ChatlioRelayServer          what every relay server shares (start-up, settings, /health, /ready, /metrics, admin answers)
//   ChatlioRelayServerTesting   what the relay servers' tests (and this package's) share: the built executable's checks,
//                               the admin scenario, a capturing log handler, loopback requests, bounded polls; tests only
// The root package stays dependency-free; this one depends on it by path.
//   swift test --package-path Examples/ChatlioAEPIntegration
import Foundation
import PackageDescription

// A path dependency is named after its folder, which is whatever the clone is called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

// The root package's settings, applied to every target in one loop at the end, as the root does.
let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "ChatlioAEPIntegration",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "ChatlioAEPSwiftLog", targets: ["ChatlioAEPSwiftLog"]),
        .library(name: "ChatlioAEPMetrics", targets: ["ChatlioAEPMetrics"]),
        .library(name: "ChatlioAEPAsyncHTTPClient", targets: ["ChatlioAEPAsyncHTTPClient"]),
        .library(name: "ChatlioAEPServiceLifecycle", targets: ["ChatlioAEPServiceLifecycle"]),
        .library(name: "ChatlioRelayServer", targets: ["ChatlioRelayServer"]),
        .library(name: "ChatlioRelayServerTesting", targets: ["ChatlioRelayServerTesting"]),
        .executable(name: "ahc-transport-bench", targets: ["ahc-transport-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.24.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(path: "../.."),
    ],
    targets: [
        .target(
            name: "ChatlioAEPSwiftLog",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ChatlioAEPLogging", package: root),
            ]
        ),
        .target(
            name: "ChatlioAEPMetrics",
            dependencies: [
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AEPStreamingClient", package: root),
                .product(name: "ChatlioRelay", package: root),
            ]
        ),
        .target(
            name: "ChatlioAEPAsyncHTTPClient",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "AEPStreamingClient", package: root),
            ]
        ),
        .target(
            name: "ChatlioAEPServiceLifecycle",
            dependencies: [
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AEPStreamingClient", package: root),
            ]
        ),
        // What every relay server shares, whatever its HTTP framework: settings from the environment,
        // the /health and /ready answers, the admin answers, /metrics, and the relay and client built from the settings.
        .target(
            name: "ChatlioRelayServer",
            dependencies: [
                "ChatlioAEPSwiftLog",
                "ChatlioAEPMetrics",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ChatlioRelay", package: root),
                .product(name: "AEPStreamingClient", package: root),
                .product(name: "ChatlioWebhooks", package: root),
                .product(name: "ChatlioXDMMapper", package: root),
                .product(name: "AEPInletEmulator", package: root),
                .product(name: "XDMSchemaRegistry", package: root),
            ]
        ),
        // For the relay servers' test targets: imports Testing, so its checks report at the caller's line.
        .target(
            name: "ChatlioRelayServerTesting",
            dependencies: [
                "ChatlioRelayServer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AEPInletEmulator", package: root),
                .product(name: "AEPStreamingClient", package: root),
                .product(name: "ChatlioJSON", package: root),
                .product(name: "ChatlioRelay", package: root),
                .product(name: "ChatlioXDMMapper", package: root),
            ]
        ),
        // CPU while waiting on a slow inlet, and throughput, of this transport beside URLSession's.
        .executableTarget(
            name: "ahc-transport-bench",
            dependencies: [
                "ChatlioAEPAsyncHTTPClient",
                .product(name: "AEPStreamingClient", package: root),
                .product(name: "AEPInletEmulator", package: root),
                .product(name: "ExampleSupport", package: root),
            ]
        ),
        .testTarget(
            name: "ChatlioAEPIntegrationTests",
            dependencies: [
                "ChatlioAEPSwiftLog",
                "ChatlioAEPMetrics",
                "ChatlioAEPAsyncHTTPClient",
                "ChatlioAEPServiceLifecycle",
                "ChatlioRelayServerTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "AEPStreamingClient", package: root),
                .product(name: "ChatlioRelay", package: root),
                .product(name: "AEPInletEmulator", package: root),
            ]
        ),
        .testTarget(
            name: "ChatlioRelayServerTests",
            dependencies: [
                "ChatlioRelayServer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AEPInletEmulator", package: root),
                .product(name: "ChatlioRelay", package: root),
                .product(name: "AEPStreamingClient", package: root),
                .product(name: "ChatlioWebhooks", package: root),
            ]
        ),
    ]
)

for target in package.targets {
    target.swiftSettings = (target.swiftSettings ?? []) + strictSettings
}
