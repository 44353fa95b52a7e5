import Foundation

/// One file's change between two trees.
struct FileChange: Equatable {
    enum Status: String {
        case added, removed, modified
    }

    var status: Status
    var path: String
    var old: Data?
    var new: Data?
    var linesAdded: Int
    var linesRemoved: Int
}

/// Git-style diffs between two snapshots, for repositories held in memory (a repository on disk is
/// diffed by `git diff` itself). The output follows `git diff`'s layout: `diff --git`, `index`, `---`/`+++`
/// and hunks with three lines of context.
enum UnifiedDiff {
    static let context = 3

    static func changes(from old: [String: Data], to new: [String: Data]) -> [FileChange] {
        Set(old.keys).union(new.keys).sorted().compactMap { path in
            let before = old[path]
            let after = new[path]
            guard before != after else { return nil }
            let status: FileChange.Status = before == nil ? .added : after == nil ? .removed : .modified
            let difference = lines(after).difference(from: lines(before))
            return FileChange(
                status: status, path: path, old: before, new: after,
                linesAdded: difference.insertions.count, linesRemoved: difference.removals.count)
        }
    }

    static func lines(_ data: Data?) -> [String] {
        guard let data, !data.isEmpty else { return [] }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    static func text(_ changes: [FileChange]) -> String {
        changes.map(fileText).joined()
    }

    private static func blobID(_ data: Data?) -> String {
        guard let data else { return "0000000" }
        return String(GitObjects.hex(GitObjects.blobHash(data)).prefix(7))
    }

    static func fileText(_ change: FileChange) -> String {
        var out = "diff --git a/\(change.path) b/\(change.path)\n"
        switch change.status {
        case .added: out += "new file mode 100644\nindex 0000000..\(blobID(change.new))\n"
        case .removed: out += "deleted file mode 100644\nindex \(blobID(change.old))..0000000\n"
        case .modified: out += "index \(blobID(change.old))..\(blobID(change.new)) 100644\n"
        }
        let isBinary = [change.old, change.new].contains { data in data.map { $0.contains(0) } ?? false }
        if isBinary {
            return out + "Binary files \(change.old == nil ? "/dev/null" : "a/" + change.path) and "
                + "\(change.new == nil ? "/dev/null" : "b/" + change.path) differ\n"
        }
        out += "--- \(change.old == nil ? "/dev/null" : "a/" + change.path)\n"
        out += "+++ \(change.new == nil ? "/dev/null" : "b/" + change.path)\n"
        out += hunks(old: lines(change.old), new: lines(change.new))
        return out
    }

    /// Each line tagged with its side, in order, then cut into hunks around the changes.
    private static func hunks(old: [String], new: [String]) -> String {
        enum Line { case same(String), removed(String), added(String) }
        let difference = new.difference(from: old)
        var removed = Set<Int>()
        var inserted = Set<Int>()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        var script: [Line] = []
        var oldIndex = 0
        var newIndex = 0
        while oldIndex < old.count || newIndex < new.count {
            if oldIndex < old.count, removed.contains(oldIndex) {
                script.append(.removed(old[oldIndex])); oldIndex += 1
            } else if newIndex < new.count, inserted.contains(newIndex) {
                script.append(.added(new[newIndex])); newIndex += 1
            } else {
                script.append(.same(old[oldIndex])); oldIndex += 1; newIndex += 1
            }
        }
        let changed = script.indices.filter { if case .same = script[$0] { return false } else { return true } }
        guard !changed.isEmpty else { return "" }
        // Group changes whose context overlaps, as git does.
        var groups: [(Int, Int)] = []
        for index in changed {
            if let last = groups.last, index - last.1 <= 2 * context {
                groups[groups.count - 1].1 = index
            } else {
                groups.append((index, index))
            }
        }
        var out = ""
        for (first, last) in groups {
            let start = max(0, first - context)
            let end = min(script.count - 1, last + context)
            var oldStart = 0, newStart = 0
            for line in script[..<start] {
                switch line {
                case .same: oldStart += 1; newStart += 1
                case .removed: oldStart += 1
                case .added: newStart += 1
                }
            }
            var oldCount = 0, newCount = 0, body = ""
            for line in script[start...end] {
                switch line {
                case .same(let text): oldCount += 1; newCount += 1; body += " \(text)\n"
                case .removed(let text): oldCount += 1; body += "-\(text)\n"
                case .added(let text): newCount += 1; body += "+\(text)\n"
                }
            }
            func range(_ start: Int, _ count: Int) -> String {
                let first = count == 0 ? start : start + 1
                return count == 1 ? "\(first)" : "\(first),\(count)"
            }
            out += "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\n" + body
        }
        return out
    }
}
