// The resolver: binds every name to where it lives before anything runs, and reports
// (without running anything) undeclared names, assignment to a `let`, `return` outside
// a function, `break`/`continue` outside a loop, and duplicate declarations.
//
// Where a variable lives:
//   - top-level declarations of a file are module globals (a `GlobalStore` slot), so
//     functions reach them without capturing anything;
//   - everything else is a slot in its function's frame; a slot that an inner function
//     captures holds a `Box` instead, shared by both (patched in once we know);
//   - names found nowhere else are built-ins.

public struct Resolver {
    private final class Local {
        let name: String
        let slot: Int
        let declaration: Declaration
        var captured = false
        var references: [VarRef] = []
        init(_ declaration: Declaration, slot: Int) {
            self.name = declaration.name
            self.slot = slot
            self.declaration = declaration
        }
    }

    private final class FunctionScope {
        let node: FunctionNode
        let parent: FunctionScope?
        var blocks: [[String: Local]] = [[:]]
        var blockStarts: [Int] = [0]
        var nextSlot = 0
        var upvalues: [String: (index: Int, constant: Bool, declaredAt: SourceLocation)] = [:]
        var loopDepth = 0
        init(_ node: FunctionNode, parent: FunctionScope?) {
            self.node = node
            self.parent = parent
        }
    }

    private let builtins: [String: Value]
    private let globals: GlobalStore
    /// The REPL lets a new line declare a name again.
    private let allowGlobalRedeclaration: Bool
    private var function: FunctionScope!
    private var diagnostics: [Diagnostic] = []
    /// Finds an imported module's top-level names without running it (Hints.swift).
    private let checkImport: ((String) -> Hints.ImportCheck)?
    /// Members of modules imported in this input: by global slot, or by local declaration.
    private var globalModules: [Int: [String]] = [:]
    private var localModules: [ObjectIdentifier: [String]] = [:]

    public init(builtins: [String: Value], globals: GlobalStore, allowGlobalRedeclaration: Bool = false,
                checkImport: ((String) -> Hints.ImportCheck)? = nil) {
        self.builtins = builtins
        self.globals = globals
        self.allowGlobalRedeclaration = allowGlobalRedeclaration
        self.checkImport = checkImport
    }

    public mutating func resolve(_ program: Program) -> [Diagnostic] {
        function = FunctionScope(program.main, parent: nil)
        var seen: [String: SourceLocation] = [:]
        // Functions may call each other and read globals declared later in the file.
        for stmt in program.main.body {
            guard let decl = Resolver.topLevelDeclaration(stmt) else { continue }
            if let first = seen[decl.name], !allowGlobalRedeclaration {
                error("'\(decl.name)' is already declared in this scope (at line \(first.line))", at: decl.location)
                continue
            }
            seen[decl.name] = decl.location
            let slot = globals.add(decl.name, constant: decl.isConstant)
            decl.storage = .global(globals, slot)
            globalModules[slot] = nil
            // Known before the statements, so a function above the import can use its members.
            if case .importModule(let path, _, let at) = stmt { checkImported(path, decl, at: at, global: slot) }
        }
        statements(program.main.body)
        endFunction()
        return diagnostics
    }

    /// The name a top-level statement declares, if any: what a module exports.
    static func topLevelName(_ stmt: Stmt) -> String? { topLevelDeclaration(stmt)?.name }

    private static func topLevelDeclaration(_ stmt: Stmt) -> Declaration? {
        switch stmt {
        case .declare(let d, _), .function(let d, _), .importModule(_, let d, _): return d
        default: return nil
        }
    }

    private mutating func error(_ message: String, at location: SourceLocation) {
        diagnostics.append(Diagnostic(message, at: location))
    }

    // MARK: Scopes

    private var atTopLevel: Bool { function.parent == nil && function.blocks.count == 1 }

    private mutating func beginBlock() {
        function.blocks.append([:])
        function.blockStarts.append(function.nextSlot)
    }

    private mutating func endBlock() {
        for local in function.blocks.removeLast().values { finish(local) }
        // Slots of a finished block are free again; the frame keeps its high-water mark.
        function.nextSlot = function.blockStarts.removeLast()
    }

    private mutating func endFunction() {
        for local in function.blocks.removeLast().values { finish(local) }
    }

    private func finish(_ local: Local) {
        guard local.captured else { return }
        local.declaration.storage = .boxed(local.slot)
        for ref in local.references { ref.binding = .boxed(local.slot) }
    }

