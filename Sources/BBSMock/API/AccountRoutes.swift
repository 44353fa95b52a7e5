import Foundation

enum AccountRoutes {
    static let routes: [Route] = [
        Route("GET", "/2.0/user", scope: .account) { context in
            context.json(context.renderer.fullAccount(try context.actor()))
        },
        Route("GET", "/2.0/workspaces", scope: .workspaces) { context in
            context.json(try Pagination(context.request).numberedPage(of: context.state.workspaces, render: context.renderer.workspace))
        },
        // The replacement for the deprecated `/workspaces`: one workspace_access entry per workspace.
        Route("GET", "/2.0/user/workspaces", scope: .workspaceAccess) { context in
            context.json(try Pagination(context.request).numberedPage(of: context.state.workspaces) { workspace in
                ["type": "workspace_access", "administrator": false, "workspace": context.renderer.workspaceBase(workspace)]
            })
        },
        Route("GET", "/2.0/workspaces/{workspace}", scope: .workspaces) { context in
            guard let workspace = context.state.workspace(context.parameter("workspace")) else {
                throw APIError.notFound("No workspace with identifier '\(context.parameter("workspace"))'.")
            }
            return context.json(context.renderer.workspace(workspace))
        },
    ]
}
