import Foundation

/// The one place that decides whether a failed attempt is sent again, and after how long.
///
/// What is retried: HTTP 429, 502, 503 and 504; connections refused, reset or closed; connect and
/// read timeouts. Never: other statuses, TLS certificate failures, bad configuration.
///
/// Which methods: GET, HEAD, PUT, DELETE and OPTIONS are idempotent, so re-sending them is harmless
/// and they are retried for every outcome above. POST and PATCH are re-sent ONLY when the attempt
/// failed before a byte of the request could have been written: the TCP connect, the TLS handshake
/// or the proxy's CONNECT failed. Any HTTP response, even a 429 or 503, proves the request reached
/// a server, and a reset or read timeout after writing leaves it unknown whether the server acted;
/// either way a POST/PATCH ends at that first failure, so a script never creates a thing twice.
///
/// How long: `Retry-After` (delta-seconds or an HTTP date) when the response has one; otherwise
/// exponential backoff with full jitter, a uniform random wait in
/// [0, min(maxDelay, baseDelay * 2^(retry-1))], which spreads parallel workers apart.
/// Caps: at most `maxAttempts` sends in all, and the waits add up to at most `maxTotalWait`. A
/// `Retry-After` beyond the remaining budget gives up at once: waiting less than the server asked
/// would only earn another 429.
///
/// Pacing: Bitbucket sends no reset time, only `X-RateLimit-NearLimit: true` when an access token
/// nears its hourly allowance (docs/internals.md "The transport"). While responses say so, request starts are
/// spaced by the sustainable rate, 3600 s / `X-RateLimit-Limit` (3.6 s at 1,000/h), or 1 s when the
/// limit is not given, capped at `maxDelay`; the first response without the header lifts the pacing.
/// `RateLimitPacer` applies this spacing across all threads sharing a `Transport`.
///
/// `random`, `sleep` and `now` are injectable so tests are fast and deterministic.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    public var baseDelay: TimeInterval
    public var maxDelay: TimeInterval
    public var maxTotalWait: TimeInterval
    public var random: @Sendable (ClosedRange<Double>) -> Double
    public var sleep: @Sendable (TimeInterval) async -> Void
    public var now: @Sendable () -> Date

    public init(
        maxAttempts: Int = 4,
        baseDelay: TimeInterval = 0.5,
        maxDelay: TimeInterval = 20,
        maxTotalWait: TimeInterval = 60,
        random: @escaping @Sendable (ClosedRange<Double>) -> Double = { Double.random(in: $0) },
        sleep: @escaping @Sendable (TimeInterval) async -> Void = { await RetryPolicy.taskSleep($0) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxTotalWait = maxTotalWait
        self.random = random
        self.sleep = sleep
        self.now = now
    }

    public static let noRetries = RetryPolicy(maxAttempts: 1)

    public static let idempotentMethods: Set<String> = ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]
    public static let retryableStatuses: Set<Int> = [429, 502, 503, 504]

    public static func taskSleep(_ seconds: TimeInterval) async {
        guard seconds > 0 else { return }
        try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
    }

    /// Where in an exchange a failure happened; only the transport's error classifier knows.
    enum FailurePhase: Equatable {
        /// Nothing was written: connect, TLS handshake or proxy tunnel failed.
        case beforeSending
        /// The request may have reached the server (reset, closed, read timeout).
        case mayHaveBeenSent
        /// Retrying cannot help (certificate rejected, bad configuration, body too large).
        case permanent
    }

    enum Outcome {
        case status(Int, retryAfter: String?)
        case failure(FailurePhase)
    }

    enum Decision: Equatable {
        case retry(after: TimeInterval)
        /// `exhausted` tells a retryable outcome that ran out of attempts or wait budget from
        /// one that was never retryable.
        case stop(exhausted: Bool)
    }

    /// - Parameters:
    ///   - attempt: sends made so far, including the one that produced `outcome`.
    ///   - waited: seconds already spent waiting between attempts of this request.
    func decide(method: String, outcome: Outcome, attempt: Int, waited: TimeInterval) -> Decision {
        let idempotent = Self.idempotentMethods.contains(method.uppercased())
        var serverAskedDelay: TimeInterval?
        switch outcome {
        case .status(let status, let retryAfter):
            guard Self.retryableStatuses.contains(status), idempotent else { return .stop(exhausted: false) }
            serverAskedDelay = retryAfter.flatMap { Self.retryAfterDelay($0, now: now()) }
        case .failure(.permanent):
            return .stop(exhausted: false)
        case .failure(.mayHaveBeenSent):
            guard idempotent else { return .stop(exhausted: false) }
        case .failure(.beforeSending):
            break
        }
        guard attempt < maxAttempts else { return .stop(exhausted: true) }
        let delay = serverAskedDelay ?? backoff(retry: attempt)
        guard waited + delay <= maxTotalWait else { return .stop(exhausted: true) }
        return .retry(after: delay)
    }

    /// Full jitter: uniform in [0, min(maxDelay, baseDelay * 2^(retry-1))].
    func backoff(retry: Int) -> TimeInterval {
        let exponent = Double(max(0, min(retry - 1, 30)))
        let ceiling = min(maxDelay, baseDelay * pow(2, exponent))
        guard ceiling > 0 else { return 0 }
        return min(ceiling, max(0, random(0...ceiling)))
    }

    /// Seconds to wait for a `Retry-After` value: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
    static func retryAfterDelay(_ value: String, now: Date) -> TimeInterval? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite { return max(0, seconds) }
        let formats = ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"]
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in formats {
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) { return max(0, date.timeIntervalSince(now)) }
        }
        return nil
    }

    /// The spacing to keep between request starts after a response with these headers, or nil when
    /// the response does not report the token near its limit (which ends any pacing).
    func nearLimitSpacing(headers: APIHeaders) -> TimeInterval? {
        guard headers["x-ratelimit-nearlimit"]?.trimmingCharacters(in: .whitespaces).lowercased() == "true" else {
            return nil
        }
        if let limit = headers["x-ratelimit-limit"].flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }),
           limit > 0 {
            return min(maxDelay, 3600 / limit)
        }
        return min(maxDelay, 1)
    }
}
