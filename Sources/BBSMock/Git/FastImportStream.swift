import Foundation

/// Builds input for `git fast-import`, which writes whole histories (blobs, trees, commits, refs, tags)
/// in one process with the exact bytes given: commit messages are not reformatted, so the hashes are
/// the ones `GitObjects` computes.
struct FastImportStream {
    /// A ref used only while importing; removed at the end of the same stream.
    static let scratchRef = "refs/bbs-mock/scratch"
    private static let nullHash = String(repeating: "0", count: 40)

    private(set) var data = Data()

    mutating func line(_ text: String) {
        data.append(contentsOf: Array(text.utf8))
        data.append(UInt8(ascii: "\n"))
    }

    mutating func payload(_ bytes: Data) {
        line("data \(bytes.count)")
        data.append(bytes)
        data.append(UInt8(ascii: "\n"))
    }

    /// A commit on the scratch ref. `parents` are marks (`:3`) or hashes; with none it is a root commit.
    /// `changes` apply to the first parent's tree; nil deletes.
    mutating func commit(
        mark: Int, parents: [String], author: GitSignature, committer: GitSignature, message: String,
        changes: [(path: String, data: Data?)]
    ) throws {
        // Without a reset, a parentless commit would continue from whatever the scratch ref holds.
        line("reset \(Self.scratchRef)")
        line("commit \(Self.scratchRef)")
        line("mark :\(mark)")
        line("author \(try Self.signature(author))")
        line("committer \(try Self.signature(committer))")
        payload(Data(message.utf8))
        if let first = parents.first { line("from \(first)") }
        for parent in parents.dropFirst() { line("merge \(parent)") }
        for change in changes.sorted(by: { $0.path < $1.path }) {
            let path = try Self.quotedPath(change.path)
            if let content = change.data {
                line("M 100644 inline \(path)")
                payload(content)
            } else {
                line("D \(path)")
            }
        }
        line("")
    }

    mutating func setRef(_ ref: String, to commitish: String) {
        line("reset \(ref)")
        line("from \(commitish)")
        line("")
    }

    mutating func annotatedTag(name: String, target: String, tagger: GitSignature, message: String) throws {
        line("tag \(name)")
        line("from \(target)")
        line("tagger \(try Self.signature(tagger))")
        payload(Data(message.utf8))
    }

    /// Deletes the scratch ref (fast-import deletes a ref reset to the null hash) and prints the hashes of
    /// `marks`, one line each.
    mutating func finish(printing marks: [Int] = []) {
        setRef(Self.scratchRef, to: Self.nullHash)
        for mark in marks { line("get-mark :\(mark)") }
        line("done")
    }

    static func signature(_ signature: GitSignature) throws -> String {
        let forbidden = CharacterSet(charactersIn: "<>\n\0")
        guard signature.name.rangeOfCharacter(from: forbidden) == nil,
            signature.email.rangeOfCharacter(from: forbidden) == nil
        else { throw ContentError.invalid("git cannot store the identity '\(signature.raw)'") }
        return GitObjects.signatureLine(signature)
    }

    /// C-style quoting, which fast-import accepts for every path (spaces, quotes, newlines included).
    static func quotedPath(_ path: String) throws -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." || $0 == ".git" }) else {
            throw ContentError.invalid("'\(path)' is not a valid file path")
        }
        var quoted = "\""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "\""): quoted += "\\\""
            case UInt8(ascii: "\\"): quoted += "\\\\"
            case UInt8(ascii: "\n"): quoted += "\\n"
            case UInt8(ascii: "\t"): quoted += "\\t"
            case 0: throw ContentError.invalid("a file path cannot contain NUL")
            case 1..<32, 127...: quoted += String(format: "\\%03o", byte)
            default: quoted += String(UnicodeScalar(byte))
            }
        }
        return quoted + "\""
    }
}

extension InMemoryContentSource {
    /// The whole history as one fast-import stream: every commit (parents first), branches and tags.
    /// Commits are written as changes against their first parent, so large histories stay small.
    func fastImportStream() throws -> FastImportStream {
        var stream = FastImportStream()
        stream.line("feature done")
        var marks: [String: Int] = [:]
        for commit in parentsFirst() {
            let mark = marks.count + 1
            let files = trees[commit.hash] ?? [:]
            let base = commit.parents.first.flatMap { trees[$0] } ?? [:]
            var changes: [(path: String, data: Data?)] = []
            for (path, data) in files where base[path] != data { changes.append((path, data)) }
            for path in base.keys where files[path] == nil { changes.append((path, nil)) }
            try stream.commit(
                mark: mark, parents: commit.parents.map { marks[$0].map { ":\($0)" } ?? $0 }, author: commit.author,
                committer: commit.committer, message: commit.message, changes: changes)
            marks[commit.hash] = mark
        }
        for (name, target) in branchTargets.sorted(by: { $0.key < $1.key }) {
            stream.setRef("refs/heads/\(name)", to: marks[target].map { ":\($0)" } ?? target)
        }
        for tag in tagsByName.values.sorted(by: { $0.name < $1.name }) {
            let target = marks[tag.target].map { ":\($0)" } ?? tag.target
            if let message = tag.message, let tagger = tag.tagger {
                try stream.annotatedTag(name: tag.name, target: target, tagger: tagger, message: message)
            } else {
                stream.setRef("refs/tags/\(tag.name)", to: target)
            }
        }
        stream.finish()
        return stream
    }

    /// Every commit after all of its parents, oldest first where the order is free.
    private func parentsFirst() -> [GitCommit] {
        var ordered: [GitCommit] = []
        var placed: Set<String> = []
        let roots = commits.values.sorted { ($0.committer.date, $0.hash) < ($1.committer.date, $1.hash) }
        for root in roots {
            var stack: [(hash: String, expanded: Bool)] = [(root.hash, false)]
            while let (hash, expanded) = stack.popLast() {
                guard !placed.contains(hash), let commit = commits[hash] else { continue }
                if expanded {
                    placed.insert(hash)
                    ordered.append(commit)
                } else {
                    stack.append((hash, true))
                    for parent in commit.parents.reversed() where !placed.contains(parent) { stack.append((parent, false)) }
                }
            }
        }
        return ordered
    }
}
