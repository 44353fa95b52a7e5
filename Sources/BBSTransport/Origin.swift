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
        let target = request.target
        let hasQueryMap = !request.query.isEmpty
        var url: String
        if let schemeEnd = target.range(of: "://"), !target[..<schemeEnd.lowerBound].contains("/") {
            let afterAuthority = target[schemeEnd.upperBound...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? target.endIndex
            // An absolute URL (a `next` link, another service) names its query itself: a query
            // map is added to it, as for a page link with a different `pagelen`.
            url = String(target[..<afterAuthority]) + (try RequestTarget.wireText(target[afterAuthority...], hasQueryMap: false))
            guard let parsed = URL(string: url), Origin(parsed) != nil else {
                throw TransportError(kind: .configuration, message: "not an http(s) URL: \(target)")
            }
        } else {
            var base = apiBase.absoluteString
            while base.hasSuffix("/") { base.removeLast() }
            let path = try RequestTarget.wireText(Substring(target), hasQueryMap: hasQueryMap)
            url = base + (path.hasPrefix("/") ? path : "/" + path)
        }
        if hasQueryMap {
            let encoded = request.query.map { item in
                let name = URLEncoding.encodeQueryComponent(item.name)
                guard let value = item.value else { return name }
                return name + "=" + URLEncoding.encodeQueryComponent(value)
            }
            let separator = url.contains("?") ? (url.hasSuffix("?") || url.hasSuffix("&") ? "" : "&") : "?"
            url += separator + encoded.joined(separator: "&")
        }
        try checkSentAsWritten(url)
        return url
    }

    /// The HTTP client parses the URL again and sends its path and query: make sure that is
    /// exactly the text built here (and shown by `--trace`), or refuse to send.
    private static func checkSentAsWritten(_ url: String) throws(TransportError) {
        guard let parsed = URL(string: url), let components = URLComponents(url: parsed, resolvingAgainstBaseURL: true) else {
            throw TransportError(kind: .configuration, message: "cannot send the request URL '\(url)' as written")
        }
        var sent = components.percentEncodedPath
        if let query = parsed.query { sent += "?" + query }
        guard url.hasSuffix(sent), parsed.fragment == nil else {
            throw TransportError(kind: .configuration, message: "cannot send the request URL '\(url)' as written")
        }
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
