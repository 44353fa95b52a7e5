// `token.env`, `token.file`, `token.prompt`: secrets from the environment, a file or the
// terminal. The secret's text never reaches a script; errors name the variable or file,
// never the value. Every secret is registered with the redactor as it is created, so its
// text is masked in all output even if a server echoes it back. `{hosts: [...]}` grants the
// secret origins besides Bitbucket's (a second service with its own token; SecretRules.swift).

import BBSLanguage
import Foundation

enum TokenBuiltins {
    static func install(into interpreter: Interpreter, environment: [String: String], register: @escaping (String) -> Void) {
        let token = interpreter.builtinModule("token")
        token.define("env", arity: 1...2) { args, _ throws(ScriptError) in
            let name = try args.string(0, "the variable name")
            guard let text = environment[name] else {
                throw ScriptError.runtime(.auth, "token.env: environment variable \(name) is not set")
            }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else {
                throw ScriptError.runtime(.auth, "token.env: environment variable \(name) is empty")
            }
            register(trimmed)
            return try granted(SecretValue(text: trimmed, origin: "env \(name)"), args, 1)
        }
        token.define("file", arity: 1...2) { args, _ throws(ScriptError) in
            let path = try args.string(0, "the path")
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ScriptError.runtime(.io, "token.file: cannot read '\(path)'")
            }
            guard let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
                throw ScriptError.runtime(.auth, "token.file: '\(path)' holds no token")
            }
            register(text)
            return try granted(SecretValue(text: text, origin: "file \(path)"), args, 1)
        }
        token.define("prompt", arity: 0...2) { args, interp throws(ScriptError) in
            let label = try args.string(0, default: "Token", "the label")
            interp.out.flush()
            interp.err.flush()
            let text = try interp.scriptLock.blocking { () throws(ScriptError) -> String in
                try TerminalPrompt.readHidden(label: label)
            }
            guard !text.isEmpty else {
                throw ScriptError.runtime(.auth, "token.prompt: no token was entered")
            }
            register(text)
            return try granted(SecretValue(text: text, origin: "prompt \(label)"), args, 1)
        }
    }

    /// `{hosts: [...]}`: the origins besides Bitbucket's that this secret may be sent to.
    private static func granted(_ secret: SecretValue, _ args: Arguments, _ i: Int) throws(ScriptError) -> Value {
        if let options = try args.options(i) {
            for key in options.entries.keys where key != "hosts" {
                throw ScriptError.value("\(args.callee): unknown option '\(key)' (allowed: hosts)")
            }
            switch options.entries["hosts"] {
            case nil, .null?: break
            case let hosts?: try SecretPolicy.grant(secret, hosts, callee: args.callee)
            }
        }
        return .object(secret)
    }
}
