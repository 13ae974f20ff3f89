// swift-tools-version: 6.0
import PackageDescription

/// Every target is built in the Swift 6 language mode with complete strict concurrency.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let providers = ["SendKitClient", "AutoSendClient", "KrafterClient", "AhaSendClient", "CllavioClient"]

let libraries: [Target] = [
    .target(name: "HTTPTransport", swiftSettings: swiftSettings),
    .target(
        name: "SendingDomains",
        dependencies: ["HTTPTransport"] + providers.map { .target(name: $0) },
        swiftSettings: swiftSettings
    ),
    .target(
        name: "SendingDomainsTesting", dependencies: ["HTTPTransport", "SendingDomains"], swiftSettings: swiftSettings
    ),
]

let providerTargets: [Target] = providers.map { provider in
    .target(name: provider, dependencies: ["HTTPTransport"], swiftSettings: swiftSettings)
}

let providerTests: [Target] = providers.map { provider in
    .testTarget(
        name: "\(provider)Tests",
        dependencies: [.target(name: provider), "HTTPTransport", "SendingDomainsTesting"],
        exclude: provider == "AhaSendClient" ? ["Fixtures"] : [],
        swiftSettings: swiftSettings
    )
}

let providerExamples: [Target] = providers.map { provider in
    let name = String(provider.dropLast("Client".count)) + "Example"
    return .executableTarget(
        name: name,
        dependencies: [.target(name: provider), "SendingDomainsTesting", "HTTPTransport"],
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
        dependencies: ["SendingDomains", "SendingDomainsTesting", "HTTPTransport"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "SendingDomainsTestingTests",
        dependencies: ["SendingDomainsTesting", "SendingDomains", "HTTPTransport"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "ReliabilityTests",
        dependencies: ["SendingDomains", "SendingDomainsTesting", "HTTPTransport"],
        swiftSettings: swiftSettings
    ),
    // Names server frameworks export, declared in a module of their own; NamespaceTests uses them
    // unqualified beside every SDK product.
    .target(name: "ServerFrameworkNames", path: "Tests/ServerFrameworkNames", swiftSettings: swiftSettings),
    .testTarget(
        name: "NamespaceTests",
        dependencies: [
            "ServerFrameworkNames", "HTTPTransport", "SendingDomains", "SendingDomainsTesting",
        ] + providers.map { .target(name: $0) },
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "DomainsCLITests",
        dependencies: ["SendingDomains", "SendingDomainsTesting", "HTTPTransport", "domains"],
        swiftSettings: swiftSettings
    ),
]

let examples: [Target] = [
    .executableTarget(
        name: "domains",
        dependencies: ["SendingDomains", "SendingDomainsTesting", "HTTPTransport"],
        path: "Examples/domains",
        swiftSettings: swiftSettings
    ),
    .executableTarget(
        name: "Onboarding",
        dependencies: ["SendingDomains", "SendingDomainsTesting", "HTTPTransport"],
        path: "Examples/Onboarding",
        swiftSettings: swiftSettings
    ),
    .executableTarget(
        name: "Benchmarks",
        dependencies: ["SendingDomains", "SendingDomainsTesting", "HTTPTransport"]
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

let libraryProducts: [Product] = ["HTTPTransport", "SendingDomains", "SendingDomainsTesting"].map {
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
