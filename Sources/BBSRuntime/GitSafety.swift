// What `git.run` and `git.config` refuse, so that bbs's git credential channel answers only the
// git operation bbs started (see BBSTransport/GitCredentialBroker.swift).
//
// Every git that bbs starts may ask the channel for the token. A script could otherwise turn that
// into a way to read it: `git credential fill` prints it, `-c credential.helper=store` writes it
// to a file, an alias (`-c alias.x=!...` or one set in .git/config) or `core.askPass` /
// `core.sshCommand` runs a program of the script's choice inside such a git, and
// `http.extraHeader` sends headers of the script's choice with the token's request.

import BBSLanguage

enum GitSafety {
    /// The config keys that can run a program, choose a credential helper or add request
    /// headers; `include.*` could pull any of them in from a file.
    static func isGuardedKey(_ key: String) -> Bool {
        let k = key.lowercased()
        if k.hasPrefix("credential.") || k.hasPrefix("alias.") || k.hasPrefix("include.") || k.hasPrefix("includeif.") {
            return true
        }
        if k == "core.askpass" || k == "core.sshcommand" { return true }
        return k.hasPrefix("http.") && k.hasSuffix(".extraheader")
    }

    /// Commands that never talk to a remote: they run without the credential channel at all, so a
    /// hook or filter they start has nothing to ask.
    private static let localCommands: Set<String> = [
        "add", "am", "apply", "blame", "branch", "cat-file", "checkout", "cherry-pick", "clean", "commit",
        "config", "describe", "diff", "for-each-ref", "format-patch", "fsck", "gc", "grep", "hash-object",
        "help", "init", "log", "ls-files", "ls-tree", "merge", "mv", "notes", "rebase", "reflog", "reset",
        "restore", "rev-list", "rev-parse", "revert", "rm", "shortlog", "show", "show-ref", "stash",
        "status", "switch", "symbolic-ref", "tag", "update-ref", "version", "worktree",
    ]

    /// Whether `arguments` may need the credential channel (anything not known to be local).
    static func mayTalkToRemote(_ arguments: [String]) -> Bool {
        guard let command = subcommand(arguments) else { return false }
        return !localCommands.contains(command.lowercased())
    }

    /// The git command in `arguments`, after git's own options.
    private static func subcommand(_ arguments: [String]) -> String? {
        var i = 0
        while i < arguments.count, arguments[i].hasPrefix("-") {
            let option = arguments[i]
            i += optionsWithValue.contains(option) || option == "-c" || option == "--config-env" ? 2 : 1
        }
        return i < arguments.count ? arguments[i] : nil
    }

    /// git's own options that take their value as the next argument.
    private static let optionsWithValue: Set<String> = ["-C", "--git-dir", "--work-tree", "--namespace", "--super-prefix"]

    /// Throws when `arguments` (what follows `git`) would use the credential channel for
    /// something else than the operation itself.
    static func check(_ arguments: [String]) throws(ScriptError) {
        var i = 0
        while i < arguments.count, arguments[i].hasPrefix("-") {
            let option = arguments[i]
            if option == "-c" || option == "--config-env" {
                guard i + 1 < arguments.count else { break }
                try checkSetting(arguments[i + 1], option)
                i += 2
            } else if option.hasPrefix("--config-env=") {
                try checkSetting(String(option.dropFirst("--config-env=".count)), "--config-env")
                i += 1
            } else if option.hasPrefix("-c") {
                try checkSetting(String(option.dropFirst(2)), "-c")
                i += 1
            } else if option == "--exec-path" || option.hasPrefix("--exec-path=") {
                if option == "--exec-path" { i += 1; continue } // prints the path; harmless
                throw ScriptError.value("git.run: '--exec-path=...' would choose the programs git runs with bbs's credential channel; refused")
            } else {
                i += optionsWithValue.contains(option) ? 2 : 1
            }
        }
        guard i < arguments.count else { return }
        let command = arguments[i].lowercased()
        if command == "credential" || command.hasPrefix("credential-") {
            throw ScriptError.value("git.run: 'git \(arguments[i])' is refused: it would hand bbs's token to the script (bbs gives git the token only for its own operations)")
        }
        let readsOnly: Set<String> = ["--get", "--get-all", "--get-regexp", "get", "--list", "-l", "list"]
        if command == "config", !arguments[(i + 1)...].contains(where: readsOnly.contains) {
            for key in arguments[(i + 1)...] where isGuardedKey(key) {
                throw guardedKeyError("git.run", key)
            }
        }
    }

    /// A `-c NAME=VALUE` or `--config-env NAME=ENVVAR` setting.
    private static func checkSetting(_ setting: String, _ option: String) throws(ScriptError) {
        let name = setting.split(separator: "=", maxSplits: 1).first.map(String.init) ?? setting
        if isGuardedKey(name) { throw guardedKeyError("git.run", name, option: option) }
    }

    static func guardedKeyError(_ callee: String, _ key: String, option: String? = nil) -> ScriptError {
        let how = option.map { "\($0) \(key)" } ?? "setting \(key)"
        return ScriptError.value("\(callee): \(how) is refused: credential.*, alias.*, include.*, core.askPass, core.sshCommand and http.*.extraHeader could hand bbs's token to another program or host")
    }
}
