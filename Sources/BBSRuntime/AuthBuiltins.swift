// `auth.token(secret)` (an access token: Bearer for the API, `x-token-auth` for git) and
// `auth.basic(user, secret)` (an API token or app password). Either replaces the default
// credential (BITBUCKET_TOKEN) for every later request. A plain string is accepted too; it
// is registered with the redactor at once, so it is masked in all output from then on.
// `auth.allow(secret, origins)` lets a secret go to another service's origin (SecretRules.swift).

import BBSLanguage
import Foundation
import BBSTransport

enum AuthBuiltins {
    static func install(into interpreter: Interpreter, client: APIClient) {
        let auth = interpreter.builtinModule("auth")
        auth.define("token", arity: 1...1) { args, _ throws(ScriptError) in
            let text = try secretText(args, 0, "auth.token")
            client.setCredential(.bearer(token: text))
            return .null
        }
        auth.define("basic", arity: 2...2) { args, _ throws(ScriptError) in
            let user = try args.string(0, "the username")
            guard !user.isEmpty else { throw ScriptError.value("auth.basic: the username must not be empty") }
            let text = try secretText(args, 1, "auth.basic")
            client.setCredential(.basic(username: user, password: text))
            return .null
        }
        auth.define("allow", arity: 2...2) { args, _ throws(ScriptError) in
            guard case .object(let secret as SecretValue) = args[0] else {
                throw args.argumentError(0, "the secret", expected: "a secret (token.env, token.file, token.prompt)")
            }
            try SecretPolicy.grant(secret, args[1], callee: args.callee)
            return .null
        }
    }

    static func secretText(_ args: Arguments, _ i: Int, _ callee: String) throws(ScriptError) -> String {
        let text: String
        switch args[i] {
        case .object(let o as SecretValue): text = o.text
        case .string(let s): text = s.trimmingCharacters(in: .whitespacesAndNewlines)
        default: throw args.argumentError(i, "the token", expected: "a secret (token.env, token.file, token.prompt)")
        }
        guard !text.isEmpty else { throw ScriptError.value("\(callee): the token is empty") }
        return text
    }
}
