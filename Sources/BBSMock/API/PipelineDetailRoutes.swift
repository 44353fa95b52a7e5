import Foundation

/// A pipeline's steps and logs, pipelines variables (repository, workspace, deployment environment),
/// environments and deployments.
///
/// Every pipeline has one step, `Build`, whose state follows the pipeline's. Variables keep their value
/// but a secured one never shows it, as on Bitbucket.
enum PipelineDetailRoutes {
    static let pipeline = PipelineRoutes.base + "/{pipeline_uuid}"
    static let repositoryVariables = RepositoryRoutes.repositoryPath + "/pipelines_config/variables"
    static let workspaceVariables = "/2.0/workspaces/{workspace}/pipelines-config/variables"
    static let environments = RepositoryRoutes.repositoryPath + "/environments"
    static let deploymentVariables = RepositoryRoutes.repositoryPath + "/deployments_config/environments/{environment_uuid}/variables"

    static let routes: [Route] = [
        Route("GET", pipeline + "/steps", scope: .pipeline, publicRepositoryRead: true) { context in
            let (repository, index) = try PipelineRoutes.find(context)
            let steps = [context.renderer.step(of: repository.pipelines[index], in: repository)]
            return context.json(try Pagination(context.request).numberedPage(steps))
        },
        Route("GET", pipeline + "/steps/{step_uuid}", scope: .pipeline, publicRepositoryRead: true) { context in
            let (repository, index) = try findStep(context)
            return context.json(context.renderer.step(of: repository.pipelines[index], in: repository))
        },
        Route("GET", pipeline + "/steps/{step_uuid}/log", scope: .pipeline, publicRepositoryRead: true) { context in
            let (repository, index) = try findStep(context)
            let pipeline = repository.pipelines[index]
            var log = "+ git clone --branch=\"\(pipeline.refName)\" --depth 50 \(repository.fullName)\n"
                + "+ git reset --hard \(pipeline.commitHash)\n+ echo \"Building \(repository.slug)\"\nBuilding \(repository.slug)\n"
            if case .completed(let result) = pipeline.status {
                log += result == "SUCCESSFUL" ? "Build finished\n" : "Build \(result.lowercased())\n"
            }
            var response = MockResponse.text(log, contentType: "application/octet-stream")
            response.setHeader("Content-Disposition", "attachment; filename=\"pipelineLog-\(pipeline.buildNumber).txt\"")
            return response
        },
    ] + variableRoutes(repositoryVariables, owner: .repository) + variableRoutes(workspaceVariables, owner: .workspace)
        + variableRoutes(deploymentVariables, owner: .environment, withGet: false) + environmentRoutes

    static let environmentRoutes: [Route] = [
        Route("GET", environments, scope: .pipeline) { context in
            let repository = try context.repository()
            return context.json(try Pagination(context.request).numberedPage(of: repository.environments.sorted { $0.rank < $1.rank }) {
                context.renderer.environment($0, in: repository)
            })
        },
        Route("GET", environments + "/{environment_uuid}", scope: .pipeline) { context in
            let (repository, index) = try findEnvironment(context)
            return context.json(context.renderer.environment(repository.environments[index], in: repository))
        },
        Route("GET", RepositoryRoutes.repositoryPath + "/deployments", scope: .pipeline) { context in
            let repository = try context.repository()
            let deployments = repository.deployments.sorted { $0.createdOn > $1.createdOn }
            return context.json(try Pagination(context.request).numberedPage(of: deployments) {
                context.renderer.deployment($0, in: repository)
            })
        },
        Route("GET", RepositoryRoutes.repositoryPath + "/deployments/{deployment_uuid}", scope: .pipeline) { context in
            let repository = try context.repository()
            let wanted = context.parameter("deployment_uuid")
            guard let deployment = repository.deployments.first(where: { sameUUID($0.uuid, wanted) }) else {
                throw APIError.notFound("Deployment not found")
            }
            return context.json(context.renderer.deployment(deployment, in: repository))
        },
    ]

    static func sameUUID(_ a: String, _ b: String) -> Bool {
        let braces = CharacterSet(charactersIn: "{}")
        return a.trimmingCharacters(in: braces) == b.trimmingCharacters(in: braces)
    }

    static func stepUUID(of pipeline: MockPipeline) -> String { StableID.uuid("step:\(pipeline.uuid)") }

