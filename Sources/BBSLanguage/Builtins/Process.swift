// `run([cmd, args...], {cwd, env, stdin})`: runs another program to completion and
// returns `{status, stdout, stderr}`. A non-zero status is data, not an error; only a
// program that cannot be started throws (kind "process").
//
// Foundation's `waitUntilExit()` polls every 50 ms, so completion is signalled through
// `terminationHandler` and a semaphore instead, and both pipes are drained on
// background threads before waiting, or a child writing more than a pipe buffer
// (~64 KB) would block forever.

import Foundation

enum ProcessBuiltins {
    static func install(into interp: Interpreter) {
        interp.defineBuiltin("run", arity: 1...2) { args, interp throws(ScriptError) in
            try run(args, interp)
        }
    }

    private static func run(_ args: Arguments, _ interp: Interpreter) throws(ScriptError) -> Value {
        let argv = try commandLine(args)
        let options = try args.options(1, allowed: ["cwd", "stdin", "env"])
        let cwd = try options.string("cwd")
        // A secret may be fed on stdin (`docker login --password-stdin`): a pipe is private.
        let input: String?
        if case .object(let o as SecretValue)? = options.value("stdin") { input = o.text } else {
            input = try options.string("stdin")
        }
        let environment = try mergedEnvironment(args, options, interp.host)

        if let cwd, !FileSystemBuiltins.isDirectory(cwd) {
            throw ScriptError.runtime(.process, "run: cannot start '\(argv[0])': working directory '\(cwd)' does not exist")
        }
        try refuseNULs(argv, environment)
        guard let executable = resolve(argv[0], cwd: cwd, path: environment["PATH"]) else {
            throw ScriptError.runtime(.process, "run: cannot start '\(argv[0])': \(whyNotExecutable(argv[0], cwd: cwd))")
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(argv.dropFirst())
        process.environment = environment
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        // Without `stdin`, the child reads nothing rather than competing for the terminal
        // (a prompting program must not hang a CI job).
        let inPipe = input.map { _ in Pipe() }
        process.standardInput = inPipe ?? FileHandle.nullDevice

        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }

        // The child inherits our stdout and stderr file descriptors only through its own
        // pipes, but a script's earlier output must still come first in any shared log.
        interp.out.flush()
        do {
            try process.run()
        } catch {
            throw ScriptError.runtime(.process, "run: cannot start '\(argv[0])': \(reason(error))")
        }

        let drained = DispatchGroup()
        let out = Collected(), err = Collected()
        // A program that writes without end (`yes`) must not take all memory: past the one
        // text limit, it is stopped and run() fails.
        let stop: @Sendable () -> Void = { if process.isRunning { process.terminate() } }
        out.drain(outPipe.fileHandleForReading, limit: Printer.maxTextBytes, overflow: stop, drained)
        err.drain(errPipe.fileHandleForReading, limit: Printer.maxTextBytes, overflow: stop, drained)
        if let inPipe, let input { feed(input, to: inPipe.fileHandleForWriting) }

        var interrupted = false
        interp.host.outsideScript {
            while exited.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
                if Interpreter.interruptFlag.isSet && !interrupted {
                    interrupted = true
                    process.terminate()
                }
            }
            drained.wait()
        }
        if interrupted || Interpreter.interruptFlag.isSet { throw ScriptError.interrupted }
        if out.overflowed || err.overflowed {
            throw ScriptError.runtime(.process, "run: '\(argv[0])' wrote more than \(Printer.maxTextBytes >> 20) MiB to \(out.overflowed ? "stdout" : "stderr") and was stopped (send output that big to a file, e.g. run([\"sh\", \"-c\", \"... > out.txt\"]))")
        }

