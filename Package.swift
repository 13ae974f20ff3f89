// swift-tools-version: 6.0
import PackageDescription

/// Every target is built in the Swift 6 language mode with complete strict concurrency.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let providers = ["SendKitClient", "AutoSendClient", "KrafterClient", "AhaSendClient", "CllavioClient"]

let package = Package(
    name: "SendingDomains",
    platforms: [.macOS(.v13), .iOS(.v16), .tvOS(.v16), .watchOS(.v9), .visionOS(.v1)],
    products: [
        .library(name: "HTTPTransport", targets: ["HTTPTransport"]),
        .library(name: "SendingDomains", targets: ["SendingDomains"]),
        .library(name: "SendingDomainsTesting", targets: ["SendingDomainsTesting"]),
    ] + providers.map { .library(name: $0, targets: [$0]) },
    targets: [
        .target(name: "HTTPTransport", swiftSettings: swiftSettings),
        .target(
            name: "SendingDomains",
            dependencies: ["HTTPTransport"] + providers.map { .target(name: $0) },
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SendingDomainsTesting",
            dependencies: ["HTTPTransport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HTTPTransportTests",
            dependencies: ["HTTPTransport", "SendingDomainsTesting"],
            exclude: ["Support/loopback_server.py"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SendingDomainsTests",
            dependencies: ["SendingDomains", "SendingDomainsTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SendingDomainsTestingTests",
            dependencies: ["SendingDomainsTesting", "SendingDomains"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DomainsCLITests",
            dependencies: ["SendingDomainsTesting", "domains"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "domains",
            dependencies: ["SendingDomains", "SendingDomainsTesting"],
            path: "Examples/domains",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "TransportTour",
            dependencies: ["HTTPTransport", "SendingDomainsTesting"],
            path: "Examples/TransportTour",
            swiftSettings: swiftSettings
        ),
    ]
        + providers.map { .target(name: $0, dependencies: ["HTTPTransport"], swiftSettings: swiftSettings) }
        + providers.map {
            .testTarget(
                name: "\($0)Tests",
                dependencies: [.target(name: $0), "HTTPTransport", "SendingDomainsTesting"],
                exclude: $0 == "AhaSendClient" ? ["Fixtures"] : [],
                swiftSettings: swiftSettings
            )
        },
    swiftLanguageModes: [.v6]
)
