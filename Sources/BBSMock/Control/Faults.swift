import Foundation

/// A misbehaviour to inject into upcoming requests that match `method` and a path prefix.
public struct Fault: Sendable {
    public enum Kind: Sendable, Equatable {
        /// 429 with Bitbucket's plain-text body, or any other status with the JSON error envelope.
        case status(Int)
        case delay
        case drop
        /// The page comes back empty but still carries a `next` link.
        case bogusNext
        /// The page's `next` link points back at the page itself.
        case cycleNext
        /// A normal response flagged `X-RateLimit-NearLimit: true`.
        case nearLimit
        /// On `POST .../pipelines`: the triggered pipeline ends with this result (FAILED, ERROR, STOPPED).
        case pipelineResult(String)

        init?(_ text: String) {
            switch text.lowercased() {
            case "delay": self = .delay
            case "drop": self = .drop
            case "bogus_next": self = .bogusNext
            case "cycle_next": self = .cycleNext
            case "near_limit": self = .nearLimit
            case "pipeline_failed": self = .pipelineResult("FAILED")
            case "pipeline_error": self = .pipelineResult("ERROR")
            case "pipeline_stopped": self = .pipelineResult("STOPPED")
            default:
                guard let status = Int(text), (400...599).contains(status) else { return nil }
                self = .status(status)
            }
        }

        var name: String {
            switch self {
            case .status(let status): return String(status)
            case .delay: return "delay"
            case .drop: return "drop"
            case .bogusNext: return "bogus_next"
            case .cycleNext: return "cycle_next"
            case .nearLimit: return "near_limit"
            case .pipelineResult(let result): return "pipeline_\(result.lowercased())"
            }
        }
    }

    public var id: Int
    public var method: String?
    public var pathPrefix: String
    /// A route ending in `$` matches its path exactly instead of as a prefix.
    public var exact: Bool
    public var kind: Kind
    /// Matching requests still to fault; nil faults every matching request until cleared.
    public var remaining: Int?
    /// Matching requests to let through before the first fault (e.g. fail only page 3).
    public var skip: Int
    public var delayMilliseconds: Int
    public var retryAfterSeconds: Int?
    public var applied: Int = 0

    /// Reads the control endpoint's JSON: `{"route":"GET /2.0/repositories/acme","fault":"429","count":2,
    /// "skip":0,"delay_ms":500,"retry_after":1}`.
    static func parse(_ json: JSON, id: Int) throws -> Fault {
        guard let route = json["route"]?.stringValue else { throw APIError.badRequest("fault needs \"route\", e.g. \"GET /2.0/user\"") }
        guard let kindText = json["fault"]?.stringValue ?? json["fault"]?.intValue.map(String.init),
            let kind = Kind(kindText)
        else {
            throw APIError.badRequest(
                "fault needs \"fault\": an HTTP status (\"429\", \"500\", \"503\", ...), \"delay\", \"drop\", "
                    + "\"bogus_next\", \"cycle_next\" or \"near_limit\"")
        }
        let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
        var method: String? = parts.count == 2 ? parts[0].uppercased() : nil
        if method == "*" { method = nil }
        var path = parts.count == 2 ? parts[1] : parts[0]
        let exact = path.hasSuffix("$")
        if exact { path.removeLast() }
        let count = json["count"]?.intValue ?? 1
        return Fault(
            id: id, method: method, pathPrefix: path, exact: exact, kind: kind, remaining: count < 0 ? nil : count,
            skip: max(0, json["skip"]?.intValue ?? 0), delayMilliseconds: max(0, json["delay_ms"]?.intValue ?? 1000),
            retryAfterSeconds: json["retry_after"]?.intValue)
    }

    func matches(method: String, path: String) -> Bool {
        if let wanted = self.method, wanted != method { return false }
        return exact ? path == pathPrefix : path.hasPrefix(pathPrefix)
    }

    var json: JSON {
        var object = JSONObject([
            ("id", .int(id)),
            ("route", .string("\(method ?? "*") \(pathPrefix)\(exact ? "$" : "")")),
            ("fault", .string(kind.name)),
            ("remaining", remaining.map { .int($0) } ?? .int(-1)),
            ("skip", .int(skip)),
            ("applied", .int(applied)),
        ])
        if kind == .delay { object["delay_ms"] = .int(delayMilliseconds) }
        if let retry = retryAfterSeconds { object["retry_after"] = .int(retry) }
        return .object(object)
    }
}

/// Active faults, consulted before every REST request. Has its own lock so a delayed or dropped request
/// never holds up the others.
final class FaultRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var faults: [Fault] = []
    private var nextID = 1

    func add(_ json: JSON) throws -> Fault {
        try lock.withLock {
            let fault = try Fault.parse(json, id: nextID)
            nextID += 1
            faults.append(fault)
            return fault
        }
    }

    func clear() { lock.withLock { faults.removeAll() } }

    var all: [Fault] { lock.withLock { faults } }

    /// The fault to apply to this request, consuming one use of it; exhausted faults are dropped.
    func take(method: String, path: String) -> Fault? {
        lock.withLock {
            for index in faults.indices where faults[index].matches(method: method, path: path) {
                if faults[index].skip > 0 {
                    faults[index].skip -= 1
                    continue
                }
                faults[index].applied += 1
                let fault = faults[index]
                if let remaining = faults[index].remaining {
                    if remaining <= 1 { faults.remove(at: index) } else { faults[index].remaining = remaining - 1 }
                }
                return fault
            }
            return nil
        }
    }
}
