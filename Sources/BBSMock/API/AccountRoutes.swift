import Foundation

enum AccountRoutes {
    static let routes: [Route] = [
        Route("GET", "/2.0/user", scope: .account) { context in
            context.json(context.renderer.fullAccount(try context.actor()))
        },
        Route("GET", "/2.0/workspaces", scope: .workspaces) { context in
            let items = context.state.workspaces.map(context.renderer.workspace)
            let filtered = try filterAndSort(items, request: context.request)
            return context.json(try Pagination(context.request).numberedPage(filtered))
        },
        Route("GET", "/2.0/workspaces/{workspace}", scope: .workspaces) { context in
            guard let workspace = context.state.workspace(context.parameter("workspace")) else {
                throw APIError.notFound("No workspace with identifier '\(context.parameter("workspace"))'.")
            }
            return context.json(context.renderer.workspace(workspace))
        },
    ]
}
