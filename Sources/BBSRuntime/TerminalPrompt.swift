// Hidden input from the controlling terminal (/dev/tty, not stdin, so a script reading
// piped data can still ask for a token): the label goes to the terminal, echo is turned
// off while the line is read, and the terminal's settings are always restored.

import BBSLanguage
import Foundation

enum TerminalPrompt {
    static func readHidden(label: String) throws(ScriptError) -> String {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else {
            throw ScriptError.runtime(.io, "token.prompt: no terminal to ask on (in CI use token.env or token.file)")
        }
        defer { close(fd) }
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else {
            throw ScriptError.runtime(.io, "token.prompt: no terminal to ask on (in CI use token.env or token.file)")
        }
        let prompt = label.hasSuffix(": ") || label.hasSuffix(":") ? label : label + ": "
        writeAll(fd, prompt)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO | ECHONL)
        silent.c_lflag |= tcflag_t(ICANON)
        tcsetattr(fd, TCSAFLUSH, &silent)
        defer {
            tcsetattr(fd, TCSAFLUSH, &saved)
            writeAll(fd, "\n")
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = read(fd, &byte, 1)
            if n < 0 && errno == EINTR {
                if Interpreter.interruptFlag.isSet { throw ScriptError.interrupted }
                continue
            }
            if n <= 0 || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { break }
            bytes.append(byte)
        }
        if Interpreter.interruptFlag.isSet { throw ScriptError.interrupted }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func writeAll(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
            if n <= 0 { break }
            offset += n
        }
    }
}
