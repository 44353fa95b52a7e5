import Foundation

/// A repository's content read from and written to a real bare repository with git plumbing, so what
/// `git push` stores over smart HTTP is what the REST routes list, and the other way round.
///
/// Reads: `for-each-ref`, `cat-file --batch`, `rev-list`, `ls-tree`. Writes: `fast-import` (commits and
/// annotated tags, exact bytes), `update-ref`, `merge-tree --write-tree` + `hash-object` (merges).
/// Called with the service lock held, like every content source; git itself keeps refs and objects
/// consistent with pushes and clones running at the same time.
public final class GitContentSource: RepositoryContentSource, @unchecked Sendable {
    public let directory: URL
    let git: MockGit
    /// Commits never change, so parsed ones are kept; bounded so a huge history cannot exhaust memory.
    private var commitCache: [String: GitCommit] = [:]
    private static let commitCacheLimit = 200_000

    public init(directory: URL, git: MockGit) {
        self.directory = directory
        self.git = git
    }

    // MARK: Reading

    public func branches() throws -> [GitBranchRef] {
        let output = try run(["for-each-ref", "--format=%(objectname) %(refname)", "refs/heads/"])
        return lines(output).compactMap { line -> GitBranchRef? in
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[1].hasPrefix("refs/heads/") else { return nil }
            return GitBranchRef(name: String(parts[1].dropFirst("refs/heads/".count)), target: parts[0])
        }.sorted { NaturalOrder.less($0.name, $1.name) }
    }

    public func tags() throws -> [GitTag] {
        let fields = [
            "%(refname)", "%(objecttype)", "%(objectname)", "%(*objectname)", "%(taggername)", "%(taggeremail)",
            "%(taggerdate:unix)", "%(contents)",
        ]
        let output = try run(["for-each-ref", "--format=" + fields.map { $0 + "%00" }.joined(), "refs/tags/"])
        var values = String(decoding: output, as: UTF8.self).components(separatedBy: "\0")
        // Each record ends with NUL plus the newline for-each-ref adds, which starts the next record.
        values.removeLast()
        var tags: [GitTag] = []
        for start in stride(from: 0, to: values.count - fields.count + 1, by: fields.count) {
            let record = Array(values[start..<(start + fields.count)])
            let refname = record[0].hasPrefix("\n") ? String(record[0].dropFirst()) : record[0]
            guard refname.hasPrefix("refs/tags/") else { continue }
            let name = String(refname.dropFirst("refs/tags/".count))
            if record[1] == "tag" {
                let email = record[5].trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
                let date = Date(timeIntervalSince1970: TimeInterval(Int(record[6]) ?? 0))
                tags.append(GitTag(
                    name: name, target: record[3].isEmpty ? record[2] : record[3], message: record[7],
                    tagger: GitSignature(name: record[4], email: email, date: date)))
            } else {
                tags.append(GitTag(name: name, target: record[2]))
            }
        }
        return tags.sorted { NaturalOrder.less($0.name, $1.name) }
    }

    public func resolve(_ revision: String) throws -> String? {
        guard !revision.isEmpty, Self.isPlainName(revision) else { return nil }
        // Branch, then tag, then (abbreviated) hash: the in-memory source's order, not rev-parse's.
        var candidates = ["refs/heads/\(revision)^{commit}", "refs/tags/\(revision)^{commit}"]
        if revision.utf8.count >= 4, revision.utf8.count <= 40, revision.utf8.allSatisfy(GitObjects.isHexDigit) {
            candidates.append(revision.lowercased() + "^{commit}")
        }
        let output = try run(
            ["cat-file", "--batch-check=%(objectname) %(objecttype)"],
            input: Data(candidates.map { $0 + "\n" }.joined().utf8))
        for line in lines(output) {
            let parts = line.split(separator: " ")
            if parts.count == 2, parts[1] == "commit", GitObjects.isFullHash(String(parts[0])) { return String(parts[0]) }
        }
        return nil
    }

