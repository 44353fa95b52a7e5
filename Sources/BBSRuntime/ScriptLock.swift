// The interpreter lock: how `parallel` runs script code on several threads at once
// without making the language thread-safe.
//
// Design
// - The interpreter is single-threaded: lists, maps, globals, output buffers and the
//   module loader are plain unsynchronised Swift objects. What is per-call is only the
//   value stack (fp/sp/call depth), which lives in an `Interpreter` instance.
// - `parallel` therefore gives each worker thread its own `Interpreter` (its own value
//   stack) that shares everything else with the main one: the same builtins, method
//   tables, output buffers and module loader, and the compiled closures, which reach
//   globals through the `GlobalStore`s they captured (see `WorkerInterpreters`).
// - One lock per runtime, this `ScriptLock` (its interpreters reach it through their
//   `RuntimeHost`), is held by whichever thread runs script code. Built-ins release it around blocking waits (HTTP requests, `sleep`, the
//   terminal prompt) with `blocking { ... }`, so while one worker waits on the network
//   another runs script code. Script code never runs concurrently, so no data race
//   can reach language objects; HTTP waits overlap, which is what I/O-bound work
//   needs (200 GETs with 8 workers take ~1/8 of the time).
// - Ownership is tracked per thread (thread-local flag), so code that never took the
//   lock (the main script thread before any `parallel`, the REPL) can call the same
//   built-ins: `blocking` only releases a lock the current thread holds. `parallel`
//   takes the lock on the calling thread first if it does not hold it yet.
// - Released as well: the wait for a git command (GitBuiltins.swift), so clones overlap, and
//   the wait for a `run` child (through the interpreter's host, `InterpreterHost.outsideScript`).
//   Not released: `fs.*`, which is short.

import Foundation

final class ScriptLock: Sendable {
    private let mutex = NSLock()
    /// Per lock, so a thread holding one runtime's lock is not taken to hold another's.
    private let key = "bbs.script-lock.\(UUID().uuidString)"

    /// True when the calling thread holds the lock.
    var isHeldByCurrentThread: Bool {
        Thread.current.threadDictionary[key] != nil
    }

    func acquire() {
        mutex.lock()
        Thread.current.threadDictionary[key] = true
    }

    func release() {
        Thread.current.threadDictionary.removeObject(forKey: key)
        mutex.unlock()
    }

    /// Runs `body` (a blocking wait that touches no language object) with the lock released,
    /// if this thread holds it, and takes it back afterwards.
    func blocking<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        guard isHeldByCurrentThread else { return try body() }
        release()
        defer { acquire() }
        return try body()
    }

    /// Runs `body` holding the lock, taking it first if this thread does not hold it yet.
    func holding<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        if isHeldByCurrentThread { return try body() }
        acquire()
        defer { release() }
        return try body()
    }
}
