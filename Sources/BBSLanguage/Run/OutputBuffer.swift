// Buffered writes to a file descriptor. `print` in a loop must not make a system call
// per line; the buffer is flushed when full, at exit, and before anything else may
// write to the same terminal (stderr, child processes, prompts).

import Foundation

public final class OutputBuffer {
    public static let stdout = OutputBuffer(fd: 1)
    public static let stderr = OutputBuffer(fd: 2, autoflush: true)

    private let fd: Int32
    private var buffer: [UInt8] = []
    private let autoflush: Bool
    /// Rewrites text before it is written, e.g. to mask secrets; nil writes text as is.
    public var filter: ((String) -> String)?
    /// When set, text is captured here instead of written (tests, the REPL).
    public var capture: ((String) -> Void)?

    /// Output to a terminal is flushed per write; to a pipe or file (CI logs), when the
    /// buffer fills or a quarter second has passed, so logs still appear as a job runs.
    public init(fd: Int32, autoflush: Bool = false) {
        self.fd = fd
        self.autoflush = autoflush || isatty(fd) != 0
        buffer.reserveCapacity(1 << 16)
    }

    private var lastFlush = OutputBuffer.now()

    private static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    public func write(_ text: String) {
        let text = filter.map { $0(text) } ?? text
        if let capture {
            capture(text)
            return
        }
        buffer.append(contentsOf: text.utf8)
        if autoflush || buffer.count >= 1 << 16 || OutputBuffer.now() - lastFlush > 250_000_000 { flush() }
    }

    public func flush() {
        lastFlush = OutputBuffer.now()
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 {
                    if n < 0 && errno == EINTR { continue }
                    break
                }
                offset += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