    public func commit(_ hash: String) throws -> GitCommit? {
        guard GitObjects.isFullHash(hash) else { return nil }
        return try commits([hash.lowercased()]).first
    }

    public func log(include: [String], exclude: [String]) throws -> [GitCommit] {
        let revisions = include + exclude
        guard revisions.allSatisfy(GitObjects.isFullHash) else {
            throw ContentError.unknownRevision(revisions.first { !GitObjects.isFullHash($0) } ?? "")
        }
        var arguments = ["rev-list", "--date-order"]
        if include.isEmpty { arguments.append("--branches") }
        arguments.append("--stdin")
        let input = (include + exclude.map { "^" + $0 }).map { $0 + "\n" }.joined()
        let result = try git.run(arguments, gitDirectory: directory.path, input: Data(input.utf8))
        guard result.status == 0 else { throw ContentError.unknownRevision(revisions.joined(separator: " ")) }
        return try commits(lines(result.stdout))
    }

    public func lookup(_ path: String, at hash: String) throws -> TreeLookup? {
        guard GitObjects.isFullHash(hash), !path.contains("\n") else { return nil }
        let trimmed = path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let object = trimmed.isEmpty ? "\(hash)^{tree}" : "\(hash):\(trimmed)"
        guard let found = try catFile([object]).first, let found else { return nil }
        switch found.type {
        case "blob":
            return .file(found.data)
        case "tree":
            return .directory(try treeEntries(found.hash, prefix: trimmed.isEmpty ? "" : trimmed + "/"))
        default:
            return nil
        }
    }

    public func snapshot(at hash: String) throws -> [String: Data] {
        guard GitObjects.isFullHash(hash) else { throw ContentError.unknownRevision(hash) }
        let result = try git.run(["ls-tree", "-r", "-z", hash], gitDirectory: directory.path)
        guard result.status == 0 else { throw ContentError.unknownRevision(hash) }
        var paths: [String] = []
        var hashes: [String] = []
        for entry in String(decoding: result.stdout, as: UTF8.self).split(separator: "\0") {
            // "<mode> <type> <hash>\t<path>"
            guard let tab = entry.firstIndex(of: "\t") else { continue }
            let meta = entry[..<tab].split(separator: " ")
            guard meta.count == 3, meta[1] == "blob" else { continue }
            paths.append(String(entry[entry.index(after: tab)...]))
            hashes.append(String(meta[2]))
        }
        var files: [String: Data] = [:]
        for (path, object) in zip(paths, try catFile(hashes)) {
            if let object { files[path] = object.data }
        }
        return files
    }

    // MARK: Plumbing shared with the writes

    func run(_ arguments: [String], input: Data? = nil) throws -> Data {
        try git.checked(arguments, gitDirectory: directory.path, input: input)
    }

