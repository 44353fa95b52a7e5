import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Proxy choice per request. AsyncHTTPClient reads no proxy variables itself
/// (docs/internals.md "The transport"), so they are parsed and matched here. Note that AsyncHTTPClient
/// talks to an http:// proxy through a CONNECT tunnel for plain-http targets too, so a proxy that
/// allows CONNECT only to port 443 serves the https API but not an http:// base URL.
public struct ProxySettings: Sendable, Equatable {
    public var httpsProxy: ProxyServer?
    public var httpProxy: ProxyServer?
    public var noProxy: NoProxyRules

    public static let none = ProxySettings(httpsProxy: nil, httpProxy: nil, noProxy: NoProxyRules(""))

    public init(httpsProxy: ProxyServer?, httpProxy: ProxyServer?, noProxy: NoProxyRules) {
        self.httpsProxy = httpsProxy
        self.httpProxy = httpProxy
        self.noProxy = noProxy
    }

    /// Reads `https_proxy`/`HTTPS_PROXY`, `http_proxy`/`HTTP_PROXY`, `all_proxy`/`ALL_PROXY` as a
    /// fallback for both, and `no_proxy`/`NO_PROXY`. Lower case wins, as in curl and wget. Upper-case
    /// `HTTP_PROXY` is accepted although curl ignores it (a CGI concern, "httpoxy"): bbs is never a CGI
    /// program, and CI systems commonly export only the upper-case names.
    public init(environment: [String: String]) throws(TransportError) {
        func value(_ names: String...) -> String? {
            for name in names {
                if let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty {
                    return value
                }
            }
            return nil
        }
        let fallback = try value("all_proxy", "ALL_PROXY").map(ProxyServer.init(parsing:))
        self.httpsProxy = try value("https_proxy", "HTTPS_PROXY").map(ProxyServer.init(parsing:)) ?? fallback
        self.httpProxy = try value("http_proxy", "HTTP_PROXY").map(ProxyServer.init(parsing:)) ?? fallback
        self.noProxy = NoProxyRules(value("no_proxy", "NO_PROXY") ?? "")
    }

    /// The proxy to use for a request to `scheme://host:port`, or nil to connect directly.
    public func proxy(scheme: String, host: String, port: Int) -> ProxyServer? {
        let candidate = scheme.lowercased() == "https" ? httpsProxy : httpProxy
        guard let candidate else { return nil }
        return noProxy.matches(host: host, port: port) ? nil : candidate
    }
}

public struct ProxyServer: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case http
        case socks5
    }

    public var kind: Kind
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?

    public init(kind: Kind = .http, host: String, port: Int, username: String? = nil, password: String? = nil) {
        self.kind = kind
        self.host = host
        self.port = port
        self.username = username
        self.password = password
    }

    /// Parses `[scheme://][user:password@]host[:port][/]`. A missing scheme means http and a
    /// missing port means 1080, as in curl.
    public init(parsing text: String) throws(TransportError) {
        let withScheme = text.contains("://") ? text : "http://" + text
        guard let components = URLComponents(string: withScheme),
              let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty
        else {
            throw TransportError(kind: .configuration, message: "invalid proxy address '\(Self.withoutUserInfo(text))'")
        }
        switch scheme {
        case "http":
            kind = .http
        case "socks5", "socks5h":
            kind = .socks5
        case "https":
            throw TransportError(kind: .configuration,
                                 message: "proxy '\(Self.withoutUserInfo(text))': TLS to the proxy (https://) is not supported; use http://")
        default:
            throw TransportError(kind: .configuration,
                                 message: "proxy '\(Self.withoutUserInfo(text))': unsupported scheme '\(scheme)'")
        }
        self.host = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        self.port = components.port ?? 1080
        self.username = components.percentEncodedUser.map { $0.removingPercentEncoding ?? $0 }
        self.password = components.percentEncodedPassword.map { $0.removingPercentEncoding ?? $0 }
    }

    /// Never shows the proxy's credentials.
    public var description: String { "\(kind.rawValue)://\(host):\(port)" }

    private static func withoutUserInfo(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@") else { return text }
        let schemeEnd = text.range(of: "://")?.upperBound ?? text.startIndex
        return String(text[..<schemeEnd]) + "***@" + String(text[text.index(after: at)...])
    }
}

