// The `git` module: the real git binary, authenticated by the shared core (see
// BBSTransport/GitCredentialBroker.swift for how the token reaches git without touching an
// argument list, a URL, `.git/config` or an environment variable).
//
//   git.clone(repo_or_url, dir?, {branch, depth})   → dir
//   git.fetch(dir, {remote, prune, tags})
//   git.pull(dir, {remote, branch, rebase})          fast-forward only unless rebase
//   git.push(dir, {remote, branch, force, tags})     shown, not run, under --dry-run
//   git.run(dir, [args...], {check})                 → {status, stdout, stderr}
//   git.config(dir, key, value?)                     value omitted: read (nil when unset)
//   git.identity(dir, {name, email})                 local user.name / user.email
//
// Failures throw an error with `kind` auth / permission (exit 4), network (exit 5), not_found,
// conflict or git, the masked `stderr`, `command` and `exit_code`.
// Waiting for git releases the script lock, so `parallel` clones overlap.

import BBSLanguage
import BBSTransport
import Foundation

final class GitModule {
    let client: APIClient
    let gitBase: String
    let options: RuntimeOptions
    unowned let mainInterpreter: Interpreter

    init(client: APIClient, options: RuntimeOptions, mainInterpreter: Interpreter) {
        self.client = client
        self.options = options
        gitBase = options.network.gitBase
        self.mainInterpreter = mainInterpreter
    }

    static func install(into interpreter: Interpreter, client: APIClient, options: RuntimeOptions) {
        let module = GitModule(client: client, options: options, mainInterpreter: interpreter)
        let git = interpreter.builtinModule("git")
        git.define("clone", arity: 1...3) { args, interp throws(ScriptError) in try module.clone(args, interp) }
        git.define("fetch", arity: 1...2) { args, interp throws(ScriptError) in try module.fetch(args, interp) }
        git.define("pull", arity: 1...2) { args, interp throws(ScriptError) in try module.pull(args, interp) }
        git.define("push", arity: 1...2) { args, interp throws(ScriptError) in try module.push(args, interp) }
        git.define("run", arity: 2...3) { args, interp throws(ScriptError) in try module.runCommand(args, interp) }
        git.define("config", arity: 2...3) { args, interp throws(ScriptError) in try module.config(args, interp) }
        git.define("identity", arity: 2...2) { args, interp throws(ScriptError) in try module.identity(args, interp) }
    }

    // MARK: - Operations

    private func clone(_ args: Arguments, _ interp: Interpreter) throws(ScriptError) -> Value {
        let (url, label) = try cloneSource(args)
        let dir = args.isAbsent(1) ? Self.defaultDirectory(for: url) : try args.string(1, "the directory")
        let opts = try args.options(2, allowed: ["branch", "depth"])
        var arguments = ["clone", progressFlag(interp)]
        if let branch = try opts.string("branch") { arguments += ["--branch", branch] }
        if let depth = try opts.int("depth", atLeast: 1) { arguments += ["--depth", String(depth)] }
        arguments += ["--", url, dir]
        let result = try execute("clone", arguments, directory: nil, interp)
        summarize(interp, "git clone \(label) → \(dir)", result)
        return .string(dir)
    }

    private func fetch(_ args: Arguments, _ interp: Interpreter) throws(ScriptError) -> Value {
        let dir = try directory(args)
        let opts = try args.options(1, allowed: ["remote", "prune", "tags"])
        var arguments = ["fetch", progressFlag(interp)]
        if try opts.flag("prune") { arguments.append("--prune") }
        if try opts.flag("tags") { arguments.append("--tags") }
        let remote = try opts.string("remote") ?? "origin"
        arguments.append(remote)
        let result = try execute("fetch", arguments, directory: dir, interp)
        summarize(interp, "git fetch \(remote) (in \(dir))", result)
        return .null
    }

