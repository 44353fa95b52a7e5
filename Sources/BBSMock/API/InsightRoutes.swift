import Foundation

/// Code Insights: reports on a commit and their annotations, as CI tools post them. A report is named by
/// its `external_id` (or its uuid); `PUT` creates or replaces it. Annotations are posted in bulk (a list,
/// at most 100 per request and 1000 per report) and named by `external_id` too. The OpenAPI document
/// asks only `repository` (read) for all of it, writes included.
enum InsightRoutes {
    static let reports = RepositoryRoutes.repositoryPath + "/commit/{commit}/reports"
    static let annotations = reports + "/{reportId}/annotations"

    static let reportTypes = ["SECURITY", "COVERAGE", "TEST", "BUG"]
    static let reportResults = ["PASSED", "FAILED", "PENDING"]
    static let annotationTypes = ["VULNERABILITY", "CODE_SMELL", "BUG"]
    static let annotationResults = ["PASSED", "FAILED", "SKIPPED", "IGNORED"]
    static let severities = ["CRITICAL", "HIGH", "MEDIUM", "LOW"]

    static let routes: [Route] = [
        Route("GET", reports, scope: .repository, publicRepositoryRead: true) { context in
            let repository = try context.repository()
            let hash = try CommitStatusRoutes.commit(context, repository)
            let list = repository.reports.filter { $0.commitHash == hash }
            return context.json(try Pagination(context.request).numberedPage(of: list) { context.renderer.report($0, in: repository) })
        },
        Route("PUT", reports + "/{reportId}", scope: .repository, putReport),
        Route("GET", reports + "/{reportId}", scope: .repository, publicRepositoryRead: true) { context in
            let (repository, index) = try findReport(context)
            return context.json(context.renderer.report(repository.reports[index], in: repository))
        },
        Route("DELETE", reports + "/{reportId}", scope: .repository) { context in
            let (repository, index) = try findReport(context)
            repository.reports.remove(at: index)
            return .noContent()
        },
        Route("GET", annotations, scope: .repository, publicRepositoryRead: true) { context in
            let (repository, index) = try findReport(context)
            let report = repository.reports[index]
            return context.json(try Pagination(context.request, defaultLength: 50).numberedPage(of: report.annotations) {
                context.renderer.annotation($0, of: report, in: repository)
            })
        },
        Route("POST", annotations, scope: .repository, postAnnotations),
        Route("GET", annotations + "/{annotationId}", scope: .repository, publicRepositoryRead: true) { context in
            let (repository, index, position) = try findAnnotation(context)
            let report = repository.reports[index]
            return context.json(context.renderer.annotation(report.annotations[position], of: report, in: repository))
        },
        Route("PUT", annotations + "/{annotationId}", scope: .repository) { context in
            let (repository, index) = try findReport(context)
            let externalID = context.parameter("annotationId")
            let annotation = try upsert(try context.jsonBody(), externalID: externalID, in: &repository.reports[index], context: context)
            return context.json(context.renderer.annotation(annotation, of: repository.reports[index], in: repository))
        },
        Route("DELETE", annotations + "/{annotationId}", scope: .repository) { context in
            let (repository, index, position) = try findAnnotation(context)
            repository.reports[index].annotations.remove(at: position)
            return .noContent()
        },
    ]

    static func matches(_ id: String, externalID: String, uuid: String) -> Bool {
        id == externalID || PipelineDetailRoutes.sameUUID(id, uuid)
    }

    static func findReport(_ context: RouteContext) throws -> (MockRepository, Int) {
        let repository = try context.repository()
        let hash = try CommitStatusRoutes.commit(context, repository)
        let id = context.parameter("reportId")
        guard let index = repository.reports.firstIndex(where: { $0.commitHash == hash && matches(id, externalID: $0.externalID, uuid: $0.uuid) })
        else {
            throw APIError.notFound("Report \(id) not found")
        }
        return (repository, index)
    }

    static func findAnnotation(_ context: RouteContext) throws -> (MockRepository, Int, Int) {
        let (repository, index) = try findReport(context)
        let id = context.parameter("annotationId")
        guard let position = repository.reports[index].annotations.firstIndex(where: { matches(id, externalID: $0.externalID, uuid: $0.uuid) })
        else {
            throw APIError.notFound("Annotation \(id) not found")
        }
        return (repository, index, position)
    }

    static func invalid(_ field: String, _ message: String) -> APIError {
        APIError(400, "Bad request", detail: "\(field): \(message)", fields: JSONObject([(field, .array([.string(message)]))]))
    }

    static func check(_ body: JSONObject, _ field: String, in allowed: [String], required: Bool = false) throws {
        guard let value = body[field], !value.isNull else {
            if required { throw APIError.fieldRequired(field) }
            return
        }
        guard let text = value.stringValue, allowed.contains(text) else {
            throw invalid(field, "must be one of \(allowed.joined(separator: ", ")).")
        }
    }

