// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way (docs/internals.md "Architecture"):
//   bbs -> { BBSRuntime, BBSREPL, BBSLanguage, BBSErrorKinds }; BBSREPL -> { BBSRuntime, BBSLanguage }
//   BBSRuntime -> { BBSLanguage, BBSTransport } -> BBSErrorKinds
// BBSLanguage knows nothing of HTTP or git; BBSTransport knows nothing of the language; the
// one thing they share is the table of error kinds and exit statuses.

// The interpreter's hot paths mutate class-held state; dynamic exclusivity checks
// nearly halve loop speed (docs/internals.md "Why exclusivity checks are off"), so the
// language target turns them off. This is allowed because bbs is always the root package.
let fastInterpreter: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

// The targets where threads meet (parallel's workers, the credential broker, the script lock,
// the transport's async bridge) build in the Swift 6 language mode, so the compiler checks them
// for data races; an `@unchecked Sendable` there says beside it why the compiler cannot.
let checkedConcurrency: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "bbs",
    // Linux only (Glibc, /proc/self/exe): no other platform is claimed.
    products: [
        .executable(name: "bbs", targets: ["bbs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // transport dependencies (owned by the transport work)
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // mock dependencies (owned by the mock work)
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        .target(name: "BBSErrorKinds", swiftSettings: checkedConcurrency),
        .target(
            name: "BBSLanguage",
            dependencies: ["BBSErrorKinds"],
            swiftSettings: fastInterpreter
        ),
        .target(
            name: "BBSRuntime",
            dependencies: ["BBSLanguage", "BBSTransport", "BBSErrorKinds"],
            swiftSettings: checkedConcurrency
        ),
        .executableTarget(
            name: "bbs",
            dependencies: [
                "BBSRuntime",
                "BBSREPL",
                "BBSLanguage",
                "BBSErrorKinds",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: checkedConcurrency
        ),
        // REPL targets (owned by the REPL work): libedit through its readline-compatible API.
        .systemLibrary(
            name: "CEditLine",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"]), .brew(["libedit"])]
        ),
        .target(
            name: "BBSREPL",
            dependencies: ["BBSLanguage", "BBSRuntime", "CEditLine"]
        ),
        // Drives the real bbs binary in a pseudo-terminal (Tests/REPLTests/pty_driver.py).
        // Finding the built binaries and searching files, for every test target that needs it.
        .target(name: "BBSTestSupport", path: "Tests/Support"),
        .testTarget(
            name: "REPLTests",
            dependencies: ["bbs", "BBSREPL", "BBSLanguage", "BBSTestSupport"],
            exclude: ["pty_driver.py"]
        ),
        // transport targets (owned by the transport work)
        .target(
            name: "BBSTransport",
            dependencies: [
                "BBSErrorKinds",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: checkedConcurrency
        ),
        .testTarget(
            name: "BBSTransportTests",
            dependencies: ["BBSTransport", "BBSTestSupport"],
            exclude: ["Fixtures"]
        ),
        // mock targets (owned by the mock work)
        .target(
            name: "BBSMock",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            exclude: ["README.md"]
        ),
        .executableTarget(
            name: "bbs-mock",
            dependencies: [
                "BBSMock",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Depends on the executable only so that `swift test` builds it: the tests launch the real binary.
        .testTarget(
            name: "BBSMockTests",
            dependencies: ["BBSMock", "bbs-mock", "BBSTestSupport"]
        ),
        .testTarget(
            name: "BBSLanguageTests",
            dependencies: ["BBSLanguage", "BBSRuntime", "BBSErrorKinds"]
        ),
        // Runs Tests/golden/**/*.bbs and examples/ through the real binaries (some against bbs-mock);
        // depends on them so they are built.
        .testTarget(
            name: "GoldenTests",
            dependencies: ["bbs", "bbs-mock", "BBSTestSupport"]
        ),
        // Runs the real bbs binary against the real bbs-mock binary (both built for it).
        .testTarget(
            name: "RuntimeIntegrationTests",
            dependencies: ["bbs", "bbs-mock", "BBSTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v5]
)
