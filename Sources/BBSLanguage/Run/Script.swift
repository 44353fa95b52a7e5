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
    /// Called on such a thread already (a script runner that prepares and then executes), it
    /// runs `body` right there: each new 1 GiB thread costs start-up time (bench/README.md).
    public static func runOnLargeStack<T>(_ body: @escaping () -> T) -> T {
        if LargeStackThread.isCurrent { return body() }
        var result: T?
        LargeStackThread.run { result = body() }
        return result!
    }
}

/// A plain pthread with a 1 GiB stack, marked so that code on it can tell. (Foundation's
/// `Thread` does the same with more set-up: its object, name and run-loop bookkeeping.)
private enum LargeStackThread {
    static let stackSize = 1 << 30

    /// Non-nil on the threads `run` starts.
    private static let marker: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "bbs: cannot create a thread-specific key")
        return key
    }()

    static var isCurrent: Bool { pthread_getspecific(marker) != nil }

    /// Runs `body` on a new large-stack thread and waits for it. When the system refuses such a
    /// thread (memory limits), `body` runs on the caller's stack: a deep recursion may then
    /// overflow it, but every ordinary script still runs.
    static func run(_ body: @escaping () -> Void) {
        let task = Unmanaged.passRetained(LargeStackTask(body))
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackSize)
        var thread = pthread_t()
        let started = pthread_create(&thread, &attributes, { context in
            let task = Unmanaged<LargeStackTask>.fromOpaque(context!).takeRetainedValue()
            pthread_setspecific(LargeStackThread.marker, UnsafeRawPointer(bitPattern: 1))
            task.body()
            return nil
        }, task.toOpaque())
        if started != 0 {
            task.takeRetainedValue().body()
            return
        }
        pthread_join(thread, nil)
    }
}

private final class LargeStackTask {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
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
