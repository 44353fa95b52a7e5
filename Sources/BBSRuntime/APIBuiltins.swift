// The `api` module: `api.get(path, query?)`, `api.post/put/patch(path, body)`,
// `api.delete(path)`, `api.request({method, path, query, headers, body})` and
// `api.paginate(path, query?)`. Paths are relative to the API base (or absolute URLs; the
// credential only goes to the configured hosts).
//
// get/post/put/patch/delete return the parsed JSON body (nil when empty, text when not
// JSON) and raise an error value on an HTTP error. `request` never raises on an HTTP status
// and returns `{status, headers, body}`. Under `--dry-run` writes are not sent; they return
// a value shaped like the real result (see DryRun.swift), and `request` that value as `body`
// with `status: 0, headers: {}`. Paths: see APIPathBuiltins.swift.

import BBSLanguage
import Foundation
import BBSTransport

enum APIBuiltins {
    static func install(into interpreter: Interpreter, client: APIClient) {
        let api = interpreter.builtinModule("api")

        api.define("get", arity: 1...2) { args, interp throws(ScriptError) in
            let path = try APIPathBuiltins.argument(args, 0, interp)
            var secrets = SecretCarriage()
            let query = try APIValues.query(args[1], "api.get", secrets: &secrets)
            return APIValues.body(try client.send(APIRequest(method: "GET", path, query: query), carrying: secrets, callee: "api.get"))
        }
        for method in ["post", "put", "patch"] {
            api.define(method, arity: 1...2) { args, interp throws(ScriptError) in
                let path = try APIPathBuiltins.argument(args, 0, interp)
                var headers = APIHeaders()
                var secrets = SecretCarriage()
                let body = try APIValues.body(args[1], headers: &headers, secrets: &secrets)
                return try write(client, APIRequest(method: method.uppercased(), path, headers: headers, body: body),
                                 path: path, bodyValue: args[1], secrets: secrets, callee: args.callee)
            }
        }
        api.define("delete", arity: 1...1) { args, interp throws(ScriptError) in
            let path = try APIPathBuiltins.argument(args, 0, interp)
            return try write(client, APIRequest(method: "DELETE", path), path: path, bodyValue: .null, callee: args.callee)
        }
        api.define("request", arity: 1...1) { args, interp throws(ScriptError) in
            let spec = try args.map(0, "the request")
            let callee = "api.request"
            _ = try OptionMap(spec, callee: callee, allowed: ["method", "path", "url", "query", "headers", "body"])
            let method: String
            switch spec.entries["method"] ?? .null {
            case .null: method = "GET"
            case .string(let m) where !m.isEmpty && m.allSatisfy({ $0.isLetter }): method = m.uppercased()
            case let v: throw ScriptError.value("\(callee): 'method' must be an HTTP method name, not \(Printer.repr(v))")
            }
            guard case .string(let path)? = spec.entries["path"] ?? spec.entries["url"] else {
                throw ScriptError.type("\(callee): 'path' must be a string")
            }
            try APIPathBuiltins.checkNoNil(path, callee, interp)
            var secrets = SecretCarriage()
            let query = try APIValues.query(spec.entries["query"] ?? .null, callee, secrets: &secrets)
            var headers = try APIValues.headers(spec.entries["headers"] ?? .null, callee, secrets: &secrets)
            let body = try APIValues.body(spec.entries["body"] ?? .null, headers: &headers, secrets: &secrets)
            let request = APIRequest(method: method, path, query: query, headers: headers, body: body,
                                     throwsOnHTTPError: false)
            let response = try client.send(request, carrying: secrets, callee: callee)
            var m = OrderedMap()
            m["status"] = .int(response.status)
            m["headers"] = APIValues.headers(response.headers)
            m["body"] = APIValues.body(response)
            if response.isDryRun {
                client.dryRunPlan.record(method: method, path: path)
                m["body"] = DryRunPlan.result(method: method, path: path, body: spec.entries["body"] ?? .null)
                m["dry_run"] = .bool(true)
                m["method"] = .string(method)
                m["path"] = .string(path)
            }
            return .map(MapRef(m))
        }
        api.define("paginate", arity: 1...2) { args, interp throws(ScriptError) in
            let path = try APIPathBuiltins.argument(args, 0, interp)
            let query = try APIValues.query(args[1], "api.paginate")
            return .object(Pagination.stream(client, path: path, query: query))
        }
        api.define("url", arity: 0...0) { _, _ throws(ScriptError) in
            .string(client.options.apiURL)
        }
        api.members["dry_run"] = .bool(client.isDryRun)
        APIPathBuiltins.install(into: api)
    }

    static func write(_ client: APIClient, _ request: APIRequest, path: String, bodyValue: Value,
                      secrets: SecretCarriage = SecretCarriage(), callee: String = "api") throws(ScriptError) -> Value {
        let response = try client.send(request, carrying: secrets, callee: callee)
        if response.isDryRun {
            client.dryRunPlan.record(method: request.method, path: path)
            return DryRunPlan.result(method: request.method, path: path, body: bodyValue)
        }
        return APIValues.body(response)
    }
}