        // Like a shell: death by signal N reads as status 128 + N.
        let status = process.terminationReason == .uncaughtSignal
            ? 128 + Int(process.terminationStatus) : Int(process.terminationStatus)
        let result = MapRef()
        result.entries["status"] = .int(status)
        result.entries["stdout"] = interp.host.value(ofText: String(decoding: out.data, as: UTF8.self), from: "run \(argv[0]) stdout")
        result.entries["stderr"] = interp.host.value(ofText: String(decoding: err.data, as: UTF8.self), from: "run \(argv[0]) stderr")
        return .map(result)
    }

    /// The errno text behind a failed launch; Foundation wraps it in a Cocoa error whose
    /// own description ("The operation could not be completed") says nothing useful.
    private static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return FileSystemBuiltins.reason(Int32(posix.code))
        }
        if ns.domain == NSPOSIXErrorDomain { return FileSystemBuiltins.reason(Int32(ns.code)) }
        return ns.localizedDescription
    }

    /// The argument list as strings. Numbers are written as they print; secrets and other
    /// values are refused, since an argument list is visible to every user of the machine.
    private static func commandLine(_ args: Arguments) throws(ScriptError) -> [String] {
        let list = try args.list(0, "command")
        guard !list.items.isEmpty else { throw ScriptError.value("run: the command list is empty") }
        var argv: [String] = []
        for (i, v) in list.items.enumerated() {
            switch v {
            case .string(let s): argv.append(s)
            case .int, .float: argv.append(Printer.display(v))
            case .object(let o as SecretValue):
                throw ScriptError.value("run: command element \(i) is a secret (\(o.origin)); an argument list is visible to every user of the machine. Pass it in the child's environment: run(cmd, {env: {NAME: secret}})")
            default: throw ScriptError.type("run: command element \(i) must be a string, not \(v.typeName)")
            }
        }
        if argv[0].isEmpty { throw ScriptError.value("run: the program name is empty") }
        return argv
    }

    /// This process's environment with the `env` option laid over it; a nil value unsets. A
    /// secret named here is passed with its real text: the script asked for it by name.
    private static func mergedEnvironment(_ args: Arguments, _ options: OptionMap, _ host: InterpreterHost) throws(ScriptError) -> [String: String] {
        var environment = host.inheritedEnvironment(ProcessInfo.processInfo.environment)
        let m: MapRef
        switch options.value("env") {
        case nil: return environment
        case .map(let given)?: m = given
        case let other?: throw options.mistyped("env", "a map", other)
        }
        for (k, v) in m.entries.pairs {
            switch v {
            case .null: environment[k] = nil
            case .string(let s): environment[k] = s
            case .int, .float, .bool: environment[k] = Printer.display(v)
            case .object(let o as SecretValue): environment[k] = o.text
            default: throw ScriptError.type("run: env value '\(k)' must be a string, not \(v.typeName)")
            }
        }
        return environment
    }

    /// A C string ends at its first NUL: the child would silently get a shorter argument.
    private static func refuseNULs(_ argv: [String], _ environment: [String: String]) throws(ScriptError) {
        for (i, a) in argv.enumerated() where a.utf8.contains(0) {
            throw ScriptError.value("run: command element \(i) contains a NUL character (\\0), which a program cannot receive")
        }
        for (k, v) in environment where k.utf8.contains(0) || v.utf8.contains(0) {
            throw ScriptError.value("run: env '\(Lexer.visible(k))' contains a NUL character (\\0), which a program cannot receive")
        }
    }

    /// Why `resolve` found nothing: a path names a directory or a file without execute
    /// permission, or nothing; a bare name is not on PATH.
    private static func whyNotExecutable(_ name: String, cwd: String?) -> String {
        guard name.contains("/") else { return "command not found" }
        let full = name.hasPrefix("/") || cwd == nil ? name : cwd! + "/" + name
        if FileSystemBuiltins.isDirectory(full) { return "it is a directory" }
        var st = stat()
        if stat(full, &st) == 0 { return "permission denied (the file is not executable)" }
        return "no such file"
    }

    /// The executable for `name`: a path with a `/` is taken as is (relative to `cwd`, as
    /// Python's subprocess does), a bare name is searched on PATH.
    static func resolve(_ name: String, cwd: String?, path: String?) -> String? {
        if name.contains("/") {
            let full = name.hasPrefix("/") || cwd == nil ? name : cwd! + "/" + name
            return access(full, X_OK) == 0 && !FileSystemBuiltins.isDirectory(full) ? absolute(full) : nil
        }
        for dir in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false) {
            let base = dir.isEmpty ? "." : String(dir)
            let candidate = base + "/" + name
            if access(candidate, X_OK) == 0, !FileSystemBuiltins.isDirectory(candidate) { return absolute(candidate) }
        }
        return nil
    }

    private static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return FileManager.default.currentDirectoryPath + "/" + path
    }

    /// Writes the child's stdin on its own thread, with SIGPIPE blocked there: a child
    /// that exits without reading must give EPIPE here, not kill the interpreter.
    private static func feed(_ input: String, to handle: FileHandle) {
        let bytes = Array(input.utf8)
        let fd = handle.fileDescriptor
        let thread = Thread {
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &set, nil)
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                offset += n
            }
            try? handle.close()
        }
        thread.start()
    }
}

/// Bytes read from one pipe on a background thread; read only after the group is done.
private final class Collected: @unchecked Sendable {
    var data = Data()
    /// Set when the program wrote more than the limit; what came after was not read.
    var overflowed = false

    /// Reads `handle` to its end, or until more than `limit` bytes came, then calls
    /// `overflow` (which stops the program) and stops reading.
    func drain(_ handle: FileHandle, limit: Int, overflow: @escaping @Sendable () -> Void, _ group: DispatchGroup) {
        group.enter()
        let thread = Thread {
            let fd = handle.fileDescriptor
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                if self.data.count + n > limit {
                    self.overflowed = true
                    overflow()
                    break
                }
                self.data.append(contentsOf: chunk[0..<n])
            }
            // Foundation does not close a pipe's read end by itself: without this, every
            // `run` kept two descriptors open until the process ran out of them.
            try? handle.close()
            group.leave()
        }
        thread.start()
    }
}
