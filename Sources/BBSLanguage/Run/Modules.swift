// `import`: finding, compiling and running modules, each once per interpreter.
//
// `import "name"` searches the module path (BBS_PATH entries, then the stdlib folder
// installed next to the binary); `import "./x.bbs"` is relative to the importing file.
// A module's top-level names become members of the module value.

import Foundation

public final class ModuleLoader {
    /// The folders `import "name"` looks in, in order.
    public var searchPaths: [String] {
        get {
            if let find = findSearchPaths {
                storedSearchPaths = find()
                findSearchPaths = nil
            }
            return storedSearchPaths
        }
        set {
            storedSearchPaths = newValue
            findSearchPaths = nil
        }
    }
    private var storedSearchPaths: [String]
    /// Finds the search paths on first use (see `setSearchPaths(lazily:)`).
    private var findSearchPaths: (() -> [String])?
    private var loaded: [String: Value] = [:]
    /// Top-level names of module files parsed for checking, by path.
    private var declaredNames: [String: [String]] = [:]
    /// Modules being loaded, outermost first, to report cycles.
    private var inProgress: [String] = []

    public init(searchPaths: [String]) {
        storedSearchPaths = searchPaths
    }

    /// The search paths are what `find` returns, asked when an import first needs them: finding
    /// the stdlib folder resolves the binary's path and looks at several folders, which a script
    /// without imports need not wait for.
    public func setSearchPaths(lazily find: @escaping () -> [String]) {
        findSearchPaths = find
    }

