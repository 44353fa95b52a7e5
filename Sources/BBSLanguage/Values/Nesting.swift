// The nesting budgets. Every phase that recurses, over syntax or over values, stops at
// one of these two bounds with an error that says so, instead of running out of stack.

public enum Nesting {
    /// Constructs inside constructs in source code: blocks, brackets, calls, operators of a
    /// chain, prefix operators, member accesses, `${}` interpolations. The lexer and parser
    /// enforce it, so the resolver, compiler and the release of the tree stay shallow.
    public static let syntax = 400

    /// Lists and maps inside lists and maps, for printing, JSON, `==` and ordering.
    public static let values = 10_000

    /// Throws once a comparison of values has gone `values` levels down: deeper values,
    /// in practice, are two values that each contain themselves.
    @inline(__always)
    static func checkValueDepth(_ depth: Int, _ what: String) throws(ScriptError) {
        if depth >= values { throw tooDeep(what) }
    }

    static func tooDeep(_ what: String) -> ScriptError {
        ScriptError.value("\(what): values nested more than \(values) levels deep cannot be compared (does a list or map contain itself?)")
    }
}