    static func findStep(_ context: RouteContext) throws -> (MockRepository, Int) {
        let (repository, index) = try PipelineRoutes.find(context)
        guard sameUUID(stepUUID(of: repository.pipelines[index]), context.parameter("step_uuid")) else {
            throw APIError.notFound("Step not found")
        }
        return (repository, index)
    }

    static func findEnvironment(_ context: RouteContext) throws -> (MockRepository, Int) {
        let repository = try context.repository()
        guard let index = repository.environments.firstIndex(where: { sameUUID($0.uuid, context.parameter("environment_uuid")) })
        else {
            throw APIError.notFound("Environment not found")
        }
        return (repository, index)
    }

    enum Owner { case repository, workspace, environment }

    /// Reads and writes the variable list that a path names.
    static func variables(_ context: RouteContext, owner: Owner) throws -> [MockVariable] {
        switch owner {
        case .repository: return try context.repository().variables
        case .workspace: return context.state.workspaceVariables[try WorkspaceRoutes.workspace(context).slug] ?? []
        case .environment:
            let (repository, index) = try findEnvironment(context)
            return repository.environments[index].variables
        }
    }

    static func store(_ variables: [MockVariable], _ context: RouteContext, owner: Owner) throws {
        switch owner {
        case .repository: try context.repository().variables = variables
        case .workspace: context.state.workspaceVariables[try WorkspaceRoutes.workspace(context).slug] = variables
        case .environment:
            let (repository, index) = try findEnvironment(context)
            repository.environments[index].variables = variables
        }
    }

    static func variableRoutes(_ base: String, owner: Owner, withGet: Bool = true) -> [Route] {
        var routes = [
            Route("GET", base, scope: .pipeline) { context in
                let list = try variables(context, owner: owner)
                return context.json(try Pagination(context.request).numberedPage(of: list) { context.renderer.variable($0) })
            },
            Route("POST", base, scope: .pipelineVariable) { context in
                var list = try variables(context, owner: owner)
                let body = try context.jsonBody()
                guard let key = body["key"]?.stringValue, !key.isEmpty else { throw APIError.fieldRequired("key") }
                guard key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !(key.first?.isNumber ?? true) else {
                    throw APIError(400, "Bad request", detail: "key: Variable names may contain only letters, digits and underscores.",
                        fields: JSONObject([("key", ["Variable names may contain only letters, digits and underscores."])]))
                }
                if list.contains(where: { $0.key == key }) {
                    throw APIError(409, "Variable with key \(key) already exists.")
                }
                let variable = MockVariable(
                    uuid: context.state.newUUID("variable"), key: key, value: body["value"]?.stringValue ?? "",
                    secured: body["secured"]?.boolValue ?? false)
                list.append(variable)
                try store(list, context, owner: owner)
                return context.json(context.renderer.variable(variable), status: 201)
            },
            Route("PUT", base + "/{variable_uuid}", scope: .pipelineVariable) { context in
                var list = try variables(context, owner: owner)
                let index = try findVariable(list, context)
                let body = try context.jsonBody()
                if let key = body["key"]?.stringValue { list[index].key = key }
                if let value = body["value"]?.stringValue { list[index].value = value }
                if let secured = body["secured"]?.boolValue { list[index].secured = secured }
                try store(list, context, owner: owner)
                return context.json(context.renderer.variable(list[index]))
            },
            Route("DELETE", base + "/{variable_uuid}", scope: .pipelineVariable) { context in
                var list = try variables(context, owner: owner)
                list.remove(at: try findVariable(list, context))
                try store(list, context, owner: owner)
                return .noContent()
            },
        ]
        if withGet {
            routes.append(Route("GET", base + "/{variable_uuid}", scope: .pipeline) { context in
                let list = try variables(context, owner: owner)
                return context.json(context.renderer.variable(list[try findVariable(list, context)]))
            })
        }
        return routes
    }

    static func findVariable(_ list: [MockVariable], _ context: RouteContext) throws -> Int {
        guard let index = list.firstIndex(where: { sameUUID($0.uuid, context.parameter("variable_uuid")) }) else {
            throw APIError.notFound("Variable not found")
        }
        return index
    }
}

