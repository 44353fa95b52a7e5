// Runs one script to completion and turns its outcome into an exit status, through the
// runtime's one entry (prepare, execute, render), which prints diagnostics the way compilers
// do: `path:line:col: error: message`, the line, a caret.

import BBSErrorKinds
import BBSLanguage
import BBSRuntime
import Foundation

enum ScriptRunner {
    static func run(_ source: SourceFile, options: RuntimeOptions) -> Int32 {
        installInterruptHandler()
        // What the script built (its runtime, globals and tree) is released when `runScript`
        // returns: on the large stack as well, so freeing a deeply linked value cannot crash.
        return Interpreter.runOnLargeStack { runScript(source, options: options) }
    }

    private static func runScript(_ source: SourceFile, options: RuntimeOptions) -> Int32 {
        let runtime = Runtime(options: options)
        switch runtime.prepare(source) {
        case .rejected(let error):
            writeError(runtime.render(error, color: useColor()))
            return Runtime.exitStatusForRejected
        case .ready(let script):
            for warning in Runtime.misplacedOptionWarnings(options.scriptArguments) { writeError(warning + "\n") }
            let outcome = runtime.execute(script)
            if case .failed(let error) = outcome { writeError(runtime.render(error, color: useColor())) }
            if let summary = runtime.dryRunSummary { writeError(summary + "\n") }
            return outcome.exitStatus
        }
    }

    /// The first Ctrl-C asks the script to stop at its next loop turn or call; a second
    /// one ends the process at once, for a script stuck in a system call.
    static func installInterruptHandler() {
        // A parent may have started us with SIGINT blocked (threads of Swift concurrency
        // and NIO block it, and children inherit the mask): unblock it, or Ctrl-C is lost.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        signal(SIGINT) { _ in
            if Interpreter.interruptFlag.isSet { _exit(ExitStatus.interrupted) }
            Interpreter.interruptFlag.set()
        }
    }
}
