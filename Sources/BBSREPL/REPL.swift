// The interactive session (`bbs` on a terminal, or `bbs repl`): one runtime and one
// `GlobalStore` for the whole session, so names, credentials and the transport persist
// from one input to the next, exactly as in a script.

import BBSLanguage
import BBSRuntime
import CEditLine
import Foundation

public enum REPL {
    /// Runs the session until `:quit`, Ctrl-D or `exit(code)`; returns the exit status.
    public static func run(options: RuntimeOptions) -> Int32 {
        var options = options
        options.scriptArguments = []
        let session = Session(options: options)
        return session.loop()
    }

    /// `~/.bbs_history`, or `BBS_HISTORY` (empty: no history file).
    static func historyPath(_ environment: [String: String]) -> String? {
        if let custom = environment["BBS_HISTORY"] {
            return custom.isEmpty ? nil : custom
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".bbs_history")
    }
}

final class Session {
    let runtime: Runtime
    let interpreter: Interpreter
    let globals = GlobalStore()
    let editor: LineEditor
    let colorOut: Bool
    let colorErr: Bool
    /// Lists of maps echo as tables; `:json` turns it off.
    var tables = true
    var inputNumber = 0

    init(options: RuntimeOptions) {
        runtime = Runtime(options: options)
        interpreter = runtime.interpreter
        let noColor = options.environment["NO_COLOR"] != nil
        colorOut = !noColor && isatty(STDOUT_FILENO) != 0
        colorErr = !noColor && isatty(STDERR_FILENO) != 0
        let runtime = self.runtime
        editor = LineEditor(historyPath: REPL.historyPath(options.environment)) { line in
            runtime.redact(line) != line
        }
        let completer = Completer(interpreter: interpreter, globals: globals)
        let names = LiveNames(runtime: runtime)
        completer.liveNames = { placeholder, before in names.lookup(placeholder, before) }
        replCompleter = completer
        LineEditor.installInterruptHandler()
    }

    func loop() -> Int32 {
        print("bbs \(runtime.options.version) — :help for help, Ctrl-D to exit")
        var pending = ""
        while true {
            interpreter.out.flush()
            interpreter.err.flush()
            fflush(stdout)
            let prompt = pending.isEmpty ? "bbs> " : "...> "
            switch editor.read(prompt: prompt) {
            case .end:
                editor.save()
                print("")
                return 0
            case .interrupted:
                // Ctrl-C: forget the line (and any unfinished statement) and prompt again.
                pending = ""
                print("")
                continue
            case .line(let line):
                if pending.isEmpty {
                    let trimmed = line.trimmingCharacters(in: .whitespaces)
                    if trimmed.isEmpty { continue }
                    if trimmed.hasPrefix(":") {
                        editor.record(trimmed)
                        if let status = command(trimmed) { return status }
                        continue
                    }
                }
                let text = pending.isEmpty ? line : pending + "\n" + line
                switch evaluate(text, echo: true) {
                case .incomplete:
                    pending = text
                case .done:
                    pending = ""
                    editor.record(text)
                case .exit(let code):
                    editor.record(text)
                    return code
                }
            }
        }
    }

    enum InputResult {
        case incomplete
        case done
        case exit(Int32)
    }

    /// Prepares and runs one input; echoes a non-nil value; reports errors and goes on.
    func evaluate(_ text: String, path: String = "<repl>", echo: Bool, allowIncomplete: Bool = true,
                  show: ((Value) -> Void)? = nil) -> InputResult {
        let script: PreparedScript
        switch runtime.prepare(SourceFile(path: path, text: text), session: globals) {
        case .rejected(let error):
            if allowIncomplete && error.isIncomplete { return .incomplete }
            writeError(runtime.render(error, color: colorErr))
            return .done
        case .ready(let s):
            script = s
        }
        Interpreter.interruptFlag.clear()
        replRunning.pointee = 1
        let outcome = runtime.execute(script)
        replRunning.pointee = 0
        Interpreter.interruptFlag.clear()
        replSawInterrupt.pointee = 0
        switch outcome {
        case .finished(let value):
            if let show {
                show(value)
            } else if echo, case .null = value {
            } else if echo {
                echoValue(value)
            }
        case .exited(let code):
            return .exit(code)
        case .failed(let error):
            writeError(runtime.render(error, color: colorErr))
        }
        return .done
    }