extension Renderer {
    func step(of pipeline: MockPipeline, in repository: MockRepository) -> JSON {
        let state: JSON
        switch pipeline.status {
        case .pending:
            state = ["name": "PENDING", "type": "pipeline_step_state_pending"]
        case .inProgress:
            state = ["name": "IN_PROGRESS", "type": "pipeline_step_state_in_progress"]
        case .completed(let result):
            state = ["name": "COMPLETED", "type": "pipeline_step_state_completed",
                     "result": ["name": .string(result), "type": .string("pipeline_step_state_completed_\(result.lowercased())")]]
        }
        let uuid = PipelineDetailRoutes.stepUUID(of: pipeline)
        let self_ = "\(repositoryAPI(repository))/pipelines/\(Renderer.pathEscaped(pipeline.uuid))/steps/\(Renderer.pathEscaped(uuid))"
        return [
            "type": "pipeline_step",
            "uuid": .string(uuid),
            "name": "Build",
            "run_number": 1,
            "maxTime": 120,
            "trigger": ["type": "pipeline_step_trigger_automatic"],
            "teardown_commands": [],
            "pipeline": ["type": "pipeline", "uuid": .string(pipeline.uuid)],
            "state": state,
            "image": ["name": "atlassian/default-image:4"],
            "setup_commands": [["commandType": "user", "name": "git clone", "command": "git clone"]],
            "script_commands": [["commandType": "user", "name": "echo \"Building\"", "command": "echo \"Building\""]],
            "started_on": pipeline.startedOn.map { .string(Timestamps.pipelineStyle($0)) } ?? .null,
            "completed_on": pipeline.completedOn.map { .string(Timestamps.pipelineStyle($0)) } ?? .null,
            "duration_in_seconds": .int(pipeline.buildSecondsUsed),
            "build_seconds_used": .int(pipeline.buildSecondsUsed),
            "links": ["self": link(self_), "log": link(self_ + "/log")],
        ]
    }

    func variable(_ variable: MockVariable) -> JSON {
        var object = JSONObject([
            ("type", "pipeline_variable"), ("uuid", .string(variable.uuid)), ("key", .string(variable.key)),
            ("secured", .bool(variable.secured)),
        ])
        if !variable.secured { object["value"] = .string(variable.value) }
        return .object(object)
    }

    func environment(_ environment: MockEnvironment, in repository: MockRepository) -> JSON {
        [
            "type": "deployment_environment",
            "uuid": .string(environment.uuid),
            "name": .string(environment.name),
            "slug": .string(environment.name.lowercased()),
            "rank": .int(environment.rank),
            "environment_type": ["type": "deployment_environment_type", "name": .string(environment.type),
                                 "rank": .int(["Test": 0, "Staging": 1, "Production": 2][environment.type] ?? 0)],
            "deployment_gate_enabled": false,
            "environment_lock_enabled": true,
            "hidden": false,
            "restrictions": ["type": "deployment_restrictions_configuration", "admin_only": false],
            "lock": ["type": "deployment_environment_lock_open", "name": "OPEN"],
            "links": ["self": link("\(repositoryAPI(repository))/environments/\(Renderer.pathEscaped(environment.uuid))")],
        ]
    }

    func deployment(_ deployment: MockDeployment, in repository: MockRepository) -> JSON {
        let environment = repository.environments.first { PipelineDetailRoutes.sameUUID($0.uuid, deployment.environmentUUID) }
        return [
            "type": "deployment",
            "uuid": .string(deployment.uuid),
            "state": ["type": "deployment_state_completed", "name": .string(deployment.state),
                      "status": ["type": "deployment_state_completed_status_successful", "name": "SUCCESSFUL"]],
            "environment": ["type": "deployment_environment", "uuid": .string(deployment.environmentUUID),
                            "name": .optional(environment?.name)],
            "release": [
                "type": "deployment_release", "uuid": .string(StableID.uuid("release:\(deployment.uuid)")),
                "name": .string(String(deployment.commitHash.prefix(7))),
                "commit": commitReference(deployment.commitHash, in: repository),
                "pipeline": ["type": "pipeline", "uuid": .string(deployment.pipelineUUID)],
                "created_on": .string(Timestamps.pipelineStyle(deployment.createdOn)),
            ],
            "last_update_time": .string(Timestamps.pipelineStyle(deployment.createdOn)),
            "links": ["self": link("\(repositoryAPI(repository))/deployments/\(Renderer.pathEscaped(deployment.uuid))")],
        ]
    }
}
