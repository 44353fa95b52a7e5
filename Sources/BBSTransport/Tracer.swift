import Foundation

/// Formats `--trace` and `--dry-run` lines. Every line goes through the `Redactor` on its way to the
/// sink, and credential-bearing headers are masked by name as well, so a secret that was never
/// registered (a script's own header) still does not show.
struct Tracer: Sendable {
    let state: TraceSwitch
    var enabled: Bool { state.isOn }
    let sink: @Sendable (String) -> Void
    let redactor: Redactor

    static let sensitiveHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie"]
    /// Response headers worth seeing in a trace: rate-limit state, retry hints, redirect targets
    /// and the scope headers that explain a 403.
    static let notableResponseHeaders: [String] = [
        "x-ratelimit-limit", "x-ratelimit-resource", "x-ratelimit-nearlimit", "retry-after", "location",
        "x-oauth-scopes", "x-accepted-oauth-scopes",
    ]

    func request(method: String, url: String, attempt: Int, headers: APIHeaders) {
        guard enabled else { return }
        var line = "→ \(method) \(url)"
        if attempt > 1 { line += " [attempt \(attempt)]" }
        let shown = headers.filter { $0.name.lowercased() != "user-agent" }
        if !shown.isEmpty {
            line += " " + shown.map { "\($0.name.lowercased()): \(Self.masked($0))" }.joined(separator: "; ")
        }
        emit(line)
    }

    func response(status: Int, method: String, url: String, elapsed: TimeInterval, headers: APIHeaders) {
        guard enabled else { return }
        var line = "← \(status) \(method) \(url) \(Self.milliseconds(elapsed))"
        for name in Self.notableResponseHeaders {
            for value in headers.values(for: name) { line += " \(name): \(value)" }
        }
        emit(line)
    }

    func failure(method: String, url: String, elapsed: TimeInterval, message: String) {
        guard enabled else { return }
        emit("✗ \(method) \(url) \(Self.milliseconds(elapsed)) \(message)")
    }

    func retry(method: String, url: String, after delay: TimeInterval, nextAttempt: Int, of maxAttempts: Int, reason: String) {
        guard enabled else { return }
        emit("↻ \(method) \(url) retry \(nextAttempt)/\(maxAttempts) in \(Self.seconds(delay)) after \(reason)")
    }

    func pacing(method: String, url: String, delay: TimeInterval) {
        guard enabled else { return }
        emit("… \(method) \(url) paced \(Self.seconds(delay)): X-RateLimit-NearLimit")
    }

    /// Dry-run lines are the point of `--dry-run`, so they are written whether or not tracing is on.
    func dryRun(method: String, url: String, headers: APIHeaders, body: [UInt8]?) {
        var line = "DRY-RUN \(method) \(url)"
        if let contentType = headers["content-type"] { line += " content-type: \(contentType)" }
        if let body, !body.isEmpty {
            line += " body (\(body.count) bytes): " + Self.preview(body)
        }
        emit(line)
    }

    private func emit(_ line: String) {
        sink(redactor.redact(line))
    }

    private static func masked(_ field: APIHeaders.Field) -> String {
        guard sensitiveHeaders.contains(field.name.lowercased()) else { return field.value }
        // Keep the scheme word: whether Bearer or Basic was sent is what a trace reader wants to know.
        if let space = field.value.firstIndex(of: " "), field.name.lowercased().hasSuffix("authorization") {
            return String(field.value[..<space]) + " " + Redactor.mask
        }
        return Redactor.mask
    }

    private static func preview(_ body: [UInt8]) -> String {
        let limit = 500
        guard let text = String(bytes: body.prefix(limit), encoding: .utf8) else {
            return "<binary>"
        }
        let oneLine = text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
        return body.count > limit ? oneLine + "…" : oneLine
    }

    static func milliseconds(_ seconds: TimeInterval) -> String { "\(Int((seconds * 1000).rounded()))ms" }

    static func seconds(_ seconds: TimeInterval) -> String { String(format: "%.2fs", seconds) }
}

/// Whether tracing is on; shared by a transport and whoever may flip it while requests are in
/// flight (the REPL's `:trace on|off`).
// Unchecked: `on` is touched only under `lock`.
public final class TraceSwitch: @unchecked Sendable {
    private let lock = NSLock()
    private var on: Bool

    public init(_ on: Bool) { self.on = on }

    public var isOn: Bool {
        get { lock.withLock { on } }
        set { lock.withLock { on = newValue } }
    }
}
