// `repo()` with no argument: which repository the script is about. First
// `BITBUCKET_REPO_FULL_NAME` (Bitbucket Pipelines sets it), then the current directory's
// `origin` remote (`git config --get remote.origin.url`) in any of git's URL forms:
//   https://[user[:password]@]host[:port]/workspace/slug[.git]
//   ssh://[user@]host[:port]/workspace/slug[.git]
//   [user@]host:workspace/slug[.git]          (scp-like)
// A remote URL may carry credentials; messages show it only with them removed.

import BBSLanguage
import Foundation

enum RepoLocator {
    static func locate(environment: [String: String]) throws(ScriptError) -> String {
        if let name = environment["BITBUCKET_REPO_FULL_NAME"]?.trimmingCharacters(in: .whitespaces), !name.isEmpty {
            return name
        }
        guard let remote = originURL() else {
            throw ScriptError.runtime(.value,
                "repo: no repository given, BITBUCKET_REPO_FULL_NAME is not set and the current directory has no git remote 'origin'")
        }
        guard let name = fullName(fromRemote: remote) else {
            throw ScriptError.runtime(.value, "repo: cannot tell the repository from the remote '\(withoutCredentials(remote))'")
        }
        return name
    }

    /// `workspace/slug` from a remote URL, or nil.
    static func fullName(fromRemote raw: String) -> String? {
        let url = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        var path: Substring
        if let schemeEnd = url.range(of: "://") {
            let rest = url[schemeEnd.upperBound...]
            guard let slash = rest.firstIndex(of: "/") else { return nil }
            path = rest[rest.index(after: slash)...]
        } else if let colon = url.firstIndex(of: ":"), !url[..<colon].contains("/") {
            path = url[url.index(after: colon)...]
        } else {
            return nil
        }
        if let q = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<q] }
        var parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 2 else { return nil }
        parts = Array(parts.suffix(2))
        if parts[1].hasSuffix(".git") { parts[1].removeLast(4) }
        guard !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return parts[0] + "/" + parts[1]
    }

    /// The URL with any `user:password@` removed.
    static func withoutCredentials(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        let hostEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<hostEnd].lastIndex(of: "@") else { return url }
        return String(url[..<schemeEnd.upperBound]) + String(rest[rest.index(after: at)...])
    }

    private static func originURL() -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "config", "--get", "remote.origin.url"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        // Foundation never closes a Pipe's read end, not even when the Pipe is freed.
        try? out.fileHandleForReading.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