    private func pull(_ args: Arguments, _ interp: Interpreter) throws(ScriptError) -> Value {
        let dir = try directory(args)
        let opts = try args.options(1, allowed: ["remote", "branch", "rebase"])
        // A script must not create merge commits it never asked for: fast-forward or rebase only.
        var arguments = ["pull", progressFlag(interp), try opts.flag("rebase") ? "--rebase" : "--ff-only"]
        let remote = try opts.string("remote") ?? "origin"
        arguments.append(remote)
        if let branch = try opts.string("branch") { arguments.append(branch) }
        let result = try execute("pull", arguments, directory: dir, interp)
        summarize(interp, "git pull \(remote) (in \(dir))", result)
        return .null
    }

    private func push(_ args: Arguments, _ interp: Interpreter) throws(ScriptError) -> Value {
        let dir = try directory(args)
        let opts = try args.options(1, allowed: ["remote", "branch", "tags", "force"])
        var arguments = ["push", progressFlag(interp)]
        if try opts.flag("force") { arguments.append("--force") }
        let remote = try opts.string("remote") ?? "origin"
        var refspecs: [String] = []
        if let branch = try opts.string("branch") { refspecs.append(branch) }
        switch opts.value("tags") {
        case nil, .bool(false)?: break
        case .bool(true)?: arguments.append("--tags")
        case .string(let tag)?: refspecs.append("refs/tags/\(tag)")
        case .list(let tags)?:
            for tag in tags.items {
                guard case .string(let name) = tag else {
                    throw ScriptError.type("git.push: option 'tags' must list tag names as strings, not \(tag.typeName)")
                }
                refspecs.append("refs/tags/\(name)")
            }
        case let other?:
            throw ScriptError.type("git.push: option 'tags' must be a bool, a tag name or a list of tag names, not \(other.typeName)")
        }
        // With neither a branch nor tags, push the branch that is checked out.
        if refspecs.isEmpty && !arguments.contains("--tags") { refspecs.append("HEAD") }
        arguments.append(remote)
        arguments += refspecs
        let shown = "git " + arguments.filter { $0 != "--quiet" && $0 != "--progress" }.joined(separator: " ") + " (in \(dir))"
        if options.network.dryRun {
            interp.err.write("DRY-RUN \(shown)\n")
            return .null
        }
        let result = try execute("push", arguments, directory: dir, interp)
        summarize(interp, shown, result)
        return .null
    }

    private func runCommand(_ args: Arguments, _ interp: Interpreter) throws(ScriptError) -> Value {
        let dir = args.isAbsent(0) ? nil : try args.string(0, "the directory")
        var arguments: [String] = []
        for (i, item) in try args.list(1, "the git arguments").items.enumerated() {
            switch item {
            case .string(let s): arguments.append(s)
            case .int, .float: arguments.append(Printer.display(item))
            case .object(let o as SecretValue):
                throw ScriptError.value("git.run: argument \(i) is a secret (\(o.origin)); an argument list is visible to every user of the machine, so secrets are refused")
            default: throw ScriptError.type("git.run: argument \(i) must be a string, not \(item.typeName)")
            }
        }
        guard !arguments.isEmpty else { throw ScriptError.value("git.run: the argument list is empty") }
        try GitSafety.check(arguments)
        let check = try args.options(2, allowed: ["check"]).flag("check", default: true)
        if options.network.dryRun && arguments.first == "push" {
            interp.err.write("DRY-RUN git \(arguments.joined(separator: " "))\(dir.map { " (in \($0))" } ?? "")\n")
            return Self.resultMap(GitResult(status: 0, stdout: "", stderr: "", elapsed: 0))
        }
        let result = try execute(arguments[0], arguments, directory: dir, interp, check: check,
                                 remote: GitSafety.mayTalkToRemote(arguments))
        return Self.resultMap(result)
    }

