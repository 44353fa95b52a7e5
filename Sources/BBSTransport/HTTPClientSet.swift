import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// The process's AsyncHTTPClient instances, one per proxy route.
///
/// AsyncHTTPClient takes its proxy per client, not per request, while `HTTPS_PROXY`, `HTTP_PROXY`
/// and `NO_PROXY` choose per request. So there is one client for direct connections and one per
/// distinct proxy actually used (at most three in practice), each created on first use and each
/// with its own keep-alive pool; every request to the same host reuses one pool.
///
/// Settings shared by all: TLS with the system roots plus `caFile` (never verification off),
/// HTTP/2 when the server offers it, no automatic redirects (`Transport` follows them itself so
/// it can decide per hop whether the credential goes along), and no connection-establishment
/// retries, so `RetryPolicy` stays the only place that retries anything.
// Unchecked: `clients` and `isShutDown` are touched only under `lock` (an NSLock, which the
// compiler does not connect to the fields it guards).
final class HTTPClientSet: @unchecked Sendable {
    private enum Route: Hashable {
        case direct
        case proxy(ProxyServer)
    }

    private let lock = NSLock()
    private var clients: [Route: HTTPClient] = [:]
    private var isShutDown = false
    private let baseConfiguration: HTTPClient.Configuration

    init(config: TransportConfig) throws(TransportError) {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = config.caFile {
            tls.additionalTrustRoots = [.certificates(try Self.loadCertificates(caFile))]
        }
        var pool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 16)
        pool.retryConnectionEstablishment = false
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            timeout: .init(connect: Self.timeAmount(config.connectTimeout), read: Self.timeAmount(config.readTimeout)),
            connectionPool: pool,
            proxy: nil,
            decompression: .disabled)
        configuration.httpVersion = .automatic
        baseConfiguration = configuration
    }

    func client(for proxy: ProxyServer?) throws(TransportError) -> HTTPClient {
        let route: Route = proxy.map { .proxy($0) } ?? .direct
        lock.lock()
        defer { lock.unlock() }
        guard !isShutDown else {
            throw TransportError(kind: .configuration, message: "the transport has been shut down")
        }
        if let existing = clients[route] { return existing }
        var configuration = baseConfiguration
        configuration.proxy = proxy.map(Self.ahcProxy)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        clients[route] = client
        return client
    }

    func shutdown() async {
        for client in takeAll() {
            try? await client.shutdown()
        }
    }

    /// For deinit: AsyncHTTPClient traps on a client released while running, and its callback
    /// shutdown keeps the client alive until it has finished.
    func shutdownInBackground() {
        for client in takeAll() {
            client.shutdown { _ in }
        }
    }

    private func takeAll() -> [HTTPClient] {
        lock.withLock {
            isShutDown = true
            let all = Array(clients.values)
            clients.removeAll()
            return all
        }
    }

    private static func ahcProxy(_ proxy: ProxyServer) -> HTTPClient.Configuration.Proxy {
        switch proxy.kind {
        case .socks5:
            return .socksServer(host: proxy.host, port: proxy.port)
        case .http:
            let authorization = proxy.username.map {
                HTTPClient.Authorization.basic(username: $0, password: proxy.password ?? "")
            }
            return .server(host: proxy.host, port: proxy.port, authorization: authorization)
        }
    }

    private static func loadCertificates(_ path: String) throws(TransportError) -> [NIOSSLCertificate] {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw TransportError(kind: .configuration, message: "CA file '\(path)' does not exist or is not readable")
        }
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw TransportError(kind: .configuration, message: "CA file '\(path)' is not a PEM certificate file: \(error)")
        }
        guard !certificates.isEmpty else {
            throw TransportError(kind: .configuration, message: "CA file '\(path)' holds no PEM certificate")
        }
        return certificates
    }

    private static func timeAmount(_ seconds: TimeInterval) -> TimeAmount {
        .milliseconds(Int64(max(0.001, seconds) * 1000))
    }
}
