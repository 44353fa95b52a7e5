import Foundation

/// `/_mock/...`: switches faults, reads the request log, resets and seeds state at run time. No
/// authentication: only tests talk to it, on loopback.
struct ControlAPI {
    let service: MockService

    static let usage: JSON = [
        "endpoints": [
            "POST /_mock/faults": "add a fault: {\"route\":\"GET /2.0/repositories/acme\",\"fault\":\"429|500|503|delay|drop|bogus_next|cycle_next|near_limit\",\"count\":1,\"skip\":0,\"delay_ms\":1000,\"retry_after\":2}; a list adds several",
            "GET /_mock/faults": "active faults",
            "DELETE /_mock/faults": "remove every fault",
            "GET /_mock/requests": "recorded REST and git requests (?since=SEQ for newer ones only)",
            "DELETE /_mock/requests": "forget recorded requests",
            "POST /_mock/reset": "restore the initial state; clear faults and the request log",
            "POST /_mock/seed": "{\"workspace\":\"big\",\"repositories\":1200} or {\"repo\":\"acme/api\",\"commits\":1500,\"branches\":0,\"tags\":0,\"pullrequests\":0,\"pipelines\":0}",
            "GET /_mock/health": "liveness",
        ]
    ]

    func handle(_ request: MockRequest) -> MockResponse {
        do {
            return try route(request)
        } catch let error as APIError {
            return error.response
        } catch {
            return APIError(500, "Control request failed", detail: .string(String(describing: error))).response
        }
    }

    private func route(_ request: MockRequest) throws -> MockResponse {
        let path = request.pathSegments.dropFirst().joined(separator: "/")
        switch (request.method, path) {
        case ("GET", ""), ("GET", "help"):
            return .json(Self.usage)
        case ("GET", "health"):
            return .json(["status": "ok"])
        case ("GET", "faults"):
            return .json(["faults": .array(service.faults.all.map(\.json))])
        case ("POST", "faults"):
            let body = try parseBody(request)
            let specs = body.arrayValue ?? [body]
            let added = try specs.map { try service.faults.add($0).json }
            return .json(body.arrayValue == nil ? added[0] : ["faults": .array(added)], status: 201)
        case ("DELETE", "faults"):
            service.faults.clear()
            return .noContent()
        case ("GET", "requests"):
            return .json(service.requestLog.json(since: Int(request.queryValue("since") ?? "") ?? 0))
        case ("DELETE", "requests"):
            service.requestLog.clear()
            return .noContent()
        case ("POST", "reset"):
            try service.reset()
            return .json(["status": "reset"])
        case ("POST", "seed"):
            let body = try parseBody(request)
            return .json(try service.seed(body), status: 201)
        default:
            return APIError.notFound("Unknown control endpoint \(request.method) /_mock/\(path); GET /_mock/help lists them").response
        }
    }

    private func parseBody(_ request: MockRequest) throws -> JSON {
        do {
            return try JSON.parse(request.body.isEmpty ? Data("{}".utf8) : request.body)
        } catch {
            throw APIError.badRequest("Body is not valid JSON", detail: "\(error)")
        }
    }
}
