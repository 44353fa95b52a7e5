import Foundation

// The pipeline from text to running code: parse, resolve, compile, run.

public struct PreparedScript {
    let function: CompiledFunction
    public let file: SourceFile
}

extension Interpreter {
    /// Parses, resolves and compiles `file` against `globals` without running anything.
    /// `repl` lets a later input declare a name again, and makes a final expression
    /// statement the value `run` returns (so the REPL can echo it).
    public func prepare(_ file: SourceFile, globals: GlobalStore, repl: Bool = false) -> Result<PreparedScript, CompileError> {
        let program: Program
        switch Parser.parse(file) {
        case .failure(let e): return .failure(e)
        case .success(let p): program = p
        }
        let before = globals.checkpoint()
        let loader = moduleLoader
        var resolver = Resolver(builtins: builtins, globals: globals, allowGlobalRedeclaration: repl,
                                checkImport: { loader.check($0, from: file) })
        let problems = resolver.resolve(program)
        if !problems.isEmpty {
            globals.rollback(to: before)
            return .failure(CompileError(file: file, diagnostics: problems.sorted {
                ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column)
            }))
        }
        let compiler = Compiler(file: file, interpreter: self)
        return .success(PreparedScript(function: compiler.compileProgram(program, echoLast: repl), file: file))
    }

    /// Runs a prepared script's top level.
    @discardableResult
    public func run(_ script: PreparedScript) throws(ScriptError) -> Value {
        try invoke(Closure(script.function, boxes: []), argumentCount: 0)
    }

    /// Runs `body` on a thread with a large stack: the tree-walker recurses on the Swift
    /// stack, and deep script recursion must end in a "stack overflow" error, not a crash.
    public static func runOnLargeStack<T>(_ body: @escaping () -> T) -> T {
        let result = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            result.value = body()
            done.signal()
        }
        thread.stackSize = 1 << 30
        thread.start()
        done.wait()
        return result.value!
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}

extension Interpreter {
    /// The longest `sleep`: a pause of centuries is a bug in the script, not a wish.
    public static let maxSleepSeconds: Double = 30 * 86400

    /// What every `sleep` accepts (the language's and the runtime's, which lets `parallel`
    /// workers run meanwhile): a finite number of seconds from 0 to `maxSleepSeconds`.
    public static func checkSleepSeconds(_ seconds: Double) throws(ScriptError) {
        guard seconds.isFinite, seconds >= 0 else {
            throw ScriptError.value("sleep: seconds must be a finite number not below 0, not \(Printer.formatFloat(seconds))")
        }
        guard seconds <= maxSleepSeconds else {
            throw ScriptError.value("sleep: \(Printer.formatFloat(seconds)) seconds is too long (the limit is \(Int(maxSleepSeconds)), 30 days)")
        }
    }
}
