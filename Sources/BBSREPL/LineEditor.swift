// Line editing on libedit's readline-compatible API (docs/internals.md "The REPL and libedit"):
// `readline` for a line, `add_history`/`write_history` for the history file, and a
// completion callback that is a plain C function, so its state lives in globals.
//
// Ctrl-C: a SIGINT handler installed with sigaction and *without* SA_RESTART, plus
// `rl_catch_signals = 0`, makes `readline` return nil with our flag set (cancel the line);
// nil without the flag is end of input (Ctrl-D). The same handler sets the interpreter's
// interrupt flag, which a running script polls at loop turns and calls.

import BBSLanguage
import CEditLine
import Foundation

/// Set by the SIGINT handler; read and cleared by the REPL.
nonisolated(unsafe) let replSawInterrupt: UnsafeMutablePointer<Int32> = {
    let p = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    p.initialize(to: 0)
    return p
}()
/// 1 while an input runs: a second Ctrl-C then ends bbs, for code stuck in a system call.
nonisolated(unsafe) let replRunning: UnsafeMutablePointer<Int32> = {
    let p = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    p.initialize(to: 0)
    return p
}()
/// Written by the handler before it ends bbs (allocated up front: no malloc in a handler).
nonisolated(unsafe) var replExitMessage: UnsafeMutablePointer<CChar>?
/// The thread blocked in `readline`: a SIGINT delivered to another thread is sent on to it,
/// so its `read` is interrupted.
nonisolated(unsafe) var replMainThread: pthread_t = pthread_self()
/// The completion engine the C callbacks call into.
nonisolated(unsafe) var replCompleter: Completer?
/// Matches computed for the current completion request (state 0), handed out one by one.
nonisolated(unsafe) var replMatches: [String] = []

final class LineEditor {
    let historyPath: String?
    let historyLimit: Int
    /// Every entry, oldest first, mirrored from libedit's list so it can be filtered.
    private var entries: [String] = []
    /// Tells whether a line holds the text of a secret the session knows.
    private let containsSecret: (String) -> Bool

    init(historyPath: String?, historyLimit: Int = 1000, containsSecret: @escaping (String) -> Bool) {
        self.historyPath = historyPath
        self.historyLimit = historyLimit
        self.containsSecret = containsSecret
        // libedit drops multi-byte characters in the C locale: use the user's, or C.UTF-8.
        let ctype = setlocale(LC_CTYPE, "").map { String(cString: $0) } ?? "C"
        if ctype == "C" || ctype == "POSIX" { _ = setlocale(LC_CTYPE, "C.UTF-8") }
        bbs_rl_set_name(strdup("bbs"))
        bbs_rl_set_catch_signals(0)
        bbs_rl_set_query_items(200)
        // '.' and '/' are not word breaks, so `api.ge` and `/repositories/x` are one word;
        // the completer recomputes the word itself anyway.
        bbs_rl_set_word_breaks(strdup(" \t\n\"\\'`@$><=;|&{(}[],+-*%!:"))
        bbs_rl_set_completion { text, start, end in
            replComplete(start: start, end: end)
        }
        using_history()
        stifle_history(Int32(historyLimit))
        loadHistory()
    }

    // MARK: signals

    static func installInterruptHandler() {
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        replMainThread = pthread_self()
        // Touch the lazily initialised globals now: the handler must not be the first to.
        replSawInterrupt.pointee = 0
        replRunning.pointee = 0
        replExitMessage = strdup("\nbbs: interrupted again; exiting\n")
        Interpreter.interruptFlag.clear()
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            if replRunning.pointee != 0 && Interpreter.interruptFlag.isSet {
                if let message = replExitMessage { _ = write(STDERR_FILENO, message, strlen(message)) }
                _exit(130)
            }
            Interpreter.interruptFlag.set()
            replSawInterrupt.pointee = 1
            // At the prompt, readline's read on the main thread must see EINTR.
            if replRunning.pointee == 0 && pthread_equal(pthread_self(), replMainThread) == 0 {
                pthread_kill(replMainThread, SIGINT)
            }
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART: readline's read must fail with EINTR
        sigaction(SIGINT, &action, nil)
    }

