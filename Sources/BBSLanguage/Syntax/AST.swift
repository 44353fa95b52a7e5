// The syntax tree the parser builds. Variables and declarations are small classes so
// the resolver can record, in place, where each one lives at run time (a stack slot, a
// captured box, a module global, or a built-in) before the compiler turns the tree
// into closures.

public final class VarRef {
    public let name: String
    public let location: SourceLocation
    public var binding: Binding = .unresolved
    init(_ name: String, _ location: SourceLocation) {
        self.name = name
        self.location = location
    }
}

public enum Binding {
    case unresolved
    /// A slot in the current call's frame.
    case local(Int)
    /// A frame slot holding a `Box`, because a closure captures the variable.
    case boxed(Int)
    /// The n-th box the running closure captured.
    case upvalue(Int)
    case global(GlobalStore, Int)
    case builtin(Value)
}

public final class Declaration {
    public let name: String
    public let location: SourceLocation
    public let isConstant: Bool
    public var storage: Storage = .local(0)
    init(_ name: String, _ location: SourceLocation, constant: Bool) {
        self.name = name
        self.location = location
        self.isConstant = constant
    }
}

public enum Storage {
    case local(Int)
    case boxed(Int)
    case global(GlobalStore, Int)
}

public struct Parameter {
    public let declaration: Declaration
    public let defaultValue: Expr?
}

/// A named function or a lambda.
public final class FunctionNode {
    public let name: String
    public let location: SourceLocation
    public let parameters: [Parameter]
    public let body: [Stmt]
    /// Frame slots the body needs (parameters first), set by the resolver.
    public var frameSize = 0
    /// Where each captured box comes from in the enclosing function, set by the resolver.
    public var captures: [Capture] = []
    init(name: String, location: SourceLocation, parameters: [Parameter], body: [Stmt]) {
        self.name = name
        self.location = location
        self.parameters = parameters
        self.body = body
    }
}

public enum Capture {
    /// A boxed slot of the enclosing frame.
    case local(Int)
    /// One of the enclosing closure's own captures.
    case upvalue(Int)
}

public enum TemplatePiece {
    case text(String)
    case expr(Expr)
}

public struct MapEntry {
    public let key: Expr
    public let value: Expr
}

public enum UnaryOperator: String {
    case negate = "-", not = "!"
}

public enum AssignOperator {
    case plain
    case arithmetic(BinaryOperator)
    case coalesce
}

public indirect enum AssignTarget {
    case variable(VarRef)
    case member(Expr, String, SourceLocation)
    case index(Expr, Expr, SourceLocation)
}

public indirect enum Expr {
    case literal(Value, SourceLocation)
    case template([TemplatePiece], SourceLocation)
    case variable(VarRef)
    case list([Expr], SourceLocation)
    case map([MapEntry], SourceLocation)
    case unary(UnaryOperator, Expr, SourceLocation)
    case binary(BinaryOperator, Expr, Expr, SourceLocation)
    case and(Expr, Expr, SourceLocation)
    case or(Expr, Expr, SourceLocation)
    case coalesce(Expr, Expr, SourceLocation)
    case assign(AssignTarget, AssignOperator, Expr, SourceLocation)
    case call(Expr, [Expr], SourceLocation)
    case member(Expr, String, optional: Bool, SourceLocation)
    case methodCall(Expr, String, [Expr], optional: Bool, SourceLocation)
    case index(Expr, Expr, optional: Bool, SourceLocation)
    case slice(Expr, Expr?, Expr?, SourceLocation)
    case function(FunctionNode)
    /// A postfix chain containing `?.`: a nil before any `?.` makes the whole chain nil.
    case optionalChain(Expr)

    public var location: SourceLocation {
        switch self {
        case .literal(_, let l), .template(_, let l), .list(_, let l), .map(_, let l),
             .unary(_, _, let l), .binary(_, _, _, let l), .and(_, _, let l), .or(_, _, let l),
             .coalesce(_, _, let l), .assign(_, _, _, let l), .call(_, _, let l),
             .member(_, _, _, let l), .methodCall(_, _, _, _, let l), .index(_, _, _, let l),
             .slice(_, _, _, let l):
            return l
        case .variable(let v): return v.location
        case .function(let f): return f.location
        case .optionalChain(let e): return e.location
        }
    }
}

public indirect enum Stmt {
    case expression(Expr)
    case declare(Declaration, Expr?)
    case function(Declaration, FunctionNode)
    case block([Stmt])
    case ifElse(Expr, [Stmt], [Stmt]?)
    case whileLoop(Expr, [Stmt])
    case forIn(Declaration, Declaration?, Expr, [Stmt], SourceLocation)
    case breakLoop(SourceLocation)
    case continueLoop(SourceLocation)
    case returnValue(Expr?, SourceLocation)
    case throwError(Expr, SourceLocation)
    case tryCatch([Stmt], Declaration?, [Stmt], SourceLocation)
    case importModule(String, Declaration, SourceLocation)
}

/// A parsed file: its statements, run as the body of an implicit top-level function.
public final class Program {
    public let file: SourceFile
    public let main: FunctionNode
    init(file: SourceFile, body: [Stmt]) {
        self.file = file
        self.main = FunctionNode(name: "<main>", location: SourceLocation(line: 1, column: 1), parameters: [], body: body)
    }
}
