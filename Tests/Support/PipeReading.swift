// Reading a child's output through a Foundation Pipe without leaking the pipe.

import Foundation

extension FileHandle {
    /// Everything up to end of file, then the descriptor closed. swift-corelibs-foundation
    /// never closes a Pipe's read end, not even when the Pipe is freed: a test run that
    /// starts a thousand processes kept a thousand descriptors, and past about 1,300 open
    /// descriptors `Process.run` itself crashed (CI, 2026-12-07).
    public func readAllAndClose() -> Data {
        let data = readDataToEndOfFile()
        try? close()
        return data
    }
}