    /// Declares `decl` in the innermost scope.
    private mutating func declare(_ decl: Declaration) {
        if atTopLevel {
            if case .global(_, let i) = decl.storage {
                globals.declared[i] = true
            } else {
                decl.storage = .global(globals, globals.add(decl.name, constant: decl.isConstant))
                globals.declared[globals.index[decl.name]!] = true
            }
            return
        }
        if let existing = function.blocks[function.blocks.count - 1][decl.name] {
            error("'\(decl.name)' is already declared in this scope (at line \(existing.declaration.location.line))", at: decl.location)
        }
        let local = Local(decl, slot: function.nextSlot)
        function.nextSlot += 1
        function.node.frameSize = max(function.node.frameSize, function.nextSlot)
        decl.storage = .local(local.slot)
        function.blocks[function.blocks.count - 1][decl.name] = local
    }

    private enum Found {
        case local(Local)
        case upvalue(Int, constant: Bool, declaredAt: SourceLocation)
        case global(Int)
        case builtin(Value)
    }

    private mutating func lookup(_ name: String, in scope: FunctionScope) -> Found? {
        for block in scope.blocks.reversed() {
            if let local = block[name] { return .local(local) }
        }
        guard let parent = scope.parent else {
            if let i = globals.index[name] { return .global(i) }
            if let v = builtins[name] { return .builtin(v) }
            return nil
        }
        if let up = scope.upvalues[name] { return .upvalue(up.index, constant: up.constant, declaredAt: up.declaredAt) }
        guard let outer = lookup(name, in: parent) else { return nil }
        let capture: Capture
        let constant: Bool
        let declaredAt: SourceLocation
        switch outer {
        case .global, .builtin: return outer
        case .local(let local):
            local.captured = true
            capture = .local(local.slot)
            constant = local.declaration.isConstant
            declaredAt = local.declaration.location
        case .upvalue(let i, let c, let at):
            capture = .upvalue(i)
            constant = c
            declaredAt = at
        }
        let index = scope.node.captures.count
        scope.node.captures.append(capture)
        scope.upvalues[name] = (index, constant, declaredAt)
        return .upvalue(index, constant: constant, declaredAt: declaredAt)
    }

    private mutating func resolve(_ ref: VarRef, assigning: Bool) {
        guard let found = lookup(ref.name, in: function) else {
            error("undeclared variable '\(ref.name)'" + Hints.didYouMean(ref.name, among: visibleNames()), at: ref.location)
            return
        }
        switch found {
        case .local(let local):
            if assigning && local.declaration.isConstant { constantError(ref, local.declaration.location) }
            local.references.append(ref)
            ref.binding = local.captured ? .boxed(local.slot) : .local(local.slot)
        case .upvalue(let i, let constant, let at):
            if assigning && constant { constantError(ref, at) }
            ref.binding = .upvalue(i)
        case .global(let i):
            if assigning && globals.constant[i] {
                error("cannot assign to '\(ref.name)': it is a constant (declared with 'let' or 'fn')", at: ref.location)
            }
            if function.parent == nil && !globals.declared[i] {
                error("'\(ref.name)' is used before its declaration", at: ref.location)
            }
            ref.binding = .global(globals, i)
        case .builtin(let v):
            if assigning {
                error("cannot assign to built-in '\(ref.name)'; declare your own with 'var \(ref.name) = ...'", at: ref.location)
            }
            ref.binding = .builtin(v)
        }
    }

    private mutating func constantError(_ ref: VarRef, _ declared: SourceLocation) {
        error("cannot assign to '\(ref.name)': it is a constant (declared with 'let' at line \(declared.line))", at: ref.location)
    }

    // MARK: Statements

    private mutating func statements(_ body: [Stmt]) {
        for s in body { statement(s) }
    }

    private mutating func blockStatements(_ body: [Stmt]) {
        beginBlock()
        statements(body)
        endBlock()
    }

    private mutating func statement(_ stmt: Stmt) {
        switch stmt {
        case .expression(let e): expression(e)
        case .declare(let d, let value):
            if let value { expression(value) }
            declare(d)
        case .function(let d, let fn):
            declare(d) // before the body, so the function can call itself
            functionBody(fn)
        case .block(let body): blockStatements(body)
        case .ifElse(let cond, let then, let otherwise):
            expression(cond)
            blockStatements(then)
            if let otherwise { blockStatements(otherwise) }
        case .whileLoop(let cond, let body):
            expression(cond)
            loopBody(body, variables: [])
        case .forIn(let first, let second, let iterable, let body, _):
            expression(iterable)
            loopBody(body, variables: [first] + (second.map { [$0] } ?? []))
        case .breakLoop(let l):
            if function.loopDepth == 0 { error("'break' outside a loop", at: l) }
        case .continueLoop(let l):
            if function.loopDepth == 0 { error("'continue' outside a loop", at: l) }
        case .returnValue(let e, let l):
            if function.parent == nil { error("'return' outside a function", at: l) }
            if let e { expression(e) }
        case .throwError(let e, _): expression(e)
        case .tryCatch(let body, let binding, let handler, _):
            blockStatements(body)
            beginBlock()
            if let binding { declare(binding) }
            statements(handler)
            endBlock()
        case .importModule(let path, let d, let at):
            declare(d)
            if case .local = d.storage { checkImported(path, d, at: at, global: nil) }
        }
    }

