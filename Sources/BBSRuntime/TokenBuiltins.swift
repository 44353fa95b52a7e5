// `token.env`, `token.file`: secrets from the environment or a file. The secret's text
// never reaches a script; errors name the variable or file, never the value.

import BBSLanguage
import Foundation

enum TokenBuiltins {
    static func install(into interpreter: Interpreter, environment: [String: String]) {
        let token = interpreter.builtinModule("token")
        token.define("env", arity: 1...1) { args, _ throws(ScriptError) in
            let name = try args.string(0, "the variable name")
            guard let text = environment[name] else {
                throw ScriptError.runtime("auth", "token.env: environment variable \(name) is not set")
            }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else {
                throw ScriptError.runtime("auth", "token.env: environment variable \(name) is empty")
            }
            return .object(SecretValue(text: trimmed, origin: "env \(name)"))
        }
        token.define("file", arity: 1...1) { args, _ throws(ScriptError) in
            let path = try args.string(0, "the path")
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ScriptError.runtime("io", "token.file: cannot read '\(path)'")
            }
            guard let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
                throw ScriptError.runtime("auth", "token.file: '\(path)' holds no token")
            }
            return .object(SecretValue(text: text, origin: "file \(path)"))
        }
    }
}
