// swift-tools-version:6.0
//
// A Chatlio → AEP webhook server on Vapor 4, through the integration package (settings, /health and /ready,
// swift-log, Prometheus metrics), with the same routes and behaviour as Examples/HummingbirdRelay.
//   swift run --package-path Examples/VaporRelay chatlio-vapor-relay
//   swift test --package-path Examples/VaporRelay
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
    name: "VaporRelay",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "ChatlioVapor", targets: ["ChatlioVapor"]),
        .executable(name: "chatlio-vapor-relay", targets: ["chatlio-vapor-relay"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.115.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(path: "../ChatlioAEPIntegration"),
        .package(path: "../.."),
    ],
    targets: [
        .target(
            name: "ChatlioVapor",
            dependencies: [
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ChatlioRelayServer", package: "ChatlioAEPIntegration"),
                .product(name: "ChatlioRelay", package: root),
                .product(name: "AEPStreamingClient", package: root),
                .product(name: "ChatlioWebhooks", package: root),
            ]
        ),
        .executableTarget(
            name: "chatlio-vapor-relay",
            dependencies: [
                "ChatlioVapor",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ChatlioRelayServer", package: "ChatlioAEPIntegration"),
            ]
        ),
        .testTarget(
            name: "ChatlioVaporTests",
            dependencies: [
                "ChatlioVapor",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ChatlioRelayServer", package: "ChatlioAEPIntegration"),
                .product(name: "ChatlioRelayServerTesting", package: "ChatlioAEPIntegration"),
                .product(name: "ChatlioRelay", package: root),
                .product(name: "AEPStreamingClient", package: root),
                .product(name: "ChatlioWebhooks", package: root),
                .product(name: "ChatlioXDMMapper", package: root),
                .product(name: "AEPInletEmulator", package: root),
            ]
        ),
    ]
)

for target in package.targets {
    target.swiftSettings = (target.swiftSettings ?? []) + strictSettings
}
