// swift-tools-version:6.0
//
// ChatlioAEP: Chatlio live-chat webhooks into Adobe Experience Platform.
//
// One module per product (swift-collections style); every product depends on
// Foundation and the Swift toolchain only. The same strict settings apply to
// every target.
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
        .library(name: "ChatlioWebhooks", targets: ["ChatlioWebhooks"]),
        .library(name: "XDMSchemaRegistry", targets: ["XDMSchemaRegistry"]),
        .library(name: "ChatlioXDMMapper", targets: ["ChatlioXDMMapper"]),
        .library(name: "AEPStreamingClient", targets: ["AEPStreamingClient"]),
        .library(name: "ChatlioRelay", targets: ["ChatlioRelay"]),
        .library(name: "AEPProvisioning", targets: ["AEPProvisioning"]),
        .library(name: "AEPInletEmulator", targets: ["AEPInletEmulator"]),
        .executable(name: "aep-inlet-emulator", targets: ["aep-inlet-emulator"]),
        .executable(name: "chatlio-decode", targets: ["chatlio-decode"]),
        .executable(name: "chatlio-aep-setup", targets: ["chatlio-aep-setup"]),
        .executable(name: "chatlio-replay", targets: ["chatlio-replay"]),
        .executable(name: "chatlio-aep-admin", targets: ["chatlio-aep-admin"]),
    ],
    targets: [
        // A JSON value type with an exact, bounded parser and a fast writer,
        // shared by every product.
        .target(name: "ChatlioJSON", swiftSettings: strictSettings),
        // The lock and the log event every product shares (reached through the products).
        .target(name: "ChatlioAEPSupport", swiftSettings: strictSettings),
        // Typed models of the five Chatlio webhook payloads.
        .target(
            name: "ChatlioWebhooks",
            dependencies: ["ChatlioJSON"],
            swiftSettings: strictSettings
        ),
        // Source and XDM schemas, validation, compatibility, AEP export.
        .target(
            name: "XDMSchemaRegistry",
            dependencies: ["ChatlioJSON", "ChatlioWebhooks"],
            swiftSettings: strictSettings
        ),
        // SHA-256 compression in C (not a product): the x86 SHA extensions when CPUID has them, portable C elsewhere.
        .target(name: "CChatlioSHA256"),
        // Webhook → XDM ExperienceEvent: identities, ids, timestamps, privacy, size budget.
        .target(
            name: "ChatlioXDMMapper",
            dependencies: ["ChatlioWebhooks", "XDMSchemaRegistry", "ChatlioAEPSupport", "CChatlioSHA256"],
            swiftSettings: strictSettings
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
            dependencies: ["ChatlioJSON", "ChatlioAEPSupport", "CURLSocketSourceFix"],
            swiftSettings: strictSettings
        ),
        // Framework-agnostic webhook intake: size cap, URL token, decode, map, validate, durable send.
        .target(
            name: "ChatlioRelay",
            dependencies: ["ChatlioWebhooks", "ChatlioXDMMapper", "XDMSchemaRegistry", "AEPStreamingClient", "ChatlioAEPSupport"],
            swiftSettings: strictSettings
        ),
        // Provisions AEP's Chatlio source (or the HTTP API source) over the Platform APIs, idempotent and resumable.
        .target(
            name: "AEPProvisioning",
            dependencies: ["ChatlioJSON", "ChatlioWebhooks", "XDMSchemaRegistry", "ChatlioXDMMapper", "AEPStreamingClient", "ChatlioAEPSupport"],
            swiftSettings: strictSettings
        ),
        // An in-process AEP streaming inlet (DCS) over loopback HTTP, for tests.
        .target(
            name: "AEPInletEmulator",
            dependencies: ["ChatlioJSON", "XDMSchemaRegistry", "ChatlioAEPSupport"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "aep-inlet-emulator",
            dependencies: ["AEPInletEmulator", "XDMSchemaRegistry"],
            swiftSettings: strictSettings
        ),
        // Child process of AEPStreamingClient's crash test (SIGKILL mid-stream), and its load generator.
        .executableTarget(
            name: "aep-client-harness",
            dependencies: ["AEPStreamingClient", "AEPInletEmulator", "ChatlioAEPSupport", "ChatlioAEPTestSupport"],
            swiftSettings: strictSettings
        ),
        // Decodes the bundled sample payloads (the main job until chatlio-replay lands).
        .executableTarget(
            name: "chatlio-decode",
            dependencies: ["ChatlioWebhooks", "ExampleSupport"],
            path: "Examples/chatlio-decode",
            swiftSettings: strictSettings
        ),

        // Shared by the test targets: the bundled samples and a seeded generator.
        .target(
            name: "ChatlioAEPTestSupport",
            dependencies: ["ChatlioWebhooks", "ChatlioAEPSupport"],
            path: "Tests/ChatlioAEPTestSupport",
            swiftSettings: strictSettings
        ),        // Argument handling shared by the example executables (not a product).
        .target(name: "ExampleSupport", path: "Examples/ExampleSupport", swiftSettings: strictSettings),
        // The main job: sample webhooks through the relay and the client into AEP (or an in-process inlet).
        .executableTarget(
            name: "chatlio-replay",
            dependencies: ["ChatlioRelay", "AEPStreamingClient", "AEPInletEmulator", "ChatlioXDMMapper", "XDMSchemaRegistry", "ExampleSupport"],
            path: "Examples/chatlio-replay",
            swiftSettings: strictSettings
        ),
        // Status, dead letters and quarantine of a stopped relay's state directory.
        .executableTarget(
            name: "chatlio-aep-admin",
            dependencies: ["ChatlioRelay", "AEPStreamingClient", "ChatlioWebhooks", "ChatlioXDMMapper", "ExampleSupport"],
            path: "Examples/chatlio-aep-admin",
            swiftSettings: strictSettings
        ),
        // Provisions AEP for Chatlio (--apply), or prints the request bodies with their curl lines.
        .executableTarget(
            name: "chatlio-aep-setup",
            dependencies: ["AEPProvisioning", "AEPStreamingClient", "ChatlioWebhooks", "ChatlioXDMMapper", "XDMSchemaRegistry", "ExampleSupport"],
            path: "Examples/chatlio-aep-setup",
            swiftSettings: strictSettings
        ),

        .testTarget(
            name: "ChatlioJSONTests",
            dependencies: ["ChatlioJSON"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ChatlioWebhooksTests",
            dependencies: ["ChatlioWebhooks", "ChatlioAEPTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "XDMSchemaRegistryTests",
            dependencies: ["XDMSchemaRegistry"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ChatlioXDMMapperTests",
            dependencies: ["ChatlioXDMMapper", "ChatlioAEPTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ExampleSupportTests",
            dependencies: ["ExampleSupport", "ChatlioAEPTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ChatlioRelayTests",
            dependencies: ["ChatlioRelay", "AEPStreamingClient", "ChatlioAEPSupport", "ChatlioAEPTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AEPStreamingClientTests",
            dependencies: ["AEPStreamingClient", "AEPInletEmulator", "ChatlioAEPSupport", "ChatlioAEPTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AEPProvisioningTests",
            dependencies: ["AEPProvisioning", "AEPStreamingClient", "AEPInletEmulator", "XDMSchemaRegistry", "ChatlioXDMMapper", "ChatlioWebhooks", "ChatlioJSON", "ChatlioAEPTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AEPInletEmulatorTests",
            dependencies: ["AEPInletEmulator", "XDMSchemaRegistry", "ChatlioXDMMapper", "ChatlioWebhooks", "ChatlioAEPSupport", "ChatlioAEPTestSupport"],
            swiftSettings: strictSettings
        ),
    ]
)
