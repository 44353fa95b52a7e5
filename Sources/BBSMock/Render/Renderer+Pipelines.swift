import Foundation

extension Renderer {
    func pipeline(_ pipeline: MockPipeline, in repository: MockRepository) -> JSON {
        let self_ = "\(repositoryAPI(repository))/pipelines/\(Renderer.pathEscaped(pipeline.uuid))"
        var state = JSONObject([("name", .string(pipeline.status.name))])
        switch pipeline.status {
        case .pending:
            state["type"] = "pipeline_state_pending"
        case .inProgress:
            state["type"] = "pipeline_state_in_progress"
            state["stage"] = ["name": "RUNNING", "type": "pipeline_state_in_progress_running"]
        case .completed(let result):
            state["type"] = "pipeline_state_completed"
            var resultObject = JSONObject([
                ("name", .string(result)), ("type", .string("pipeline_state_completed_\(result.lowercased())")),
            ])
            if let terminator = pipeline.terminatorUUID { resultObject["terminator"] = account(uuid: terminator) }
            state["result"] = .object(resultObject)
        }
        let selectorType = pipeline.refType == "tag" ? "tags" : "branches"
        var object = JSONObject([
            ("type", "pipeline"),
            ("uuid", .string(pipeline.uuid)),
            ("repository", condensedRepository(repository)),
            ("state", .object(state)),
            ("build_number", .int(pipeline.buildNumber)),
            ("run_number", 1),
            ("creator", account(uuid: pipeline.creatorUUID)),
            ("created_on", .string(Timestamps.pipelineStyle(pipeline.createdOn))),
            ("target", [
                "type": "pipeline_ref_target",
                "ref_type": .string(pipeline.refType),
                "ref_name": .string(pipeline.refName),
                "selector": ["type": .string(selectorType), "pattern": .string(pipeline.refName)],
                "commit": commitReference(pipeline.commitHash, in: repository),
            ]),
            ("trigger", [
                "name": .string(pipeline.trigger.rawValue),
                "type": .string("pipeline_trigger_\(pipeline.trigger.rawValue.lowercased())"),
            ]),
            ("build_seconds_used", .int(pipeline.buildSecondsUsed)),
            ("duration_in_seconds", .int(pipeline.buildSecondsUsed)),
            ("first_successful", false),
            ("expired", false),
            ("has_variables", false),
            ("links", ["self": link(self_), "steps": link(self_ + "/steps/")]),
        ])
        if let completedOn = pipeline.completedOn {
            object["completed_on"] = .string(Timestamps.pipelineStyle(completedOn))
        }
        return .object(object)
    }
}