    private mutating func loopBody(_ body: [Stmt], variables: [Declaration]) {
        function.loopDepth += 1
        beginBlock()
        for v in variables { declareLocal(v) }
        statements(body)
        endBlock()
        function.loopDepth -= 1
    }

    /// Loop variables are always frame locals, even at top level: each iteration gets a
    /// fresh binding, which a global slot could not give to closures.
    private mutating func declareLocal(_ decl: Declaration) {
        let local = Local(decl, slot: function.nextSlot)
        function.nextSlot += 1
        function.node.frameSize = max(function.node.frameSize, function.nextSlot)
        decl.storage = .local(local.slot)
        function.blocks[function.blocks.count - 1][decl.name] = local
    }

    private mutating func functionBody(_ fn: FunctionNode) {
        let enclosing = function!
        function = FunctionScope(fn, parent: enclosing)
        for p in fn.parameters {
            if let d = p.defaultValue { expression(d) }
            if function.blocks[0][p.declaration.name] != nil {
                error("duplicate parameter '\(p.declaration.name)'", at: p.declaration.location)
            }
            declareLocal(p.declaration)
        }
        beginBlock()
        statements(fn.body)
        endBlock()
        endFunction()
        function = enclosing
    }

    // MARK: Expressions

    private mutating func expression(_ expr: Expr) {
        switch expr {
        case .literal: break
        case .template(let pieces, _):
            for case .expr(let e) in pieces { expression(e) }
        case .variable(let ref): resolve(ref, assigning: false)
        case .list(let items, _): items.forEach { expression($0) }
        case .map(let entries, _):
            for entry in entries {
                expression(entry.key)
                expression(entry.value)
            }
        case .unary(_, let e, _): expression(e)
        case .binary(_, let a, let b, _), .and(let a, let b, _), .or(let a, let b, _), .coalesce(let a, let b, _):
            expression(a)
            expression(b)
        case .assign(let target, let op, let value, _):
            expression(value)
            switch target {
            case .variable(let ref):
                _ = op // a compound assignment reads the same variable it writes
                resolve(ref, assigning: true)
            case .member(let obj, _, _): expression(obj)
            case .index(let obj, let key, _):
                expression(obj)
                expression(key)
            }
        case .call(let callee, let args, _):
            expression(callee)
            args.forEach { expression($0) }
        case .member(let obj, let name, _, let at):
            expression(obj)
            checkModuleMember(obj, name, at: at)
        case .methodCall(let obj, let name, let args, _, let at):
            expression(obj)
            checkModuleMember(obj, name, at: at)
            args.forEach { expression($0) }
        case .index(let obj, let key, _, _):
            expression(obj)
            expression(key)
        case .slice(let obj, let lo, let hi, _):
            expression(obj)
            if let lo { expression(lo) }
            if let hi { expression(hi) }
        case .function(let fn): functionBody(fn)
        case .optionalChain(let e): expression(e)
        }
    }

    // MARK: Typos (hints in Hints.swift)

    /// Every name an undeclared one could have meant: locals in reach, globals, built-ins.
    private func visibleNames() -> [String] {
        var names = Array(builtins.keys) + globals.names
        var scope: FunctionScope? = function
        while let s = scope {
            for block in s.blocks { names += block.keys }
            scope = s.parent
        }
        return names
    }

    private mutating func checkImported(_ path: String, _ decl: Declaration, at location: SourceLocation, global slot: Int?) {
        guard let checkImport else { return }
        switch checkImport(path) {
        case .members(let names):
            if let slot { globalModules[slot] = names } else { localModules[ObjectIdentifier(decl)] = names }
        case .missing(let message): error(message, at: location)
        case .unknown: break
        }
    }

    /// `api.gett` or `prs.opn`: a module's members are fixed before anything runs.
    private mutating func checkModuleMember(_ obj: Expr, _ name: String, at location: SourceLocation) {
        guard case .variable(let ref) = obj else { return }
        let moduleName: String, members: [String]
        switch ref.binding {
        case .builtin(.object(let o)):
            guard let module = o as? ModuleValue else { return }
            (moduleName, members) = (module.name, module.memberNames)
        case .global(let store, let slot) where store === globals:
            guard let names = globalModules[slot] else { return }
            (moduleName, members) = (ref.name, names)
        case .local, .boxed:
            guard case .local(let local)? = lookup(ref.name, in: function),
                  let names = localModules[ObjectIdentifier(local.declaration)] else { return }
            (moduleName, members) = (ref.name, names)
        default: return
        }
        guard !members.contains(name) else { return }
        error("module '\(moduleName)' has no member '\(name)'" + Hints.memberHint(name, members: members), at: location)
    }
}