    private func config(_ args: Arguments, _ interp: Interpreter) throws(ScriptError) -> Value {
        let dir = try directory(args)
        let key = try args.string(1, "the key")
        // Reading is harmless; setting or unsetting one of these keys is not.
        if args.count >= 3, GitSafety.isGuardedKey(key) { throw GitSafety.guardedKeyError("git.config", key) }
        if args.count < 3 {
            let result = try execute("config", ["config", "--local", "--get", key], directory: dir, interp, check: false, remote: false)
            if result.status == 1 { return .null } // unset
            if result.status != 0 { throw failure("config", ["config", "--get", key], result) }
            return .string(String(result.stdout.dropLast(result.stdout.hasSuffix("\n") ? 1 : 0)))
        }
        if case .null = args.values[2] {
            _ = try execute("config", ["config", "--local", "--unset-all", key], directory: dir, interp, check: false, remote: false)
            return .null
        }
        let value = try plainValue(args, 2, "git.config", "the value")
        _ = try execute("config", ["config", "--local", key, value], directory: dir, interp, remote: false)
        return .null
    }

    private func identity(_ args: Arguments, _ interp: Interpreter) throws(ScriptError) -> Value {
        let dir = try directory(args)
        let who = try args.map(1, "the identity")
        guard case .string(let name)? = who.entries["name"], !name.isEmpty else {
            throw ScriptError.value("git.identity: 'name' is required (a string), e.g. {name: \"Release Bot\", email: \"<botid>@bots.bitbucket.org\"}")
        }
        guard case .string(let email)? = who.entries["email"], email.contains("@") else {
            throw ScriptError.value("git.identity: 'email' is required (an address with '@'); access-token bots use \"<botid>@bots.bitbucket.org\"")
        }
        _ = try execute("config", ["config", "--local", "user.name", name], directory: dir, interp, remote: false)
        _ = try execute("config", ["config", "--local", "user.email", email], directory: dir, interp, remote: false)
        return .null
    }

    // MARK: - Running git

    /// `remote: false` for commands that never talk to a server (config): no credential channel.
    private func execute(_ operation: String, _ arguments: [String], directory: String?, _ interp: Interpreter,
                         check: Bool = true, remote: Bool = true) throws(ScriptError) -> GitResult {
        do throws(TransportError) { _ = try options.network.validatedGitOrigin() } catch {
            throw ScriptError.runtime(.configuration, "git.\(operation): \(error.message)")
        }
        let base = URL(string: gitBase)!
        var runner = GitRunner(gitBaseURL: base, credential: client.currentCredential, redactor: client.redactor,
                               baseEnvironment: options.environment)
        if client.isTracing {
            let redactor = client.redactor
            runner.trace = { line in FileHandle.standardError.write(Data((redactor.redact(line) + "\n").utf8)) }
        }
        interp.out.flush()
        interp.err.flush()
        let invocation = GitInvocation(arguments: arguments, directory: directory, usesRemote: remote,
                                       liveProgress: showsLiveProgress(interp) && arguments.contains("--progress"))
        let outcome: Result<GitResult, GitRunError> = interp.scriptLock.blocking {
            do throws(GitRunError) {
                return .success(try runner.run(invocation, isCancelled: { Interpreter.interruptFlag.isSet }))
            } catch {
                return .failure(error)
            }
        }
        switch outcome {
        case .failure(.cancelled):
            throw ScriptError.interrupted
        case .failure(.cannotStart(let reason)):
            throw ScriptError.runtime(.process, "git \(operation): \(reason)")
        case .success(let result):
            if check && result.status != 0 { throw failure(operation, arguments, result) }
            return result
        }
    }

