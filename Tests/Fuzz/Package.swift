// swift-tools-version:6.0
//
// libFuzzer targets for ChatlioAEP, one executable per target. This package is
// only ever the root (it uses unsafeFlags). Build and run them with
//   bash Tests/Fuzz/run.sh [seconds-per-target]
// which builds with `swift build -c release --sanitize=fuzzer --sanitize=address`:
// SwiftPM's fuzzer mode instruments every module (the library under test too,
// so libFuzzer sees its coverage) and links libFuzzer's own `main`.
import Foundation
import PackageDescription

// A path dependency is named after its folder, which is whatever the clone is called.
let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

// The root package's settings, applied to every target in one loop at the end, as the root does.
let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

// No `main`: the entry point is `LLVMFuzzerTestOneInput`, libFuzzer supplies `main`.
let fuzzFlags: [SwiftSetting] = [.unsafeFlags(["-sanitize=fuzzer,address", "-parse-as-library"])]

func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: name, dependencies: ["FuzzSupport"] + dependencies)
}

let package = Package(
    name: "ChatlioAEPFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(path: "../..")],
    targets: [
        // The property check shared by every target.
        .target(name: "FuzzSupport"),
        fuzzTarget("fuzz-webhook", [.product(name: "ChatlioWebhooks", package: root), .product(name: "ChatlioJSON", package: root)]),
        fuzzTarget("fuzz-json", [.product(name: "ChatlioJSON", package: root)]),
        fuzzTarget("fuzz-validator", [.product(name: "XDMSchemaRegistry", package: root)]),
        fuzzTarget("fuzz-timestamp", [.product(name: "ChatlioJSON", package: root)]),
        // Reaches the internal HTTPRequestParser through @testable import (run.sh builds with -enable-testing).
        fuzzTarget("fuzz-http-parser", [.product(name: "AEPInletEmulator", package: root)]),
        // Reaches the internal ResponseClassifier, RetryAfterHeader and TokenProvider the same way;
        // ChatlioJSON to read the bodies independently.
        fuzzTarget("fuzz-aep-response", [.product(name: "AEPStreamingClient", package: root), .product(name: "ChatlioJSON", package: root)]),
    ]
)

for target in package.targets {
    target.swiftSettings = (target.swiftSettings ?? []) + strictSettings + fuzzFlags
}
