import Foundation

/// Git's object format (blobs, trees, commits) computed in Swift, so that a repository held in memory
/// has exactly the hashes it gets once it is written into a real bare repository: turning an in-memory
/// repository into a git one on first `git clone` changes no hash a client has already seen.
enum GitObjects {
    static let emptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

    static func blobHash(_ data: Data) -> [UInt8] {
        var object = Data("blob \(data.count)\0".utf8)
        object.append(data)
        return SHA1.digest(object)
    }

    /// The hash of the tree holding `files` (paths relative to the root, `/`-separated; regular files,
    /// mode 100644). Entries are ordered as git orders them: by name, a directory compared as `name/`.
    static func treeHash(_ files: [String: Data]) -> String {
        hex(treeDigest(files.map { (path: Array($0.key.utf8)[...], data: $0.value) }))
    }

    private static func treeDigest(_ files: [(path: ArraySlice<UInt8>, data: Data)]) -> [UInt8] {
        var blobs: [(name: ArraySlice<UInt8>, data: Data)] = []
        var directories: [ArraySlice<UInt8>: [(path: ArraySlice<UInt8>, data: Data)]] = [:]
        for file in files {
            if let slash = file.path.firstIndex(of: UInt8(ascii: "/")) {
                let name = file.path[file.path.startIndex..<slash]
                directories[name, default: []].append((file.path[(slash + 1)...], file.data))
            } else {
                blobs.append((file.path, file.data))
            }
        }
        var entries: [(sortKey: [UInt8], line: [UInt8])] = []
        for blob in blobs where directories[blob.name] == nil {
            entries.append((Array(blob.name), Array("100644 ".utf8) + blob.name + [0] + blobHash(blob.data)))
        }
        for (name, contents) in directories {
            entries.append((Array(name) + [UInt8(ascii: "/")], Array("40000 ".utf8) + name + [0] + treeDigest(contents)))
        }
        entries.sort { $0.sortKey.lexicographicallyPrecedes($1.sortKey) }
        let body = entries.flatMap(\.line)
        return SHA1.digest(Data("tree \(body.count)\0".utf8) + Data(body))
    }

    /// A commit object's body exactly as git (and `git fast-import`) writes it, all times in UTC.
    static func commitBody(
        tree: String, parents: [String], author: GitSignature, committer: GitSignature, message: String
    ) -> Data {
        var text = "tree \(tree)\n"
        for parent in parents { text += "parent \(parent)\n" }
        text += "author \(signatureLine(author))\n"
        text += "committer \(signatureLine(committer))\n\n"
        text += message
        return Data(text.utf8)
    }

    static func commitHash(_ body: Data) -> String {
        hex(SHA1.digest(Data("commit \(body.count)\0".utf8) + body))
    }

    /// `Name <email> 1705312800 +0000`; whole seconds, as git stores them.
    static func signatureLine(_ signature: GitSignature) -> String {
        "\(signature.raw) \(Int(signature.date.timeIntervalSince1970.rounded(.down))) +0000"
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func isFullHash(_ text: String) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { isHexDigit($0) }
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (97...102).contains(byte) || (65...70).contains(byte)
    }
}
