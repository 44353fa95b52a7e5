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
