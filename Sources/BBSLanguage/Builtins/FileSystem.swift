// `fs.*`: files as UTF-8 text, directories, existence. Built on the POSIX calls
// directly, because their errno gives the reason a person can act on ("Permission
// denied", "Is a directory"), which FileManager's NSError wording hides. Every failure
// is an error of kind "io" naming the function, the path and that reason.

import Foundation

enum FileSystemBuiltins {
    static func install(into interp: Interpreter) {
        let fs = interp.builtinModule("fs")
        fs.define("read", arity: 1...2) { args, interp throws(ScriptError) in
            let path = try args.string(0, "path")
            let limit = try args.options(1, allowed: ["max_bytes"]).int("max_bytes") ?? defaultReadLimit
            let bytes = try readAll(path, args.callee, limit: limit)
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw ScriptError.runtime(.io, "\(args.callee): cannot read '\(path)': not valid UTF-8 text")
            }
            return interp.host.value(ofText: text, from: "file \(path)")
        }
        fs.define("write", arity: 2...3) { args, _ throws(ScriptError) in
            try write(args, flags: O_TRUNC)
        }
        fs.define("append", arity: 2...3) { args, _ throws(ScriptError) in
            try write(args, flags: O_APPEND)
        }
        FileLines.install(into: fs)
        fs.define("exists", arity: 1...1) { args, _ throws(ScriptError) in
            var st = stat()
            return .bool(stat(try args.string(0, "path"), &st) == 0)
        }
        fs.define("is_dir", arity: 1...1) { args, _ throws(ScriptError) in
            .bool(isDirectory(try args.string(0, "path")))
        }
        fs.define("list", arity: 1...1) { args, _ throws(ScriptError) in
            let path = try args.string(0, "path")
            guard let names = entries(of: path) else { throw ioError(args.callee, "list", path) }
            // Byte order, like `ls` in the C locale: the same on every machine.
            let sorted = names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            return .list(ListRef(sorted.map { .string($0) }))
        }
        fs.define("mkdir", arity: 1...1) { args, _ throws(ScriptError) in
            let path = try args.string(0, "path")
            let e = makeDirectories(path)
            if e != 0 { throw ioError(args.callee, "create", path, errno: e) }
            return .null
        }
        fs.define("remove", arity: 1...2) { args, _ throws(ScriptError) in
            let path = try args.string(0, "path")
            let recursive = try args.options(1, allowed: ["recursive"]).flag("recursive")
            let e = remove(path, recursive: recursive)
            if e == ENOTEMPTY || e == EEXIST {
                throw ScriptError.runtime(.io, "\(args.callee): cannot remove '\(path)': \(reason(e)) (pass {recursive: true} to remove its contents)")
            }
            if e != 0 { throw ioError(args.callee, "remove", path, errno: e) }
            return .null
        }
    }

    static func reason(_ e: Int32) -> String { String(cString: strerror(e)) }

    static func ioError(_ callee: String, _ verb: String, _ path: String, errno e: Int32 = errno) -> ScriptError {
        ScriptError.runtime(.io, "\(callee): cannot \(verb) '\(path)': \(reason(e))")
    }

    /// What `fs.read` reads at most unless told otherwise: a larger file (or `/dev/zero`)
    /// is an error, not a process that grows until the system kills it.
    static let defaultReadLimit = 1 << 28

    static func readAll(_ path: String, _ callee: String, limit: Int = Int.max) throws(ScriptError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ioError(callee, "read", path) }
        defer { close(fd) }
        var st = stat()
        var bytes = [UInt8]()
        if fstat(fd, &st) == 0, st.st_size > 0 { bytes.reserveCapacity(min(Int(st.st_size), limit) + 1) }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ioError(callee, "read", path)
            }
            if n == 0 { return bytes }
            if n > limit - bytes.count {
                throw ScriptError.runtime(.io, "\(callee): cannot read '\(path)': it is larger than \(limit) bytes (pass {max_bytes: n} to allow more, or go through it with fs.lines)")
            }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }

    private static func write(_ args: Arguments, flags: Int32) throws(ScriptError) -> Value {
        let path = try args.string(0, "path")
        let (text, isSecret) = try fileText(args)
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | flags, isSecret ? 0o600 : 0o644)
        guard fd >= 0 else { throw ioError(args.callee, "write", path) }
        // An existing file keeps its mode on open; a secret must not stay readable by others.
        if isSecret, fchmod(fd, 0o600) != 0 {
            let e = errno
            close(fd)
            throw ioError(args.callee, "write", path, errno: e)
        }
        var failure: Int32 = 0
        var utf8 = text
        utf8.withUTF8 { buf in
            var offset = 0
            while offset < buf.count {
                let n = Foundation.write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += n
            }
        }
        // close can report a delayed write error (NFS, full disk), so it counts too.
        if close(fd) != 0, failure == 0 { failure = errno }
        if failure != 0 { throw ioError(args.callee, "write", path, errno: failure) }
        return .null
    }

    /// The text to write, and whether it holds a secret. A secret goes to a file only when the
    /// script says so with `{secret: true}`; the file is then private (0600). Never as "***".
    private static func fileText(_ args: Arguments) throws(ScriptError) -> (String, Bool) {
        let options = try args.options(2)
        if let options {
            for key in options.entries.keys where key != "secret" {
                throw ScriptError.value("\(args.callee): unknown option '\(key)' (allowed: secret)")
            }
        }
        let allowed: Bool
        switch options?.entries["secret"] {
        case nil, .null?: allowed = false
        case .bool(let b)?: allowed = b
        case let other?: throw ScriptError.type("\(args.callee): option 'secret' must be a bool, not \(other.typeName)")
        }
        if case .object(let o as SecretValue) = args[1] {
            guard allowed else {
                throw ScriptError.value("\(args.callee): the text holds a secret (\(o.origin)); pass {secret: true} to write it to a private (0600) file")
            }
            return (o.text, true)
        }
        return (try args.string(1, "text"), allowed)
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// The names in a directory, without `.` and `..`; nil with errno set on failure.
    static func entries(of path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// `mkdir -p`: 0, or the errno that stopped it.
    static func makeDirectories(_ path: String) -> Int32 {
        if mkdir(path, 0o777) == 0 { return 0 }
        let e = errno
        if e == EEXIST { return isDirectory(path) ? 0 : EEXIST }
        guard e == ENOENT else { return e }
        let parent = parentPath(path)
        guard !parent.isEmpty, parent != path else { return e }
        let pe = makeDirectories(parent)
        if pe != 0 { return pe }
        if mkdir(path, 0o777) == 0 { return 0 }
        // Another process may have made it meanwhile.
        return errno == EEXIST && isDirectory(path) ? 0 : errno
    }

    private static func parentPath(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "" }
        let parent = p[..<slash]
        return parent.isEmpty ? "/" : String(parent)
    }

    /// Removes a file, a symlink (never its target) or a directory; 0 or the errno.
    static func remove(_ path: String, recursive: Bool) -> Int32 {
        var st = stat()
        if lstat(path, &st) != 0 { return errno }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { return unlink(path) == 0 ? 0 : errno }
        if recursive {
            guard let names = entries(of: path) else { return errno }
            for name in names {
                let e = remove(path.hasSuffix("/") ? path + name : path + "/" + name, recursive: true)
                if e != 0 { return e }
            }
        }
        return rmdir(path) == 0 ? 0 : errno
    }
}
