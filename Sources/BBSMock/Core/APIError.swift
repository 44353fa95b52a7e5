import Foundation

/// An error that becomes Bitbucket's envelope: `{"type":"error","error":{"message":...,"detail":...}}`.
public struct APIError: Error, Sendable {
    public var status: Int
    public var message: String
    /// A string in most errors; an object (e.g. `required`/`granted` scopes) in some, as on Bitbucket.
    public var detail: JSON?
    public var fields: JSONObject?
    public var extraHeaders: [(name: String, value: String)] = []

    public init(_ status: Int, _ message: String, detail: JSON? = nil, fields: JSONObject? = nil) {
        self.status = status
        self.message = message
        self.detail = detail
        self.fields = fields
    }

    public init(_ status: Int, _ message: String, detail: String, fields: JSONObject? = nil) {
        self.init(status, message, detail: .string(detail), fields: fields)
    }

    public var envelope: JSON {
        var inner = JSONObject([("message", .string(message))])
        if let fields { inner["fields"] = .object(fields) }
        if let detail { inner["detail"] = detail }
        return ["type": "error", "error": .object(inner)]
    }

    public var response: MockResponse {
        var response = MockResponse.json(envelope, status: status)
        for header in extraHeaders { response.setHeader(header.name, header.value) }
        return response
    }

    static func notFound(_ message: String = "Resource not found") -> APIError { APIError(404, message) }

    static func badRequest(_ message: String, detail: String? = nil) -> APIError {
        APIError(400, message, detail: detail.map { .string($0) })
    }

    static func fieldRequired(_ field: String, detail: String? = nil) -> APIError {
        APIError(
            400, "Bad request", detail: detail.map { .string($0) },
            fields: JSONObject([(field, ["This field is required."])]))
    }

    /// Bitbucket's current wording (it replaced "The requested repository either does not exist...").
    static let repositoryNotFound = APIError(
        404,
        "You may not have access to this repository or it no longer exists in this workspace. If you think "
            + "this repository exists and you have access, make sure you are authenticated.")
}
