import Foundation

enum PipelineRoutes {
    static let base = RepositoryRoutes.repositoryPath + "/pipelines"

    static let routes: [Route] = [
        Route("GET", base, scope: .pipeline, publicRepositoryRead: true, list),
        Route("POST", base, scope: .pipelineWrite, trigger),
        Route("GET", base + "/{pipeline_uuid}", scope: .pipeline, publicRepositoryRead: true, get),
        Route("POST", base + "/{pipeline_uuid}/stopPipeline", scope: .pipelineStop) { context in
            let (repository, index) = try find(context)
            guard repository.pipelines[index].status.name != "COMPLETED" else {
                throw APIError.badRequest("Pipeline is already completed", detail: "Only a pending or running pipeline can be stopped.")
            }
            repository.pipelines[index].status = .completed(result: "STOPPED")
            repository.pipelines[index].terminatorUUID = try context.actor().uuid
            repository.pipelines[index].completedOn = context.now
            repository.pipelines[index].readsUntilDone = nil
            return .noContent()
        },
    ]

    /// Oldest first, as Bitbucket lists pipelines unless `sort=-created_on` is given; the documented
    /// filters `target.ref_name`, `target.branch`, `status` and `trigger_type` apply.
    static func list(_ context: RouteContext) throws -> MockResponse {
        let repository = try context.repository()
        let request = context.request
        var pipelines = repository.pipelines.sorted { $0.buildNumber < $1.buildNumber }
        if let name = request.queryValue("target.ref_name") ?? request.queryValue("target.branch") {
            pipelines = pipelines.filter { $0.refName == name }
        }
        if let status = request.queryValue("status")?.uppercased() {
            pipelines = pipelines.filter { pipeline in
                if case .completed(let result) = pipeline.status, result == status { return true }
                return pipeline.status.name == status
            }
        }
        if let trigger = request.queryValue("trigger_type")?.uppercased() {
            pipelines = pipelines.filter { $0.trigger.rawValue == trigger }
        }
        return context.json(try Pagination(request).numberedPage(of: pipelines) { context.renderer.pipeline($0, in: repository) })
    }

    static func find(_ context: RouteContext) throws -> (MockRepository, Int) {
        let repository = try context.repository()
        let wanted = context.parameter("pipeline_uuid").trimmingCharacters(in: CharacterSet(charactersIn: "{}"))
        guard let index = repository.pipelines.firstIndex(where: {
            $0.uuid.trimmingCharacters(in: CharacterSet(charactersIn: "{}")) == wanted || String($0.buildNumber) == wanted
        }) else {
            throw APIError.notFound("Pipeline not found")
        }
        return (repository, index)
    }

    static func get(_ context: RouteContext) throws -> MockResponse {
        let (repository, index) = try find(context)
        advance(&repository.pipelines[index], now: context.now)
        return context.json(context.renderer.pipeline(repository.pipelines[index], in: repository))
    }

    /// A triggered pipeline goes PENDING → IN_PROGRESS → COMPLETED/SUCCESSFUL, one step per read.
    static func advance(_ pipeline: inout MockPipeline, now: Date) {
        guard let remaining = pipeline.readsUntilDone else { return }
        if remaining <= 1 {
            pipeline.status = .completed(result: pipeline.finalResult)
            pipeline.completedOn = now
            pipeline.buildSecondsUsed = max(1, Int(now.timeIntervalSince(pipeline.createdOn)))
            pipeline.readsUntilDone = nil
        } else {
            pipeline.status = .inProgress
            pipeline.startedOn = pipeline.startedOn ?? now
            pipeline.readsUntilDone = remaining - 1
        }
    }

    static func trigger(_ context: RouteContext) throws -> MockResponse {
        let repository = try context.repository()
        let body = try context.jsonBody()
        guard let target = body["target"], target.objectValue != nil else {
            throw APIError.fieldRequired("target", detail: "A pipeline needs a target.")
        }
        let refType = target["ref_type"]?.stringValue?.lowercased() ?? "branch"
        var refName = target["ref_name"]?.stringValue ?? ""
        var hash = target.value(atPath: "commit.hash")?.stringValue
        if target["type"]?.stringValue == "pipeline_commit_target" || (refName.isEmpty && hash != nil) {
            guard let revision = hash, let resolved = try repository.content.resolve(revision) else {
                throw APIError.badRequest("Not found", detail: "Commit \(hash ?? "") does not exist.")
            }
            hash = resolved
            refName = refName.isEmpty ? resolved : refName
        } else {
            guard ["branch", "tag", "named_branch"].contains(refType), !refName.isEmpty else {
                throw APIError.badRequest("Invalid target", detail: "target.ref_type must be branch or tag and target.ref_name is required.")
            }
            let found = refType == "tag" ? try repository.content.tag(named: refName)?.target
                : try repository.content.branch(named: refName)?.target
            guard let head = found else {
                throw APIError.badRequest("Not found", detail: "Could not find \(refType) \"\(refName)\".")
            }
            hash = hash.flatMap { try? repository.content.resolve($0) } ?? head
        }
        let buildNumber = repository.nextBuildNumber
        var pipeline = MockPipeline(
            uuid: StableID.uuid("pipeline:\(repository.fullName)#\(buildNumber)"), buildNumber: buildNumber,
            creatorUUID: try context.actor().uuid, refType: refType == "tag" ? "tag" : "branch", refName: refName,
            commitHash: hash ?? "", trigger: .manual, status: .pending, createdOn: context.now, completedOn: nil,
            buildSecondsUsed: 0, readsUntilDone: 2)
        if case .pipelineResult(let result)? = context.fault {
            pipeline.finalResult = result
        } else {
            pipeline.finalResult = repository.triggeredPipelineResult
        }
        repository.pipelines.append(pipeline)
        var response = context.json(context.renderer.pipeline(pipeline, in: repository), status: 201)
        response.setHeader("Location", "\(context.renderer.repositoryAPI(repository))/pipelines/\(Renderer.pathEscaped(pipeline.uuid))")
        return response
    }
}
