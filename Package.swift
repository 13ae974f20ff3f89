// swift-tools-version: 6.0
import PackageDescription

/// Every target is built in the Swift 6 language mode with complete strict concurrency.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let providers = ["SendKitClient", "AutoSendClient", "KrafterClient", "AhaSendClient", "CllavioClient"]

let libraries: [Target] = [
    .target(name: "HTTPTransport", swiftSettings: swiftSettings),
    // A DNS client with no dependencies: the record check's eyes on the world's resolvers.
    .target(name: "SendingDomainsDNS", dependencies: ["HTTPTransport"], swiftSettings: swiftSettings),
    .target(
        name: "SendingDomains",
        dependencies: ["HTTPTransport", "SendingDomainsDNS"] + providers.map { .target(name: $0) },
        swiftSettings: swiftSettings
    ),
    // A RESP2 Redis client with no dependencies, and the shared rate budget and leases over it:
    // a product of its own, so that apps on one process link no socket code for it.
    .target(name: "SendingDomainsRedis", dependencies: ["HTTPTransport"], swiftSettings: swiftSettings),
    // Test helpers that need only the core: mock transport, virtual clock, loopback server, JSON,
    // and a loopback DNS server (UDP and TCP) serving an in-memory zone.
    // What the sandbox and the test kit share — a JSON value, a loopback HTTP server, blocking
    // socket calls — in a module of its own, so that neither the sandbox nor the `domains` CLI
    // depends on a testing product.
    .target(
        name: "SendingDomainsServing", dependencies: ["HTTPTransport", "SendingDomainsDNS"],
        swiftSettings: swiftSettings),
    .target(
        name: "SendingDomainsTesting", dependencies: ["HTTPTransport", "SendingDomainsDNS", "SendingDomainsServing"],
        swiftSettings: swiftSettings),
    // The five providers' simulators: the offline sandbox, for tests and for an app's demo mode.
    .target(
        name: "SendingDomainsSandbox", dependencies: ["HTTPTransport", "SendingDomains", "SendingDomainsServing"],
        swiftSettings: swiftSettings),
]

let providerTargets: [Target] = providers.map { provider in
    .target(name: provider, dependencies: ["HTTPTransport"], swiftSettings: swiftSettings)
}

let providerTests: [Target] = providers.map { provider in
    .testTarget(
        name: "\(provider)Tests",
        dependencies: [.target(name: provider), "HTTPTransport", "SendingDomainsTesting", "SendingDomainsSandbox"],
        exclude: provider == "AhaSendClient" ? ["Fixtures"] : [],
        swiftSettings: swiftSettings
    )
}

let providerExamples: [Target] = providers.map { provider in
    let name = String(provider.dropLast("Client".count)) + "Example"
    return .executableTarget(
        name: name,
        dependencies: [.target(name: provider), "SendingDomainsSandbox", "HTTPTransport"],
        path: "Examples/\(name)",
        swiftSettings: swiftSettings
    )
}

let tests: [Target] = [
    .testTarget(
        name: "HTTPTransportTests",
        dependencies: ["HTTPTransport", "SendingDomainsTesting"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "SendingDomainsTests",
        dependencies: [
            "SendingDomains", "SendingDomainsDNS", "SendingDomainsTesting", "SendingDomainsSandbox", "HTTPTransport",
        ],
        // The RFC 7208 test suite (as JSON) and the pyspf oracle, read by path.
        exclude: ["Preflight/Fixtures"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "SendingDomainsTestingTests",
        dependencies: ["SendingDomainsTesting", "SendingDomainsSandbox", "SendingDomains", "HTTPTransport"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "SendingDomainsSandboxTests",
        dependencies: ["SendingDomainsSandbox", "SendingDomainsTesting", "SendingDomains", "HTTPTransport"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "SendingDomainsRedisTests",
        dependencies: [
            "SendingDomainsRedis", "HTTPTransport", "SendingDomainsTesting", "AhaSendClient",
        ],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "SendingDomainsDNSTests",
        dependencies: [
            "SendingDomainsDNS", "SendingDomains", "SendingDomainsTesting", "SendingDomainsSandbox", "HTTPTransport",
        ],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "ReliabilityTests",
        dependencies: ["SendingDomains", "SendingDomainsTesting", "SendingDomainsSandbox", "HTTPTransport"],
        swiftSettings: swiftSettings
    ),
    // Names server frameworks export, declared in a module of their own; NamespaceTests uses them
    // unqualified beside every SDK product.
    .target(name: "ServerFrameworkNames", path: "Tests/ServerFrameworkNames", swiftSettings: swiftSettings),
    .testTarget(
        name: "NamespaceTests",
        dependencies: [
            "ServerFrameworkNames", "HTTPTransport", "SendingDomains", "SendingDomainsDNS", "SendingDomainsTesting",
            "SendingDomainsSandbox", "SendingDomainsRedis",
        ] + providers.map { .target(name: $0) },
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "DomainsCLITests",
        dependencies: ["SendingDomains", "SendingDomainsTesting", "SendingDomainsSandbox", "HTTPTransport", "domains"],
        swiftSettings: swiftSettings
    ),
]

let examples: [Target] = [
    .executableTarget(
        name: "domains",
        dependencies: [
            "SendingDomains", "SendingDomainsDNS", "SendingDomainsServing", "SendingDomainsSandbox", "HTTPTransport",
            "SendingDomainsRedis",
        ],
        path: "Sources/domains",
        swiftSettings: swiftSettings
    ),
    .executableTarget(
        name: "Onboarding",
        dependencies: ["SendingDomains", "SendingDomainsTesting", "SendingDomainsSandbox", "HTTPTransport"],
        path: "Examples/Onboarding",
        swiftSettings: swiftSettings
    ),
    .executableTarget(
        name: "Benchmarks",
        dependencies: [
            "SendingDomains", "SendingDomainsDNS", "SendingDomainsTesting", "SendingDomainsSandbox", "HTTPTransport",
            "SendingDomainsRedis",
        ]
            + providers.map { .target(name: $0) },
        path: "Examples/Benchmarks",
        exclude: ["count-allocations.sh", "malloc_counter.c"],
        swiftSettings: swiftSettings
    ),
    .executableTarget(
        name: "TransportTour",
        dependencies: ["HTTPTransport", "SendingDomainsTesting"],
        path: "Examples/TransportTour",
        swiftSettings: swiftSettings
    ),
]

let libraryProducts: [Product] = [
    "HTTPTransport", "SendingDomainsDNS", "SendingDomains", "SendingDomainsTesting", "SendingDomainsSandbox",
    "SendingDomainsRedis",
]
.map {
    .library(name: $0, targets: [$0])
}
let providerProducts: [Product] = providers.map { .library(name: $0, targets: [$0]) }

let package = Package(
    name: "SendingDomains",
    platforms: [.macOS(.v13), .iOS(.v16), .tvOS(.v16), .watchOS(.v9), .visionOS(.v1)],
    products: libraryProducts + providerProducts + [.executable(name: "domains", targets: ["domains"])],
    targets: libraries + providerTargets + providerTests + providerExamples + tests + examples,
    swiftLanguageModes: [.v6]
)