    /// Records the main script as being loaded, so a module importing it is a cycle.
    public func beginMainScript(_ path: String) {
        guard FileManager.default.fileExists(atPath: path) else { return }
        inProgress.append(ModuleLoader.absolute(path))
    }

    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path
            : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return (full as NSString).standardizingPath
    }

    public func load(_ name: String, from importer: SourceFile, interpreter: Interpreter) throws(ScriptError) -> Value {
        let path = try locate(name, from: importer)
        if let module = loaded[path] { return module }
        if let start = inProgress.firstIndex(of: path) {
            let chain = (inProgress[start...] + [path]).map { ($0 as NSString).lastPathComponent }
            throw ScriptError.runtime(.`import`, "import cycle: \(chain.joined(separator: " -> "))")
        }
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8) else {
            throw ScriptError.runtime(.`import`, "cannot read module '\(path)'")
        }
        inProgress.append(path)
        defer { inProgress.removeLast() }
        let file = SourceFile(path: path, text: text)
        let store = GlobalStore()
        switch interpreter.prepare(file, globals: store) {
        case .failure(let compileError):
            let first = compileError.diagnostics[0]
            let e = ErrorValue(kind: .syntax, message: "in module \"\(name)\": \(first.message)")
            e.location = first.location
            e.file = file
            throw .thrown(e)
        case .success(let script):
            _ = try interpreter.run(script)
        }
        let module = Value.object(ScriptModule(name: Parser.moduleBaseName(name), store: store))
        loaded[path] = module
        return module
    }

    /// What the resolver needs of `import "name"` before anything runs: the module's top-level
    /// names, from a parse of it (cached per file), or why it cannot be found.
    public func check(_ name: String, from importer: SourceFile) -> Hints.ImportCheck {
        let path: String
        do throws(ScriptError) {
            path = try locate(name, from: importer)
        } catch {
            guard case .thrown(let e) = error else { return .unknown }
            return .missing(e.message + importHint(name, nearbyModules(name, from: importer)))
        }
        if let names = declaredNames[path] { return .members(names) }
        guard let data = FileManager.default.contents(atPath: path),
              case .success(let program) = Parser.parse(SourceFile(path: path, text: String(decoding: data, as: UTF8.self)))
        else { return .unknown }
        let names = program.main.body.compactMap(Resolver.topLevelName)
        declaredNames[path] = names
        return .members(names)
    }

    /// Compares file names only, so a shared folder prefix does not make every path look close.
    private func importHint(_ name: String, _ nearby: [String]) -> String {
        func base(_ path: String) -> String {
            let file = (path as NSString).lastPathComponent
            return file.hasSuffix(".bbs") ? String(file.dropLast(4)) : file
        }
        let bases = nearby.map(base)
        if let best = Hints.closest(base(name), among: bases), let full = nearby.first(where: { base($0) == best }) {
            return " (did you mean '\(full)'?)"
        }
        guard !nearby.isEmpty, nearby.count <= 12 else { return "" }
        return " (modules there: \(nearby.sorted().joined(separator: ", ")))"
    }

    /// The modules an import of `name` could have meant, spelled as it would be written.
    private func nearbyModules(_ name: String, from importer: SourceFile) -> [String] {
        let relative = name.hasPrefix("./") || name.hasPrefix("../") || name.hasPrefix("/")
        let folders: [String]
        var prefix = ""
        if relative {
            let written = (name as NSString).deletingLastPathComponent
            prefix = written.isEmpty ? "" : written + "/"
            let base = name.hasPrefix("/") || !FileManager.default.fileExists(atPath: importer.path)
                ? "" : (importer.path as NSString).deletingLastPathComponent
            folders = [base.isEmpty ? written : (base as NSString).appendingPathComponent(written)]
        } else {
            folders = searchPaths
        }
        let keepExtension = name.hasSuffix(".bbs")
        var found: [String] = []
        for folder in folders {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []
            for file in files where file.hasSuffix(".bbs") {
                found.append(prefix + (keepExtension ? file : String(file.dropLast(4))))
            }
        }
        return found
    }

    private func locate(_ name: String, from importer: SourceFile) throws(ScriptError) -> String {
        let fileName = name.hasSuffix(".bbs") ? name : name + ".bbs"
        if name.hasPrefix("./") || name.hasPrefix("../") || name.hasPrefix("/") {
            let base: String
            if name.hasPrefix("/") {
                base = ""
            } else if FileManager.default.fileExists(atPath: importer.path) {
                base = (importer.path as NSString).deletingLastPathComponent
            } else {
                base = FileManager.default.currentDirectoryPath
            }
            let path = base.isEmpty ? fileName : (base as NSString).appendingPathComponent(fileName)
            let standardized = ModuleLoader.absolute(path)
            if FileManager.default.fileExists(atPath: standardized) { return standardized }
            throw ScriptError.runtime(.`import`, "cannot find module \"\(Lexer.visible(name))\" (no file \(Lexer.visible(standardized)))")
        }
        for dir in searchPaths {
            let path = ModuleLoader.absolute((dir as NSString).appendingPathComponent(fileName))
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        let places = searchPaths.isEmpty ? "no module path is set" : "looked in " + searchPaths.joined(separator: ", ")
        throw ScriptError.runtime(.`import`, "cannot find module \"\(Lexer.visible(name))\" (\(places); set BBS_PATH to add folders)")
    }

    /// The stdlib folder for a binary at `executablePath`: installed beside it
    /// (`stdlib/`, `../share/bbs/stdlib`), or in the source tree it was built in.
    public static func defaultStdlibPaths(executablePath: String) -> [String] {
        let exe = (executablePath as NSString).resolvingSymlinksInPath
        var dir = (exe as NSString).deletingLastPathComponent
        var candidates = [(dir as NSString).appendingPathComponent("stdlib"),
                          ((dir as NSString).appendingPathComponent("../share/bbs/stdlib") as NSString).standardizingPath]
        for _ in 0..<4 {
            dir = (dir as NSString).deletingLastPathComponent
            candidates.append((dir as NSString).appendingPathComponent("stdlib"))
        }
        var isDir: ObjCBool = false
        return candidates.filter { FileManager.default.fileExists(atPath: $0, isDirectory: &isDir) && isDir.boolValue }.prefix(1).map { $0 }
    }
}

/// An imported script: its top-level names, read live from its globals.
public final class ScriptModule: HostObject {
    public let name: String
    let store: GlobalStore
    init(name: String, store: GlobalStore) {
        self.name = name
        self.store = store
    }
    override public var typeName: String { "module" }
    override public func member(_ name: String) -> Value? { store.value(name) }
    override public var memberNames: [String] { store.names }
    override public var displayText: String { "<module \(name)>" }
}