    private func failure(_ operation: String, _ arguments: [String], _ result: GitResult) -> ScriptError {
        let reading = GitFailure(stderr: result.stderr)
        var message = "git \(operation) failed"
        if !reading.summary.isEmpty { message += ": " + reading.summary.replacingOccurrences(of: "\n", with: "\n  ") }
        if reading.kind == .auth && client.currentCredential == nil {
            message += "\n  (no credential is set: export BITBUCKET_TOKEN or call auth.token(...))"
        }
        var fields = OrderedMap()
        fields["message"] = .string(message)
        fields["kind"] = .string(reading.kind.rawValue)
        fields["exit_code"] = .int(Int(result.status))
        fields["stderr"] = .string(result.stderr)
        fields["command"] = .string("git " + arguments.filter { $0 != "--quiet" && $0 != "--progress" }.joined(separator: " "))
        return .thrown(ErrorValue(fields: fields))
    }

    /// Progress bars only on a terminal, and only for the script's own thread: several
    /// `parallel` workers drawing bars on one line would be noise.
    private func showsLiveProgress(_ interp: Interpreter) -> Bool {
        interp === mainInterpreter && isatty(STDERR_FILENO) == 1
    }

    private func progressFlag(_ interp: Interpreter) -> String {
        showsLiveProgress(interp) ? "--progress" : "--quiet"
    }

    /// Without a terminal (CI), one line per network operation, so a log shows what happened.
    private func summarize(_ interp: Interpreter, _ what: String, _ result: GitResult) {
        if showsLiveProgress(interp) { return }
        interp.err.write("\(what) (\(String(format: "%.1f", result.elapsed)) s)\n")
    }

    // MARK: - Arguments

    /// A repo value or "workspace/slug" clones from the git base URL; a URL or a path is used as
    /// given, except that a password in a URL is refused (it would end up in `.git/config`).
    private func cloneSource(_ args: Arguments) throws(ScriptError) -> (url: String, label: String) {
        if case .object(let o as RepoValue) = args[0] {
            return ("\(gitBase)/\(o.workspace)/\(o.slug).git", o.fullName)
        }
        if case .object(let o as SecretValue) = args[0] {
            throw ScriptError.value("git.clone: the URL is built from a secret (\(o.origin)); it would be stored in .git/config. Clone without credentials in the URL: bbs gives git the token (BITBUCKET_TOKEN or auth.token) itself")
        }
        let source = try args.string(0, "the repository")
        if source.contains("://") {
            if let url = URLComponents(string: source), url.password != nil {
                throw ScriptError.value("git.clone: the URL carries a password; it would be stored in .git/config. Pass the token with auth.token(...) or BITBUCKET_TOKEN instead")
            }
            return (source, source)
        }
        let parts = source.split(separator: "/", omittingEmptySubsequences: false)
        if !source.hasPrefix(".") && !source.hasPrefix("/") && parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty {
            let slug = parts[1].hasSuffix(".git") ? String(parts[1].dropLast(4)) : String(parts[1])
            return ("\(gitBase)/\(parts[0])/\(slug).git", "\(parts[0])/\(slug)")
        }
        return (source, source)
    }

    static func defaultDirectory(for url: String) -> String {
        var name = String(url.split(separator: "/").last ?? "repo")
        if name.hasSuffix(".git") { name.removeLast(4) }
        return name.isEmpty ? "repo" : name
    }

    private func directory(_ args: Arguments) throws(ScriptError) -> String {
        try args.string(0, "the directory")
    }

    private func plainValue(_ args: Arguments, _ i: Int, _ callee: String, _ what: String) throws(ScriptError) -> String {
        switch args[i] {
        case .string(let s): return s
        case .int, .float, .bool: return Printer.display(args[i])
        case .object(_ as SecretValue):
            throw ScriptError.value("\(callee): \(what) is a secret; secrets are never written to .git/config")
        default: throw args.argumentError(i, what, expected: "a string")
        }
    }

    private static func resultMap(_ result: GitResult) -> Value {
        let map = MapRef()
        map.entries["status"] = .int(Int(result.status))
        map.entries["stdout"] = .string(result.stdout)
        map.entries["stderr"] = .string(result.stderr)
        return .map(map)
    }
}
