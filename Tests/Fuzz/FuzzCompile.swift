// libFuzzer target: arbitrary bytes through the lexer, parser, resolver and compiler, the
// way `bbs check` takes a file. Nothing runs. Any crash, trap or hang here is a bug: bad
// input must end in diagnostics. Built by scripts/fuzz together with the BBSLanguage
// sources as one module (see FuzzEntry.swift); not part of the SwiftPM package.

import Foundation

private let interpreter: Interpreter = {
    let i = Interpreter()
    CoreLibrary.install(into: i)
    return i
}()

func fuzzCompile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let file = SourceFile(path: "fuzz.bbs", text: text)
    // As in `bbs`: the phases recurse over the tree, on a large stack.
    let rendered = LargeStackWorker.shared.run { () -> Int in
        switch interpreter.prepare(file, globals: GlobalStore()) {
        case .success: return 0
        case .failure(let e): return e.render().utf8.count
        }
    }
    _ = rendered
    return 0
}
