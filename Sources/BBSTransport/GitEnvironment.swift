import Foundation

/// The environment every git run gets.
///
/// Configuration goes in through `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n`, not `-c`,
/// so nothing of it is in git's argument list, and it outranks every config file — which is what
/// lets an empty `credential.helper` drop the user's own helpers (a stale `store` entry must not
/// win over the script's token). The helper entry names only a socket path; the secret comes
/// from the broker behind it.
enum GitEnvironment {
    /// `helper`: the one credential helper git may use (the broker's `credential-cache --socket PATH`), or
    /// nil for none at all.
    static func make(base: [String: String], helper: String?) -> [String: String] {
        var environment = base
        // A CI job must fail, not hang on a prompt nobody will answer. An empty GIT_ASKPASS makes
        // git skip core.askPass and SSH_ASKPASS as well.
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["GIT_ASKPASS"] = ""
        environment["SSH_ASKPASS"] = nil
        // `-c` settings inherited from outside (a parent git, a CI wrapper) could name another
        // credential helper or an alias; only the entries below configure git.
        environment["GIT_CONFIG_PARAMETERS"] = nil
        // git's messages are classified by their English text.
        environment["LC_ALL"] = "C.UTF-8"
        environment["LANGUAGE"] = nil

        var entries = inheritedConfigEntries(base)
        entries.append(("credential.helper", ""))
        if let helper { entries.append(("credential.helper", helper)) }
        for name in environment.keys where name.hasPrefix("GIT_CONFIG_KEY_") || name.hasPrefix("GIT_CONFIG_VALUE_") {
            environment[name] = nil
        }
        environment["GIT_CONFIG_COUNT"] = String(entries.count)
        for (i, entry) in entries.enumerated() {
            environment["GIT_CONFIG_KEY_\(i)"] = entry.key
            environment["GIT_CONFIG_VALUE_\(i)"] = entry.value
        }
        return environment
    }

    /// Entries the user already passes through GIT_CONFIG_COUNT are kept, before ours.
    private static func inheritedConfigEntries(_ base: [String: String]) -> [(key: String, value: String)] {
        guard let count = base["GIT_CONFIG_COUNT"].flatMap(Int.init), count > 0 else { return [] }
        return (0..<count).compactMap { i in
            guard let key = base["GIT_CONFIG_KEY_\(i)"] else { return nil }
            return (key, base["GIT_CONFIG_VALUE_\(i)"] ?? "")
        }
    }

    /// Single-quoted for `sh`, which runs `!`-helpers.
    static func shellQuote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The command as a person would type it, for traces and error messages.
    static func displayCommand(_ arguments: [String]) -> String {
        arguments.map { argument in
            argument.isEmpty || argument.contains(where: { " \t\"'$\\".contains($0) }) ? shellQuote(argument) : argument
        }.joined(separator: " ")
    }

    static func findExecutable(_ name: String, path: String?) -> String? {
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}
