// Where a script's secrets may go (docs/builtins.md, "Secrets").
//
// - An HTTP request may carry a secret (in a header, the query or the body) to the configured API
//   origin and the git origin, and to the origins the script granted that secret:
//   `token.env(NAME, {hosts: [...]})` (also token.file/token.prompt) or `auth.allow(secret, origin)`.
//   Anything else is refused before a byte is sent, naming the origin.
// - Only over https, loopback aside; a grant of a plain-http origin elsewhere is refused too.
// - The transport then drops secret headers on a cross-origin redirect, refuses to carry a secret
//   body across origins, and keeps secrets from proxies off this machine (Transport.swift).
// - The real text of each secret part is registered with the redactor as it leaves, so a trace of
//   a derived secret (`t.lower()` in a header) is masked like the secret itself.

import BBSLanguage
import BBSTransport
import Foundation

/// The secrets one request carries, collected while its headers, query and body are built.
struct SecretCarriage {
    private(set) var sources: [SecretSource] = []
    private(set) var texts: [String] = []
    /// Lower-case names of headers that hold a secret.
    var headerNames: Set<String> = []
    /// A secret in the query or body.
    var inPayload = false

    var isEmpty: Bool { sources.isEmpty }

    mutating func add(_ secret: SecretValue) {
        add(secret.sources, texts: secret.secretTexts)
    }

    mutating func add(_ from: [SecretSource], texts more: [String]) {
        for s in from where !sources.contains(where: { $0 === s }) { sources.append(s) }
        texts += more
    }
}

/// Decides whether secrets may go to a URL, and turns grants into origins.
struct SecretPolicy {
    /// The API and git origins: every secret may go there.
    let ownOrigins: [Origin]

    init(network: NetworkOptions) {
        ownOrigins = network.boundOrigins
    }

    /// Throws unless every secret in `carriage` may go to `url`.
    func check(_ carriage: SecretCarriage, url: String, callee: String) throws(ScriptError) {
        guard !carriage.isEmpty else { return }
        guard let origin = Origin(url) else {
            throw ScriptError.runtime(.secret, "\(callee): refusing to send a secret to '\(url)', which is not an http(s) URL")
        }
        let names = carriage.sources.map(\.origin).joined(separator: ", ")
        guard origin.carriesSecretsSafely else {
            throw ScriptError.runtime(.secret, "\(callee): refusing to send a secret (\(names)) over plain http to \(origin); secrets go over https only (loopback aside)")
        }
        if ownOrigins.contains(origin) { return }
        let refused = carriage.sources.filter { !$0.grantedDestinations.contains(origin.description) }
        guard refused.isEmpty else {
            let which = refused.map(\.origin).joined(separator: ", ")
            throw ScriptError.runtime(.secret, "\(callee): refusing to send a secret (\(which)) to \(origin), which is neither the Bitbucket API nor the git origin; grant it with auth.allow(secret, \"\(origin)\") or token.env(NAME, {hosts: [\"\(origin)\"]})")
        }
    }

    /// `text` as the origin a grant names: `https://host[:port]`, or plain http to loopback.
    static func grantedOrigin(_ text: String, callee: String) throws(ScriptError) -> Origin {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let url = URL(string: trimmed), let origin = Origin(url) else {
            throw ScriptError.value("\(callee): '\(text)' is not an origin; write it as \"https://host\" or \"https://host:port\"")
        }
        guard url.path.isEmpty || url.path == "/", url.query == nil, url.fragment == nil, url.user == nil else {
            throw ScriptError.value("\(callee): '\(text)' is not an origin: give only the scheme, host and port, as \"\(origin)\"")
        }
        guard origin.carriesSecretsSafely else {
            throw ScriptError.value("\(callee): '\(text)' is plain http; secrets go over https only (loopback aside)")
        }
        return origin
    }

    /// Grants `origins` (a string or a list of strings) to every source of `secret`.
    static func grant(_ secret: SecretValue, _ origins: Value, callee: String) throws(ScriptError) {
        var texts: [String] = []
        switch origins {
        case .string(let s): texts = [s]
        case .list(let l):
            for item in l.items {
                guard case .string(let s) = item else {
                    throw ScriptError.type("\(callee): origins must be strings, not \(item.typeName)")
                }
                texts.append(s)
            }
        default:
            throw ScriptError.type("\(callee): the origins must be a string or a list of strings, not \(origins.typeName)")
        }
        var granted: [Origin] = []
        for text in texts { granted.append(try grantedOrigin(text, callee: callee)) }
        for source in secret.sources {
            for origin in granted { source.grant(origin.description) }
        }
    }
}

/// The runtime's answers to its interpreters (see BBSLanguage's InterpreterHost): its own secrets
/// and its own script lock, so two runtimes in one process never mix them.
final class RuntimeHost: InterpreterHost {
    let redactor: Redactor
    let lock = ScriptLock()

    init(redactor: Redactor) {
        self.redactor = redactor
    }

    func inheritedEnvironment(_ environment: [String: String]) -> [String: String] {
        environment.filter { !redactor.containsSecret($0.value) && $0.key != "BITBUCKET_TOKEN" }
    }

    func outsideScript<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        try lock.blocking(body)
    }

    func value(ofText text: String, from origin: String) -> Value {
        guard !text.isEmpty, origin == "env BITBUCKET_TOKEN" || redactor.containsSecret(text) else { return .string(text) }
        return .object(SecretValue(text: text, origin: origin))
    }
}

extension Interpreter {
    /// The script lock of the runtime this interpreter belongs to.
    var scriptLock: ScriptLock {
        guard let host = host as? RuntimeHost else { preconditionFailure("a runtime built-in ran in an interpreter without a RuntimeHost") }
        return host.lock
    }
}

/// Process-wide hardening done once at start.
enum ProcessHardening {
    private static let done: Void = {
        // PR_SET_DUMPABLE = 4: no core dump, and no other unprivileged process of this user may
        // ptrace bbs or read its memory through /proc, where the token lives. `prctl` is variadic
        // in C, so Swift cannot call it directly.
        typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
        if let symbol = dlsym(dlopen(nil, RTLD_NOW), "prctl") {
            _ = unsafeBitCast(symbol, to: Prctl.self)(4, 0, 0, 0, 0)
        }
    }()

    static func apply() { _ = done }

    /// PR_GET_DUMPABLE (3): 0 once `apply` ran.
    static func isDumpable() -> Bool {
        typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "prctl") else { return true }
        return unsafeBitCast(symbol, to: Prctl.self)(3, 0, 0, 0, 0) != 0
    }
}
