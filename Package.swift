// swift-tools-version:6.0
//
// ChatlioAEP: Chatlio live-chat webhooks into Adobe Experience Platform.
//
// One module per product (swift-collections style); every product depends on
// Foundation and the Swift toolchain only. The same strict settings apply to
// every Swift target, in one loop at the end (swift-log's pattern).
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "ChatlioAEP",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "ChatlioJSON", targets: ["ChatlioJSON"]),
        .library(name: "ChatlioAEPLogging", targets: ["ChatlioAEPLogging"]),
        .library(name: "ChatlioWebhooks", targets: ["ChatlioWebhooks"]),
        .library(name: "XDMSchemaRegistry", targets: ["XDMSchemaRegistry"]),
        .library(name: "ChatlioXDMMapper", targets: ["ChatlioXDMMapper"]),
        .library(name: "AEPStreamingClient", targets: ["AEPStreamingClient"]),
        .library(name: "ChatlioRelay", targets: ["ChatlioRelay"]),
        .library(name: "AEPProvisioning", targets: ["AEPProvisioning"]),
        .library(name: "AEPInletEmulator", targets: ["AEPInletEmulator"]),
        // The argument parser of the examples, the emulator and the benchmarks (which, as a package of their own,
        // can only use a product): not stable API.
        .library(name: "ExampleSupport", targets: ["ExampleSupport"]),
        .executable(name: "aep-inlet-emulator", targets: ["aep-inlet-emulator"]),
        .executable(name: "chatlio-decode", targets: ["chatlio-decode"]),
        .executable(name: "chatlio-aep-setup", targets: ["chatlio-aep-setup"]),
        .executable(name: "chatlio-replay", targets: ["chatlio-replay"]),
        .executable(name: "chatlio-aep-admin", targets: ["chatlio-aep-admin"]),
        .executable(name: "aep-client-harness", targets: ["aep-client-harness"]),
    ],
    targets: [
        // A JSON value type with an exact, bounded parser and a fast writer,
        // shared by every product.
        .target(name: "ChatlioJSON"),
        // The log record every log hook takes, one public type: re-exported by the products whose hooks take it.
        .target(name: "ChatlioAEPLogging"),
        // Shared internals (a lock, a seeded generator, HTTP dates, a constant-time compare): package symbols, not a product.
        .target(name: "ChatlioAEPSupport", dependencies: ["ChatlioJSON"]),
        // Typed models of the five Chatlio webhook payloads, and each event's identity (SHA-256 of its canonical bytes).
        .target(
            name: "ChatlioWebhooks",
            dependencies: ["ChatlioJSON", "CChatlioSHA256"]
        ),
        // Source and XDM schemas, validation, compatibility, AEP export.
        .target(
            name: "XDMSchemaRegistry",
            dependencies: ["ChatlioJSON", "ChatlioWebhooks"]
        ),
        // SHA-256 compression in C (not a product): the x86 SHA extensions when CPUID has them, portable C elsewhere.
        .target(name: "CChatlioSHA256"),
        // Webhook → XDM ExperienceEvent: identities, ids, timestamps, privacy, size budget.
        .target(
            name: "ChatlioXDMMapper",
            dependencies: ["ChatlioWebhooks", "XDMSchemaRegistry", "ChatlioAEPLogging", "ChatlioAEPSupport"]
        ),
        // Linux: stops URLSession (FoundationNetworking) spinning a core while a request awaits its
        // answer, by interposing libcurl's curl_multi_setopt (see the file's header). No curl headers needed.
        .target(
            name: "CURLSocketSourceFix",
            linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]
        ),
        // Durable, batched, retrying delivery to AEP's streaming inlet.
        .target(
            name: "AEPStreamingClient",
            dependencies: ["ChatlioJSON", "ChatlioAEPLogging", "ChatlioAEPSupport", "CURLSocketSourceFix"]
        ),
        // Framework-agnostic webhook intake: size cap, URL token, decode, map, validate, durable send.
        .target(
            name: "ChatlioRelay",
            dependencies: ["ChatlioWebhooks", "ChatlioXDMMapper", "XDMSchemaRegistry", "AEPStreamingClient", "ChatlioAEPLogging", "ChatlioAEPSupport"]
        ),
        // Provisions AEP's Chatlio source (or the HTTP API source) over the Platform APIs, idempotent and resumable.
        .target(
            name: "AEPProvisioning",
            dependencies: ["ChatlioJSON", "ChatlioWebhooks", "XDMSchemaRegistry", "ChatlioXDMMapper", "AEPStreamingClient", "ChatlioAEPLogging", "ChatlioAEPSupport"]
        ),
        // An in-process AEP streaming inlet (DCS) over loopback HTTP, for tests.
        .target(
            name: "AEPInletEmulator",
            dependencies: ["ChatlioJSON", "XDMSchemaRegistry", "ChatlioAEPLogging", "ChatlioAEPSupport"]
        ),
        .executableTarget(
            name: "aep-inlet-emulator",
            dependencies: ["AEPInletEmulator", "XDMSchemaRegistry", "ExampleSupport"]
        ),
        // The one SIGKILL child: of AEPStreamingClient's crash test and of Benchmarks' crash-harness (a product so
        // Benchmarks can build it; a test harness, not API); also the client's load generator.
        .executableTarget(
            name: "aep-client-harness",
            dependencies: ["AEPStreamingClient", "AEPInletEmulator", "ChatlioJSON", "ExampleSupport", "FsyncLedger"]
        ),
        // Interposes fsync/fdatasync in aep-client-harness: with $FSYNC_LEDGER set (the children of crash-harness
        // --power-loss), records what each sync made durable; unset, it only forwards to libc.
        .target(
            name: "FsyncLedger",
            linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux])), .linkedLibrary("pthread", .when(platforms: [.linux]))]
        ),
        // Decodes webhook bodies (the bundled samples by default) and prints what each holds.
        .executableTarget(
            name: "chatlio-decode",
            dependencies: ["ChatlioWebhooks", "ExampleSupport"],
            path: "Examples/chatlio-decode"
        ),

        // Shared by the test targets: the bundled samples and a seeded generator.
        .target(
            name: "ChatlioAEPTestSupport",
            dependencies: ["ChatlioWebhooks", "ChatlioAEPSupport"],
            path: "Tests/ChatlioAEPTestSupport"
        ),
        // The one argument parser of every executable, Benchmarks' included (a product for that reason; not stable API).
        .target(name: "ExampleSupport", path: "Examples/ExampleSupport"),
        // The main job: sample webhooks through the relay and the client into AEP (or an in-process inlet).
        .executableTarget(
            name: "chatlio-replay",
            dependencies: ["ChatlioRelay", "AEPStreamingClient", "AEPInletEmulator", "ChatlioXDMMapper", "XDMSchemaRegistry", "ExampleSupport"],
            path: "Examples/chatlio-replay"
        ),
        // Status, dead letters and quarantine of a stopped relay's state directory.
        .executableTarget(
            name: "chatlio-aep-admin",
            dependencies: ["ChatlioRelay", "AEPStreamingClient", "ChatlioWebhooks", "ChatlioXDMMapper", "ExampleSupport"],
            path: "Examples/chatlio-aep-admin"
        ),
        // Provisions AEP for Chatlio (--apply), or prints the request bodies with their curl lines.
        .executableTarget(
            name: "chatlio-aep-setup",
            dependencies: ["AEPProvisioning", "AEPStreamingClient", "ChatlioWebhooks", "ChatlioXDMMapper", "XDMSchemaRegistry", "ExampleSupport"],
            path: "Examples/chatlio-aep-setup"
        ),

        .testTarget(
            name: "ChatlioJSONTests",
            dependencies: ["ChatlioJSON", "ChatlioAEPSupport"]
        ),
        .testTarget(
            name: "ChatlioAEPSupportTests",
            dependencies: ["ChatlioAEPSupport"]
        ),
        .testTarget(
            name: "ChatlioWebhooksTests",
            dependencies: ["ChatlioWebhooks", "ChatlioAEPSupport", "ChatlioAEPTestSupport"]
        ),
        .testTarget(
            name: "XDMSchemaRegistryTests",
            dependencies: ["XDMSchemaRegistry"]
        ),
        .testTarget(
            name: "ChatlioXDMMapperTests",
            dependencies: ["ChatlioXDMMapper", "ChatlioAEPSupport", "ChatlioAEPTestSupport"]
        ),
        .testTarget(
            name: "ExampleSupportTests",
            dependencies: ["ExampleSupport", "ChatlioAEPTestSupport"]
        ),
        .testTarget(
            name: "ChatlioRelayTests",
            dependencies: ["ChatlioRelay", "AEPStreamingClient", "ChatlioAEPSupport", "ChatlioAEPTestSupport"]
        ),
        .testTarget(
            name: "AEPStreamingClientTests",
            dependencies: ["AEPStreamingClient", "AEPInletEmulator", "ChatlioAEPSupport", "ChatlioAEPTestSupport"]
        ),
        .testTarget(
            name: "AEPProvisioningTests",
            dependencies: ["AEPProvisioning", "AEPStreamingClient", "AEPInletEmulator", "XDMSchemaRegistry", "ChatlioXDMMapper", "ChatlioWebhooks", "ChatlioJSON", "ChatlioAEPSupport", "ChatlioAEPTestSupport"]
        ),
        .testTarget(
            name: "AEPInletEmulatorTests",
            dependencies: ["AEPInletEmulator", "XDMSchemaRegistry", "ChatlioXDMMapper", "ChatlioWebhooks", "ChatlioAEPSupport", "ChatlioAEPTestSupport"]
        ),
    ]
)

// Every Swift target gets the strict settings; the C targets take none.
for target in package.targets where !["CChatlioSHA256", "CURLSocketSourceFix", "FsyncLedger"].contains(target.name) {
    target.swiftSettings = (target.swiftSettings ?? []) + strictSettings
}
