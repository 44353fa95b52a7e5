// `token.env`, `token.file`, `token.prompt`: secrets from the environment, a file or the
// terminal. The secret's text never reaches a script; errors name the variable or file,
// never the value. Every secret is registered with the redactor as it is created, so its
// text is masked in all output even if a server echoes it back.

import BBSLanguage
import Foundation

enum TokenBuiltins {
    static func install(into interpreter: Interpreter, environment: [String: String], register: @escaping (String) -> Void) {
        let token = interpreter.builtinModule("token")
        token.define("env", arity: 1...1) { args, _ throws(ScriptError) in
            let name = try args.string(0, "the variable name")
            guard let text = environment[name] else {
                throw ScriptError.runtime(.auth, "token.env: environment variable \(name) is not set")
            }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else {
                throw ScriptError.runtime(.auth, "token.env: environment variable \(name) is empty")
            }
            register(trimmed)
            return .object(SecretValue(text: trimmed, origin: "env \(name)"))
        }
        token.define("file", arity: 1...1) { args, _ throws(ScriptError) in
            let path = try args.string(0, "the path")
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ScriptError.runtime(.io, "token.file: cannot read '\(path)'")
            }
            guard let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
                throw ScriptError.runtime(.auth, "token.file: '\(path)' holds no token")
            }
            register(text)
            return .object(SecretValue(text: text, origin: "file \(path)"))
        }
        token.define("prompt", arity: 0...1) { args, interp throws(ScriptError) in
            let label = try args.string(0, default: "Token", "the label")
            interp.out.flush()
            interp.err.flush()
            let text = try ScriptLock.shared.blocking { () throws(ScriptError) -> String in
                try TerminalPrompt.readHidden(label: label)
            }
            guard !text.isEmpty else {
                throw ScriptError.runtime(.auth, "token.prompt: no token was entered")
            }
            register(text)
            return .object(SecretValue(text: text, origin: "prompt \(label)"))
        }
    }
}
