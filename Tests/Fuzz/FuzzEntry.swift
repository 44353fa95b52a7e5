// The one libFuzzer entry point of the `bbs-fuzz` binary. scripts/fuzz compiles it with the
// BBSLanguage sources into a single module (so one build serves every target) and picks the
// target with BBS_FUZZ_TARGET: `compile` (lexer, parser, resolver, compiler) or `json`.

import Foundation

private let target: (UnsafePointer<UInt8>, Int) -> CInt = {
    switch ProcessInfo.processInfo.environment["BBS_FUZZ_TARGET"] ?? "compile" {
    case "json": return fuzzJSON
    case "compile": return fuzzCompile
    case let other: fatalError("BBS_FUZZ_TARGET must be compile or json, not \(other)")
    }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    target(data, size)
}

/// One long-lived thread with the interpreter's 1 GiB stack that runs each input in turn:
/// starting a thread per input (as `Interpreter.runOnLargeStack` does) would dominate the
/// fuzzer's time.
final class LargeStackWorker: @unchecked Sendable {
    static let shared = LargeStackWorker()
    private let ready = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private var job: (() -> Void)?

    private init() {
        let thread = Thread { [unowned self] in
            while true {
                self.ready.wait()
                self.job?()
                self.job = nil
                self.done.signal()
            }
        }
        thread.stackSize = 1 << 30
        thread.start()
    }

    func run<T>(_ body: @escaping () -> T) -> T {
        var result: T?
        job = { result = body() }
        ready.signal()
        done.wait()
        return result!
    }
}