/// `NO_PROXY` matching, following curl's rules (the de-facto reference):
/// - entries are separated by commas (spaces tolerated) and compared case-insensitively;
/// - `*` alone bypasses the proxy for every host;
/// - a host name entry matches that host and its subdomains; a leading `.` or `*.` is ignored
///   (`example.com`, `.example.com` and `*.example.com` all match `api.example.com` and `example.com`);
/// - an IP literal matches that address only; `a.b.c.d/n` and `v6/n` match a CIDR range;
/// - an entry may carry `:port` (`[v6]:port` for IPv6) and then matches only that port.
/// Loopback is not bypassed implicitly (Go does that, curl does not): tests and users put proxies
/// in front of loopback servers, so `NO_PROXY=localhost,127.0.0.1` or `127.0.0.0/8` must say so.
public struct NoProxyRules: Sendable, Equatable {
    enum Pattern: Sendable, Equatable {
        case everything
        case domain(String, port: Int?)
        case address([UInt8], port: Int?)
        case network([UInt8], prefixLength: Int)
    }

    let patterns: [Pattern]

    public init(_ value: String) {
        let entries = value
            .split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" })
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .filter { !$0.isEmpty }
        patterns = entries.map(Self.pattern(for:))
    }

    public var isEmpty: Bool { patterns.isEmpty }

    public func matches(host rawHost: String, port: Int) -> Bool {
        let host = Self.normalizedHost(rawHost)
        let address = IPAddress.parse(host)
        for pattern in patterns {
            switch pattern {
            case .everything:
                return true
            case .domain(let domain, let requiredPort):
                if let requiredPort, requiredPort != port { continue }
                // Suffix matching is for names only: `1.1` must not match `10.1.1.1`.
                if host == domain || (address == nil && host.hasSuffix("." + domain)) { return true }
            case .address(let bytes, let requiredPort):
                if let requiredPort, requiredPort != port { continue }
                if address == bytes { return true }
            case .network(let network, let prefixLength):
                if let address, IPAddress.isInNetwork(address, network: network, prefixLength: prefixLength) {
                    return true
                }
            }
        }
        return false
    }

    private static func pattern(for entry: String) -> Pattern {
        if entry == "*" { return .everything }
        if let slash = entry.firstIndex(of: "/"),
           let prefixLength = Int(entry[entry.index(after: slash)...]),
           let network = IPAddress.parse(String(entry[..<slash])),
           prefixLength >= 0, prefixLength <= network.count * 8 {
            return .network(network, prefixLength: prefixLength)
        }
        let (hostPart, port) = splitPort(entry)
        let host = normalizedHost(hostPart)
        if let address = IPAddress.parse(host) { return .address(address, port: port) }
        var domain = host
        if domain.hasPrefix("*.") { domain.removeFirst(2) }
        while domain.hasPrefix(".") { domain.removeFirst() }
        return .domain(domain, port: port)
    }

    /// Splits `host:port` or `[v6]:port`; a bare IPv6 literal has several colons and no port.
    private static func splitPort(_ entry: String) -> (String, Int?) {
        if entry.hasPrefix("["), let close = entry.firstIndex(of: "]") {
            let host = String(entry[entry.index(after: entry.startIndex)..<close])
            let rest = entry[entry.index(after: close)...]
            if rest.hasPrefix(":"), let port = Int(rest.dropFirst()) { return (host, port) }
            return (host, nil)
        }
        let colons = entry.filter { $0 == ":" }.count
        if colons == 1, let colon = entry.firstIndex(of: ":"), let port = Int(entry[entry.index(after: colon)...]) {
            return (String(entry[..<colon]), port)
        }
        return (entry, nil)
    }

    static func normalizedHost(_ host: String) -> String {
        var result = host.lowercased()
        if result.hasPrefix("["), result.hasSuffix("]") { result = String(result.dropFirst().dropLast()) }
        while result.hasSuffix(".") { result.removeLast() }
        return result
    }
}

enum IPAddress {
    /// The address bytes (4 for IPv4, 16 for IPv6), or nil when `text` is not an IP literal.
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    static func isInNetwork(_ address: [UInt8], network: [UInt8], prefixLength: Int) -> Bool {
        guard address.count == network.count else { return false }
        var remaining = prefixLength
        for (a, n) in zip(address, network) {
            if remaining <= 0 { return true }
            let bits = min(8, remaining)
            let mask: UInt8 = bits == 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            if a & mask != n & mask { return false }
            remaining -= bits
        }
        return true
    }

    static func isLoopback(_ host: String) -> Bool {
        let normalized = NoProxyRules.normalizedHost(host)
        if normalized == "localhost" || normalized.hasSuffix(".localhost") { return true }
        guard let bytes = parse(normalized) else { return false }
        if bytes.count == 4 { return bytes[0] == 127 }
        return bytes == [UInt8](repeating: 0, count: 15) + [1]
    }
}
