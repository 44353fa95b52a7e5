// `stream`: a lazy sequence (what `api.paginate` and the repo listings return).
//
// A stream is a recipe: each `for` loop, `.list()` or `.first()` starts it afresh (for
// `api.paginate`, from the first page), and pulls only as many items as it consumes, so
// `.take(5)` on a 10,000-item collection fetches one page. `.map`, `.filter` and `.take`
// return new streams without pulling anything.

import BBSLanguage
import Foundation

final class StreamValue: HostObject {
    typealias Start = (Interpreter) throws(ScriptError) -> any ValueIterator
    private let start: Start
    let label: String

    init(label: String, _ start: @escaping Start) {
        self.label = label
        self.start = start
    }

    override var typeName: String { "stream" }
    override var displayText: String { "<stream \(label)>" }
    override var memberNames: [String] { ["map", "filter", "take", "list", "first", "count", "each"] }

    override func makeIterator(_ interpreter: Interpreter) throws(ScriptError) -> ValueIterator? {
        try start(interpreter)
    }

    override func callMethod(_ name: String, _ args: Arguments, _ interp: Interpreter) throws(ScriptError) -> Value? {
        let callee = "stream.\(name)"
        func arity(_ r: ClosedRange<Int>) throws(ScriptError) {
            guard r.contains(args.count) else {
                let expected = r.lowerBound == r.upperBound ? "\(r.lowerBound)" : "\(r.lowerBound) to \(r.upperBound)"
                throw ScriptError.type("\(callee)() takes \(expected) argument\(r.upperBound == 1 ? "" : "s") but \(args.count) \(args.count == 1 ? "was" : "were") given")
            }
        }
        let a = Arguments(args.values, callee: callee)
        switch name {
        case "map":
            try arity(1...1)
            let fn = try a.function(0, "the function")
            let base = start
            return .object(StreamValue(label: label) { i throws(ScriptError) in MapIterator(base: try base(i), fn: fn) })
        case "filter":
            try arity(1...1)
            let fn = try a.function(0, "the predicate")
            let base = start
            return .object(StreamValue(label: label) { i throws(ScriptError) in FilterIterator(base: try base(i), fn: fn) })
        case "take":
            try arity(1...1)
            let n = try a.int(0, "the count")
            guard n >= 0 else { throw ScriptError.value("\(callee): the count must not be negative, not \(n)") }
            let base = start
            return .object(StreamValue(label: label) { i throws(ScriptError) in TakeIterator(base: try base(i), left: n) })
        case "list":
            try arity(0...0)
            var it = try start(interp)
            var items: [Value] = []
            // A `progress(...)` stream draws its own line.
            let progress = it is ProgressIterator ? nil : ProgressLine.start(label, total: nil)
            defer { progress?.finish() }
            while let v = try it.next(interp) {
                if items.isEmpty, let total = it.page?.total { progress?.setTotal(total) }
                items.append(v)
                progress?.advance()
            }
            return .list(ListRef(items))
        case "first":
            try arity(0...0)
            var it = try start(interp)
            return try it.next(interp) ?? .null
        case "count":
            try arity(0...0)
            var it = try start(interp)
            var n = 0
            while try it.next(interp) != nil { n += 1 }
            return .int(n)
        case "each":
            try arity(1...1)
            let fn = try a.function(0, "the function")
            var it = try start(interp)
            while let v = try it.next(interp) { _ = try interp.call(fn, [v]) }
            return .null
        default:
            return nil
        }
    }

    private struct MapIterator: ValueIterator {
        var base: any ValueIterator
        let fn: Value
        mutating func next(_ interp: Interpreter) throws(ScriptError) -> Value? {
            guard let v = try base.next(interp) else { return nil }
            return try interp.call(fn, [v])
        }
    }

    private struct FilterIterator: ValueIterator {
        var base: any ValueIterator
        let fn: Value
        mutating func next(_ interp: Interpreter) throws(ScriptError) -> Value? {
            while let v = try base.next(interp) {
                if try interp.call(fn, [v]).isTruthy { return v }
            }
            return nil
        }
    }

    private struct TakeIterator: ValueIterator {
        var base: any ValueIterator
        var left: Int
        mutating func next(_ interp: Interpreter) throws(ScriptError) -> Value? {
            guard left > 0 else { return nil }
            left -= 1
            return try base.next(interp)
        }
    }
}
