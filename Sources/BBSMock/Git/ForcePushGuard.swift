import Foundation

/// Enforces `force` branch restrictions on git pushes. Whether an update rewrites history is known
/// only once the pushed objects are in, so the check is a pre-receive hook in every served
/// repository: it reads the protected branch patterns that bbs-mock writes beside it before each push
/// (none when enforcement is off) and refuses an update whose old head is not an ancestor of the new.
enum ForcePushGuard {
    static let patternsFile = "bbs-mock-force-patterns"

    static let hook = """
        #!/bin/sh
        # Installed by bbs-mock: refuses non-fast-forward updates of branches with a `force` restriction.
        patterns="$GIT_DIR/\(patternsFile)"
        [ -s "$patterns" ] || exit 0
        zero=0000000000000000000000000000000000000000
        status=0
        while read old new ref; do
          case "$ref" in refs/heads/*) branch="${ref#refs/heads/}" ;; *) continue ;; esac
          if [ "$old" = "$zero" ] || [ "$new" = "$zero" ]; then continue; fi
          if git merge-base --is-ancestor "$old" "$new"; then continue; fi
          while IFS= read -r pattern; do
            case "$branch" in
              $pattern)
                echo "You can't force push to the branch $branch because it is protected by a branch restriction."
                status=1 ;;
            esac
          done < "$patterns"
        done
        exit $status

        """

    static func install(in directory: URL) throws {
        let hooks = directory.appendingPathComponent("hooks")
        try FileManager.default.createDirectory(at: hooks, withIntermediateDirectories: true)
        let path = hooks.appendingPathComponent("pre-receive")
        try Data(hook.utf8).write(to: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path.path)
    }

    /// Shell patterns for the branches a `force` rule covers (the branching model's types as prefixes,
    /// development and production as the main branch).
    static func patterns(for repository: MockRepository) -> [String] {
        repository.branchRestrictions.filter { $0.kind == "force" }.compactMap { rule in
            if rule.branchMatchKind == "glob" { return rule.pattern }
            switch rule.branchType {
            case "development", "production": return repository.mainBranch
            case let type?: return type + "/*"
            case nil: return nil
            }
        }
    }

    static func writePatterns(_ patterns: [String], in directory: URL) {
        let file = directory.appendingPathComponent(patternsFile)
        if patterns.isEmpty {
            try? FileManager.default.removeItem(at: file)
        } else {
            try? Data((patterns.joined(separator: "\n") + "\n").utf8).write(to: file)
        }
    }
}