    // MARK: reading

    enum Input {
        case line(String)
        case interrupted
        case end
    }

    func read(prompt: String) -> Input {
        replSawInterrupt.pointee = 0
        guard let raw = readline(prompt) else {
            if replSawInterrupt.pointee != 0 {
                replSawInterrupt.pointee = 0
                return .interrupted
            }
            return .end
        }
        defer { free(raw) }
        return .line(String(cString: raw))
    }

    // MARK: history

    private func loadHistory() {
        guard let historyPath, FileManager.default.fileExists(atPath: historyPath) else { return }
        _ = read_history(historyPath)
        let count = Int(bbs_history_length())
        for i in 0..<count {
            if let line = bbs_history_line(Int32(i)) { entries.append(String(cString: line)) }
        }
    }

    /// Adds a whole statement (possibly several lines) as one entry and saves the file now,
    /// so a crash loses nothing. An entry with a known secret's text is never kept, and
    /// entries kept before the secret became known are dropped too.
    func record(_ entry: String) {
        let trimmed = entry.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return }
        var rebuild = false
        if containsSecret(entry) {
            rebuild = entries.contains(where: containsSecret)
        } else {
            if entries.last != entry {
                entries.append(entry)
                add_history(entry)
            }
            rebuild = entries.contains(where: containsSecret)
        }
        if entries.count > historyLimit {
            entries.removeFirst(entries.count - historyLimit)
        }
        if rebuild {
            entries.removeAll(where: containsSecret)
            clear_history()
            for e in entries { add_history(e) }
        }
        save()
    }

    func save() {
        guard let historyPath else { return }
        if !FileManager.default.fileExists(atPath: historyPath) {
            FileManager.default.createFile(atPath: historyPath, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        _ = write_history(historyPath)
        chmod(historyPath, 0o600)
    }
}

/// The attempted-completion callback: the completer works on the whole line up to the
/// cursor, and its candidates are rewritten to replace exactly `line[start..<end]`.
private func replComplete(start: Int32, end: Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    // Never fall back to file-name completion.
    bbs_rl_set_completion_over(1)
    guard let completer = replCompleter, let buffer = bbs_rl_line_buffer() else { return nil }
    let line = String(cString: buffer)
    let bytes = Array(line.utf8)
    // libedit counts `start` and `end` in characters (wide chars); convert to UTF-8 offsets.
    let scalars = Array(line.unicodeScalars)
    func byteOffset(_ n: Int32) -> Int {
        scalars.prefix(max(0, Int(n))).reduce(0) { $0 + $1.utf8.count }
    }
    let endIndex = min(byteOffset(end), bytes.count)
    let startIndex = min(byteOffset(start), endIndex)
    let prefix = String(decoding: bytes[0..<endIndex], as: UTF8.self)
    let result = completer.complete(prefix)
    bbs_rl_set_append_character(Int32(result.appendSpace ? 32 : 0))
    // `result.wordStart` is a UTF-8 offset into prefix; libedit's word starts at startIndex.
    var candidates: [String] = []
    for c in result.candidates {
        let full = Array(bytes[0..<result.wordStart]) + Array(c.utf8)
        guard full.count >= startIndex, Array(full[0..<startIndex]) == Array(bytes[0..<startIndex]) else { continue }
        candidates.append(String(decoding: full[startIndex...], as: UTF8.self))
    }
    replMatches = candidates
    guard !candidates.isEmpty else { return nil }
    let text = String(decoding: bytes[startIndex..<endIndex], as: UTF8.self)
    return text.withCString { cText in
        rl_completion_matches(cText) { _, state in
            let index = Int(state)
            guard index < replMatches.count else { return nil }
            return strdup(replMatches[index])
        }
    }
}