    func lines(_ data: Data) -> [String] {
        String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Names that are plain ref names or hashes, never git revision syntax (`a..b`, `x^2`, `@{1}`, `:path`).
    static func isPlainName(_ name: String) -> Bool {
        let forbidden = CharacterSet(charactersIn: " ~^:?*[\\").union(.controlCharacters)
        return name.rangeOfCharacter(from: forbidden) == nil && !name.contains("..") && !name.contains("@{")
            && !name.hasPrefix("-") && !name.hasPrefix("/")
    }

    func cacheCommit(_ commit: GitCommit) {
        if commitCache.count >= Self.commitCacheLimit { commitCache.removeAll(keepingCapacity: true) }
        commitCache[commit.hash] = commit
    }

    /// Commits in the order asked for; unknown hashes are left out.
    func commits(_ hashes: [String]) throws -> [GitCommit] {
        let missing = hashes.filter { commitCache[$0] == nil }
        if !missing.isEmpty {
            for object in try catFile(missing) {
                guard let object, object.type == "commit", let commit = Self.parseCommit(object.hash, object.data) else {
                    continue
                }
                cacheCommit(commit)
            }
        }
        return hashes.compactMap { commitCache[$0] }
    }

    struct RawObject {
        var hash: String
        var type: String
        var data: Data
    }

    /// `git cat-file --batch` over many objects in one process; nil for each one that does not exist.
    func catFile(_ names: [String]) throws -> [RawObject?] {
        guard !names.isEmpty else { return [] }
        let output = try run(["cat-file", "--batch"], input: Data(names.map { $0 + "\n" }.joined().utf8))
        var objects: [RawObject?] = []
        var index = output.startIndex
        while index < output.endIndex, objects.count < names.count {
            guard let newline = output[index...].firstIndex(of: UInt8(ascii: "\n")) else { break }
            let header = String(decoding: output[index..<newline], as: UTF8.self).split(separator: " ")
            index = output.index(after: newline)
            guard header.count == 3, let size = Int(header[2]) else {
                objects.append(nil)  // "<name> missing" or "ambiguous"
                continue
            }
            let end = output.index(index, offsetBy: size)
            objects.append(RawObject(hash: String(header[0]), type: String(header[1]), data: Data(output[index..<end])))
            index = output.index(after: end)  // the newline after the content
        }
        return objects
    }

    private func treeEntries(_ tree: String, prefix: String) throws -> [TreeEntryInfo] {
        let output = try run(["ls-tree", "-z", "--long", tree])
        var directories: [TreeEntryInfo] = []
        var files: [TreeEntryInfo] = []
        for entry in String(decoding: output, as: UTF8.self).split(separator: "\0") {
            // "<mode> <type> <hash> <size>\t<name>"; the size is right-aligned, hence the empty splits.
            guard let tab = entry.firstIndex(of: "\t") else { continue }
            let meta = entry[..<tab].split(separator: " ")
            let path = prefix + entry[entry.index(after: tab)...]
            switch meta.count == 4 ? meta[1] : "" {
            case "tree": directories.append(TreeEntryInfo(path: path, kind: .directory))
            case "blob": files.append(TreeEntryInfo(path: path, kind: .file(size: Int(meta[3]) ?? 0)))
            default: continue  // submodules have no content here
            }
        }
        // Directories first, then files, each by name, like the in-memory source.
        return directories.sorted { $0.path < $1.path } + files.sorted { $0.path < $1.path }
    }

    /// Reads a raw commit object: headers, a blank line, the message exactly as stored.
    static func parseCommit(_ hash: String, _ data: Data) -> GitCommit? {
        let text = String(decoding: data, as: UTF8.self)
        let split = text.range(of: "\n\n")
        let headerText = split.map { String(text[..<$0.lowerBound]) } ?? text
        let message = split.map { String(text[$0.upperBound...]) } ?? ""
        var parents: [String] = []
        var author: GitSignature?
        var committer: GitSignature?
        for line in headerText.split(separator: "\n") where !line.hasPrefix(" ") {
            if line.hasPrefix("parent ") { parents.append(String(line.dropFirst(7))) }
            if line.hasPrefix("author ") { author = parseSignature(line.dropFirst(7)) }
            if line.hasPrefix("committer ") { committer = parseSignature(line.dropFirst(10)) }
        }
        guard let author, let committer else { return nil }
        return GitCommit(hash: hash, parents: parents, author: author, committer: committer, message: message)
    }

    /// `Name <email> 1705312800 +0200` (the zone is dropped: Bitbucket renders dates in UTC).
    static func parseSignature(_ line: Substring) -> GitSignature? {
        guard let open = line.lastIndex(of: "<"), let close = line.lastIndex(of: ">"), open < close else { return nil }
        let name = line[..<open].trimmingCharacters(in: .whitespaces)
        let email = String(line[line.index(after: open)..<close])
        let seconds = line[line.index(after: close)...].split(separator: " ").first.flatMap { Int($0) } ?? 0
        return GitSignature(name: name, email: email, date: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