    static func putReport(_ context: RouteContext) throws -> MockResponse {
        let repository = try context.repository()
        let hash = try CommitStatusRoutes.commit(context, repository)
        guard var fields = try context.jsonBody().objectValue else {
            throw APIError.badRequest("Bad request", detail: "Expected a JSON object.")
        }
        guard fields["title"]?.stringValue?.isEmpty == false else { throw APIError.fieldRequired("title") }
        try check(fields, "report_type", in: reportTypes, required: true)
        try check(fields, "result", in: reportResults)
        if let data = fields["data"]?.arrayValue, data.count > 10 { throw invalid("data", "at most 10 data fields.") }
        for key in ["uuid", "created_on", "updated_on", "type", "commit_hash", "external_id"] { fields[key] = nil }
        let id = context.parameter("reportId")
        if let index = repository.reports.firstIndex(where: { $0.commitHash == hash && matches(id, externalID: $0.externalID, uuid: $0.uuid) }) {
            repository.reports[index].fields = fields
            repository.reports[index].updatedOn = context.now
            repository.reports[index].annotations = []
            return context.json(context.renderer.report(repository.reports[index], in: repository))
        }
        let report = MockReport(
            commitHash: hash, externalID: id, uuid: context.state.newUUID("report"), fields: fields, createdOn: context.now,
            updatedOn: context.now)
        repository.reports.append(report)
        return context.json(context.renderer.report(report, in: repository))
    }

    static func postAnnotations(_ context: RouteContext) throws -> MockResponse {
        let (repository, index) = try findReport(context)
        guard let list = try context.jsonBody().arrayValue else {
            throw APIError.badRequest("Bad request", detail: "Expected a JSON list of annotations.")
        }
        guard list.count <= 100 else { throw APIError.badRequest("Bad request", detail: "At most 100 annotations per request.") }
        var created: [MockAnnotation] = []
        for item in list {
            guard let externalID = item["external_id"]?.stringValue, !externalID.isEmpty else {
                throw APIError.fieldRequired("external_id")
            }
            created.append(try upsert(item, externalID: externalID, in: &repository.reports[index], context: context))
        }
        guard repository.reports[index].annotations.count <= 1000 else {
            throw APIError.badRequest("Bad request", detail: "A report holds at most 1000 annotations.")
        }
        let report = repository.reports[index]
        return context.json(.array(created.map { context.renderer.annotation($0, of: report, in: repository) }))
    }

    static func upsert(_ body: JSON, externalID: String, in report: inout MockReport, context: RouteContext) throws -> MockAnnotation {
        guard var fields = body.objectValue else { throw APIError.badRequest("Bad request", detail: "Expected a JSON object.") }
        guard fields["summary"]?.stringValue?.isEmpty == false else { throw APIError.fieldRequired("summary") }
        try check(fields, "annotation_type", in: annotationTypes, required: true)
        try check(fields, "result", in: annotationResults)
        try check(fields, "severity", in: severities)
        if let line = fields["line"], !line.isNull {
            guard let number = line.intValue, number >= 1 else { throw invalid("line", "must be a positive integer.") }
        }
        for key in ["uuid", "created_on", "updated_on", "type", "external_id"] { fields[key] = nil }
        if let position = report.annotations.firstIndex(where: { $0.externalID == externalID }) {
            report.annotations[position].fields = fields
            report.annotations[position].updatedOn = context.now
            return report.annotations[position]
        }
        let annotation = MockAnnotation(
            externalID: externalID, uuid: context.state.newUUID("annotation"), fields: fields, createdOn: context.now,
            updatedOn: context.now)
        report.annotations.append(annotation)
        return annotation
    }
}

extension Renderer {
    func report(_ report: MockReport, in repository: MockRepository) -> JSON {
        var object = report.fields
        object["type"] = "report"
        object["uuid"] = .string(report.uuid)
        object["external_id"] = .string(report.externalID)
        object["commit_hash"] = .string(report.commitHash)
        if object["result"] == nil { object["result"] = "PENDING" }
        object["created_on"] = .string(Timestamps.objectStyle(report.createdOn))
        object["updated_on"] = .string(Timestamps.objectStyle(report.updatedOn))
        return .object(object)
    }

    func annotation(_ annotation: MockAnnotation, of report: MockReport, in repository: MockRepository) -> JSON {
        var object = annotation.fields
        object["type"] = "report_annotation"
        object["uuid"] = .string(annotation.uuid)
        object["external_id"] = .string(annotation.externalID)
        object["created_on"] = .string(Timestamps.objectStyle(annotation.createdOn))
        object["updated_on"] = .string(Timestamps.objectStyle(annotation.updatedOn))
        return .object(object)
    }
}
