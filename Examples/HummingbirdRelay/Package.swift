// swift-tools-version:6.2
//
// A Chatlio → AEP webhook server on Hummingbird 2, through the integration package (settings, /health and /ready,
// swift-log, Prometheus metrics, the admin answers), like Examples/VaporRelay.
//   swift run --package-path Examples/HummingbirdRelay chatlio-hummingbird-relay
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
    name: "HummingbirdRelay",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(path: "../ChatlioAEPIntegration"),
        .package(path: "../.."),
    ],
    targets: [
        .target(
            name: "ChatlioHummingbird",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ChatlioRelayServer", package: "ChatlioAEPIntegration"),
                .product(name: "ChatlioRelay", package: root),
                .product(name: "AEPStreamingClient", package: root),
                .product(name: "ChatlioWebhooks", package: root),
            ]
        ),
        .executableTarget(
            name: "chatlio-hummingbird-relay",
            dependencies: [
                "ChatlioHummingbird",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ChatlioRelayServer", package: "ChatlioAEPIntegration"),
                .product(name: "ChatlioRelay", package: root),
            ]
        ),
        .testTarget(
            name: "ChatlioHummingbirdTests",
            dependencies: [
                "ChatlioHummingbird",
                .product(name: "ChatlioRelayServer", package: "ChatlioAEPIntegration"),
                .product(name: "ChatlioRelayServerTesting", package: "ChatlioAEPIntegration"),
                .product(name: "ChatlioWebhooks", package: root),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AEPInletEmulator", package: root),
            ]
        ),
    ]
)

for target in package.targets {
    target.swiftSettings = (target.swiftSettings ?? []) + strictSettings
}