    /// Lists of maps as tables (unless `:json`), a stream as its first page.
    func echoValue(_ value: Value) {
        let width = Table.outputWidth(environment: runtime.options.environment)
        let (interpreter, color, tables) = (self.interpreter, colorOut, self.tables)
        let shown: Result<String, ScriptError>
        if case .object(let o) = value, o.typeName == "stream" {
            shown = Interpreter.runOnLargeStack {
                do throws(ScriptError) {
                    return .success(try Echo.streamText(o, interpreter: interpreter, color: color, tables: tables, width: width))
                } catch { return .failure(error) }
            }
        } else {
            // A value whose text would be too large is an error, as for `print`.
            do throws(ScriptError) {
                shown = .success(try Echo.text(value, color: color, tables: tables, width: width))
            } catch { shown = .failure(error) }
        }
        let text: String
        switch shown {
        case .success(let shownText): text = shownText
        case .failure(let error):
            writeError(runtime.render(error, color: colorErr))
            return
        }
        interpreter.out.write(text + "\n")
        interpreter.out.flush()
    }

    func writeError(_ text: String) {
        interpreter.out.flush()
        interpreter.err.write(text)  // masks secrets
        interpreter.err.flush()
    }

    /// Runs a `:` command; returns an exit status to end the session.
    func command(_ line: String) -> Int32? {
        let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        let name = String(parts[0])
        let rest = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch name {
        case ":help", ":h", ":?":
            print(Session.help)
        case ":quit", ":q", ":exit":
            editor.save()
            return 0
        case ":type", ":t":
            guard !rest.isEmpty else { writeError("usage: :type EXPR\n"); return nil }
            if case .exit(let code) = evaluate(rest, echo: false, allowIncomplete: false, show: { value in
                print(value.typeName)
            }) { return code }
        case ":json":
            tables = false
            print("lists of maps echo as JSON (:table for tables)")
        case ":table":
            tables = true
            print("lists of maps echo as tables (:json for JSON)")
        case ":trace":
            switch rest.lowercased() {
            case "on": runtime.isTracing = true
            case "off": runtime.isTracing = false
            case "": break
            default:
                writeError("usage: :trace on|off\n")
                return nil
            }
            print("trace is \(runtime.isTracing ? "on" : "off")")
        case ":load", ":l":
            guard !rest.isEmpty else { writeError("usage: :load FILE\n"); return nil }
            let path = (rest as NSString).expandingTildeInPath
            guard let data = FileManager.default.contents(atPath: path) else {
                writeError("cannot load '\(rest)': no such file\n")
                return nil
            }
            if case .exit(let code) = evaluate(String(decoding: data, as: UTF8.self), path: path, echo: false,
                                               allowIncomplete: false) {
                return code
            }
        default:
            writeError("unknown command \(name) (:help lists them)\n")
        }
        return nil
    }

    static let help = """
    Type bbs code; an expression's value is shown: a list of maps (or a stream's first page)
    as a table, other maps and lists as JSON.
    A statement may span lines: an open bracket or string continues it at the ...> prompt.
      :help          this text
      :type EXPR     the type of EXPR's value
      :load FILE     run FILE in this session (its names stay defined)
      :json          echo lists of maps as JSON; :table for tables again
      :trace on|off  show HTTP requests and git commands on stderr (secrets masked)
      :quit          leave (or Ctrl-D on an empty line)
    Tab completes names, module members (api., token., json., fs., ...), map keys and
    API paths inside api.get("/...  Ctrl-C clears the line or stops running code.
    History is kept in ~/.bbs_history (BBS_HISTORY=path to move it, empty to turn it off).
    """
}
