// `parallel(items, fn, {workers = 4})`: calls `fn(item)` (or `fn(item, index)` when `fn`
// takes two parameters) for every item on up to `workers` threads and returns the results
// in the items' order.
//
// How the single-threaded interpreter allows it (see ScriptLock.swift for the lock):
// - Each worker thread gets its own `Interpreter`, i.e. its own value stack and call depth,
//   sharing everything else with the caller's interpreter: builtins, method tables, output
//   buffers, module loader; compiled closures reach globals through the `GlobalStore`s they
//   captured, so a worker sees and updates the same variables as the script.
// - A worker holds the runtime's `ScriptLock` whenever it runs script code, so script code
//   never runs on two threads at once; built-ins that wait (HTTP, `sleep`, prompts) release the
//   lock while waiting, which is where the concurrency comes from. CPU-bound callbacks gain
//   nothing, I/O-bound ones overlap their waits (issue 3 target: 200 GETs with 8 workers at
//   least 4x faster than sequential).
// - Items are handed out in order. When a call fails, no new item is started; the calls already
//   running finish, then the error of the lowest-numbered failed item is raised (the same one a
//   sequential loop would have stopped at, when items fail independently of timing).
// - The calling thread releases the lock while it waits for the workers, so nested `parallel`
//   calls work too.

import BBSLanguage
import Foundation

enum ParallelBuiltin {
    static let maxWorkers = 64

    static func install(into interpreter: Interpreter) {
        interpreter.defineBuiltin("parallel", arity: 2...3) { args, interp throws(ScriptError) in
            let items = try collect(args[0], interp)
            let fn = try args.callback(1, "the function")
            let requested = try args.options(2, allowed: ["workers"]).int("workers", atLeast: 1) ?? 4
            // Threads come from one budget for the whole process, so nested calls cannot
            // multiply into thousands; a call that finds no thread free runs on its caller's.
            let granted = WorkerBudget.shared.reserve(min(requested, maxWorkers, items.count))
            defer { WorkerBudget.shared.release(granted) }
            let workers = granted
            if workers <= 1 {
                var results: [Value] = []
                results.reserveCapacity(items.count)
                for i in items.indices { results.append(try fn.call(interp, items[i], extra: .int(i))) }
                return .list(ListRef(results))
            }
            return .list(ListRef(try run(count: items.count, workers: workers, from: interp) { w, i throws(ScriptError) in
                try fn.call(w, items[i], extra: .int(i))
            }))
        }
    }

    /// A list, or anything iterable (a stream), as an array.
    private static func collect(_ v: Value, _ interp: Interpreter) throws(ScriptError) -> [Value] {
        switch v {
        case .list(let l): return l.items
        case .object(let o):
            guard var it = try o.makeIterator(interp) else { break }
            var items: [Value] = []
            while let x = try it.next(interp) { items.append(x) }
            return items
        default: break
        }
        throw ScriptError.type("parallel: argument 1 must be a list or a stream, not \(v.typeName)")
    }

    /// An interpreter with its own value stack that shares everything else with `main`.
    static func makeWorker(from main: Interpreter) -> Interpreter {
        let w = Interpreter(out: main.out, err: main.err)
        for (name, value) in main.builtins { w.defineBuiltin(name, value) }
        w.stringMethods = main.stringMethods
        w.listMethods = main.listMethods
        w.mapMethods = main.mapMethods
        w.scriptArgs = main.scriptArgs
        w.moduleLoader = main.moduleLoader
        w.host = main.host
        return w
    }

    /// The worker threads all `parallel` calls of the process may run at once.
    final class WorkerBudget: @unchecked Sendable { // counts guarded by `mutex`
        static let shared = WorkerBudget(limit: 256)
        let limit: Int
        private var inUse = 0
        private let mutex = NSLock()
        init(limit: Int) { self.limit = limit }

        /// Takes up to `wanted` threads; returns how many were granted (maybe 0).
        func reserve(_ wanted: Int) -> Int {
            mutex.lock()
            defer { mutex.unlock() }
            let granted = max(0, min(wanted, limit - inUse))
            inUse += granted
            return granted
        }

        func release(_ count: Int) {
            mutex.lock()
            inUse -= count
            mutex.unlock()
        }
    }

    /// What the worker threads share: the callback, an interpreter each, the next item and the
    /// results. Every field is touched only by a thread that holds the `ScriptLock` (the worker
    /// loop below runs between `acquire` and `release`; the caller reads the results after
    /// `group.wait`). That is a locking discipline the compiler cannot check, hence unchecked.
    private final class State: @unchecked Sendable {
        let body: (Interpreter, Int) throws(ScriptError) -> Value
        let interpreters: [Interpreter]
        var next = 0
        var results: [Value]
        var failure: (index: Int, error: ScriptError)?
        init(count: Int, interpreters: [Interpreter], body: @escaping (Interpreter, Int) throws(ScriptError) -> Value) {
            results = Array(repeating: .null, count: count)
            self.interpreters = interpreters
            self.body = body
        }
    }

    private static func run(count: Int, workers: Int, from main: Interpreter,
                            _ body: @escaping (Interpreter, Int) throws(ScriptError) -> Value) throws(ScriptError) -> [Value] {
        let lock = main.scriptLock
        let state = State(count: count, interpreters: (0..<workers).map { _ in makeWorker(from: main) }, body: body)
        let progress = ProgressLine.start("parallel", total: count)
        let group = DispatchGroup()
        for w in 0..<workers {
            group.enter()
            let thread = Thread {
                lock.acquire()
                let worker = state.interpreters[w]
                while state.failure == nil, state.next < count {
                    let i = state.next
                    state.next += 1
                    do throws(ScriptError) {
                        state.results[i] = try state.body(worker, i)
                        progress?.advance()
                    } catch {
                        if state.failure == nil || state.failure!.index > i { state.failure = (i, error) }
                    }
                }
                lock.release()
                group.leave()
            }
            // Script recursion runs on the Swift stack (see Interpreter.runOnLargeStack).
            thread.stackSize = 1 << 30
            thread.start()
        }
        // Workers take the lock in turn; this thread must not hold it while they run.
        lock.blocking { group.wait() }
        progress?.finish()
        if let failure = state.failure { throw failure.error }
        return state.results
    }
}
