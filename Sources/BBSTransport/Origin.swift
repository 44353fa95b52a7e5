import Foundation

/// Scheme, host and port: the unit a credential is bound to (RFC 6454), with default ports filled
/// in so `https://h` and `https://h:443` are the same origin. The runtime's secret rules and git
/// use the same type, so "which origin is this" is decided once.
public struct Origin: Hashable, Sendable, CustomStringConvertible {
    public let scheme: String
    public let host: String
    public let port: Int

    public init?(_ url: URL) {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty
        else { return nil }
        self.scheme = scheme
        self.host = NoProxyRules.normalizedHost(host)
        self.port = url.port ?? (scheme == "https" ? 443 : 80)
    }

    public init?(_ urlString: String) {
        guard let url = URL(string: urlString) else { return nil }
        self.init(url)
    }

    /// A loopback host (127.0.0.0/8, ::1, localhost): the only place plain http may carry a secret.
    public var isLoopback: Bool { IPAddress.isLoopback(host) }

    /// Whether a secret may travel to this origin at all: over https, or to loopback.
    public var carriesSecretsSafely: Bool { scheme == "https" || isLoopback }

    public var description: String {
        let defaultPort = scheme == "https" ? 443 : 80
        let hostText = host.contains(":") ? "[\(host)]" : host
        return port == defaultPort ? "\(scheme)://\(hostText)" : "\(scheme)://\(hostText):\(port)"
    }
}

enum URLResolution {
    /// Turns a request target into the absolute URL to fetch. Relative targets are appended to the
    /// API base path (so `/user` under `https://api.bitbucket.org/2.0` is `/2.0/user`, not `/user`).
    static func absoluteURL(for request: APIRequest, apiBase: URL) throws(TransportError) -> String {
        let target = request.target.trimmingCharacters(in: .whitespaces)
        var url: String
        if let schemeEnd = target.range(of: "://"), !target[..<schemeEnd.lowerBound].contains("/") {
            guard let parsed = URL(string: target), Origin(parsed) != nil else {
                throw TransportError(kind: .configuration, message: "not an http(s) URL: \(target)")
            }
            url = target
        } else {
            var base = apiBase.absoluteString
            while base.hasSuffix("/") { base.removeLast() }
            url = base + (target.hasPrefix("/") ? target : "/" + target)
            guard URL(string: url) != nil else {
                throw TransportError(kind: .configuration,
                                     message: "invalid request path '\(target)' (escape spaces and special characters)")
            }
        }
        if !request.query.isEmpty {
            let encoded = request.query.map { item in
                let name = URLEncoding.encodeQueryComponent(item.name)
                guard let value = item.value else { return name }
                return name + "=" + URLEncoding.encodeQueryComponent(value)
            }
            if let hash = url.firstIndex(of: "#") { url = String(url[..<hash]) }
            let separator = url.contains("?") ? (url.hasSuffix("?") || url.hasSuffix("&") ? "" : "&") : "?"
            url += separator + encoded.joined(separator: "&")
        }
        return url
    }

    /// Resolves a redirect's `Location` (absolute or relative) against the URL that answered.
    static func resolve(_ location: String, against base: String) -> String? {
        guard let baseURL = URL(string: base),
              let resolved = URL(string: location, relativeTo: baseURL)?.absoluteURL,
              Origin(resolved) != nil
        else { return nil }
        return resolved.absoluteString
    }
}
