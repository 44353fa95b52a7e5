// The progress line of long work: `parallel`, a stream's `.list()` (`api.paginate`), and the
// `progress(iterable, label)` built-in. On a terminal it is one line on stderr, redrawn in
// place with done/total, rate and ETA, and erased when the work ends; with stderr not a
// terminal, or `NO_PROGRESS` set, nothing is drawn. It appears only once work has gone on
// for a moment, so short work never flickers. docs/builtins.md "progress".

import BBSLanguage
import Foundation

final class ProgressLine: @unchecked Sendable {
    /// Decided once per process by `Runtime`: stderr is a terminal and NO_PROGRESS is unset.
    nonisolated(unsafe) static var enabled = false
    /// Masks secrets in labels; set by `Runtime`.
    nonisolated(unsafe) static var redact: (String) -> String = { $0 }
    /// The line appears after this long, and is redrawn at most this often.
    static let delay = 0.3, interval = 0.1

    private let label: String
    private var total: Int?
    private let started = Date()
    private var done = 0
    private var lastDraw: Date?
    private var finished = false
    // `parallel` workers advance it from several threads.
    private let mutex = NSLock()

    /// Nil when progress is not shown, so callers pay nothing.
    static func start(_ label: String, total: Int?) -> ProgressLine? {
        enabled ? ProgressLine(label: redact(label), total: total) : nil
    }

    private init(label: String, total: Int?) {
        self.label = label
        self.total = total
    }

    deinit { finish() }

    func setTotal(_ total: Int?) {
        mutex.lock()
        self.total = total
        mutex.unlock()
    }

    func advance(by n: Int = 1) {
        mutex.lock()
        defer { mutex.unlock() }
        done += n
        let now = Date()
        guard !finished, now.timeIntervalSince(started) >= ProgressLine.delay,
              lastDraw.map({ now.timeIntervalSince($0) >= ProgressLine.interval }) ?? true else { return }
        lastDraw = now
        ProgressLine.write("\r\u{1B}[K" + text(now: now))
    }

    /// Erases the line, if it was drawn.
    func finish() {
        mutex.lock()
        defer { mutex.unlock() }
        guard !finished else { return }
        finished = true
        if lastDraw != nil { ProgressLine.write("\r\u{1B}[K") }
    }

    /// `label: 120/500  38.2/s  ETA 0:10`
    func text(now: Date) -> String {
        let elapsed = max(now.timeIntervalSince(started), 0.001)
        let rate = Double(done) / elapsed
        var out = "\(label): \(done)"
        if let total { out += "/\(total)" }
        out += String(format: "  %.1f/s", rate)
        if let total, rate > 0, total > done {
            let left = Int((Double(total - done) / rate).rounded())
            out += String(format: "  ETA %d:%02d", left / 60, left % 60)
        }
        return out
    }

    private static func write(_ text: String) {
        text.withCString { _ = Foundation.write(STDERR_FILENO, $0, strlen($0)) }
    }
}

/// Counts the items a loop pulls through `progress(iterable, label)`.
struct ProgressIterator: ValueIterator {
    var base: any ValueIterator
    let line: ProgressLine?
    var sawFirst = false

    mutating func next(_ interpreter: Interpreter) throws(ScriptError) -> Value? {
        guard let v = try base.next(interpreter) else {
            line?.finish()
            return nil
        }
        if let line {
            if !sawFirst, let total = base.page?.total { line.setTotal(total) }
            sawFirst = true
            line.advance()
        }
        return v
    }

    var page: (buffered: Int, total: Int?)? { base.page }
}

enum ProgressBuiltins {
    static func install(into interpreter: Interpreter) {
        interpreter.defineBuiltin("progress", arity: 1...2) { args, interp throws(ScriptError) in
            let label = args.isAbsent(1) ? "progress" : try args.string(1, "the label")
            let source = args[0]
            let total: Int?
            switch source {
            case .list(let l): total = l.items.count
            case .object(let o):
                guard try o.makeIterator(interp) != nil else {
                    throw args.argumentError(0, "argument 1", expected: "a list or stream")
                }
                total = nil
            default: throw args.argumentError(0, "argument 1", expected: "a list or stream")
            }
            return .object(StreamValue(label: label) { i throws(ScriptError) in
                let base: any ValueIterator
                switch source {
                case .list(let l): base = ListItems(items: l.items)
                case .object(let o): base = try o.makeIterator(i)!
                default: base = ListItems(items: [])
                }
                let line = ProgressLine.start(label, total: total ?? base.page?.total)
                return ProgressIterator(base: base, line: line)
            })
        }
    }
}

private struct ListItems: ValueIterator {
    let items: [Value]
    var index = 0
    mutating func next(_ interpreter: Interpreter) throws(ScriptError) -> Value? {
        guard index < items.count else { return nil }
        index += 1
        return items[index - 1]
    }
}
