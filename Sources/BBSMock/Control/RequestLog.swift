import Foundation

/// Every REST request as it arrived, Authorization included: this is a test server, and tests need to
/// check exactly what a client sent (and where it must not have sent a credential).
final class RequestLog: @unchecked Sendable {
    struct Entry {
        var sequence: Int
        var time: Date
        var method: String
        var path: String
        var query: String
        var headers: [(name: String, value: String)]
        var body: String?
        var status: Int?
        var fault: String?
        /// The Bitbucket operation a `501` stood for.
        var notImplemented: String?
    }

    /// Old entries are forgotten past this, so long benchmarks cannot exhaust memory.
    static let capacity = 20_000
    static let bodyLimit = 64 * 1024

    private let lock = NSLock()
    private var entries: [Entry] = []
    private var nextSequence = 1

    func record(_ request: MockRequest, now: Date) -> Int {
        lock.withLock {
            let body: String? = request.body.isEmpty ? nil
                : String(decoding: request.body.prefix(Self.bodyLimit), as: UTF8.self)
            let entry = Entry(
                sequence: nextSequence, time: now, method: request.method, path: request.rawPath,
                query: request.rawQueryString, headers: request.headers, body: body)
            nextSequence += 1
            entries.append(entry)
            if entries.count > Self.capacity { entries.removeFirst(entries.count - Self.capacity) }
            return entry.sequence
        }
    }

    func complete(_ sequence: Int, status: Int?, fault: String?, notImplemented: String? = nil) {
        lock.withLock {
            guard let index = entries.lastIndex(where: { $0.sequence == sequence }) else { return }
            entries[index].status = status
            entries[index].fault = fault
            entries[index].notImplemented = notImplemented
        }
    }

    func clear() { lock.withLock { entries.removeAll() } }

    func json(since: Int) -> JSON {
        let selected = lock.withLock { entries.filter { $0.sequence > since } }
        return [
            "count": .int(selected.count),
            "requests": .array(selected.map { entry in
                var headers = JSONObject()
                for (name, value) in entry.headers {
                    headers[name] = .string(headers[name]?.stringValue.map { "\($0), \(value)" } ?? value)
                }
                return [
                    "seq": .int(entry.sequence),
                    "time": .string(Timestamps.objectStyle(entry.time)),
                    "method": .string(entry.method),
                    "path": .string(entry.path),
                    "query": .string(entry.query),
                    "headers": .object(headers),
                    "body": .optional(entry.body),
                    "status": entry.status.map { .int($0) } ?? .null,
                    "fault": .optional(entry.fault),
                    "not_implemented": .optional(entry.notImplemented),
                ]
            }),
        ]
    }
}
