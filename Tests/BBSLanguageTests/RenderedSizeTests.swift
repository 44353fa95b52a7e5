// The size bound the writers use to stop early on values that share parts: it must never
// exceed the text actually written (or a value that fits would be refused), it is exact
// on shared values (with cycles, when printing), and it lets a writer stop without
// writing the text.

import XCTest
@testable import BBSLanguage

final class RenderedSizeTests: XCTestCase {
    /// Deterministic values whose lists and maps reuse earlier ones (and, when `cycles`,
    /// sometimes contain themselves), with one-digit ints and plain strings, whose least
    /// size is their exact size.
    private struct Generator {
        var state: UInt64

        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }

        mutating func value(cycles: Bool) -> Value {
            var pool: [Value] = [.int(7), .string("ab"), .null, .bool(true)]
            var lists: [ListRef] = []
            for _ in 0..<(3 + next(12)) {
                var items: [Value] = []
                for _ in 0..<next(4) { items.append(pool[next(pool.count)]) }
                if next(2) == 0 {
                    let list = ListRef(items)
                    lists.append(list)
                    pool.append(.list(list))
                } else {
                    var entries = OrderedMap()
                    for (i, item) in items.enumerated() { entries["k\(i)"] = item }
                    pool.append(.map(MapRef(entries)))
                }
            }
            // Lists that reach values made after them: themselves, or through others.
            for _ in 0..<(cycles ? 1 + next(3) : 0) where !lists.isEmpty {
                lists[next(lists.count)].items.append(pool[pool.count - 1 - next(min(4, pool.count))])
            }
            return pool[pool.count - 1]
        }
    }

    func testTheBoundIsExactForSharedValues() throws {
        var generator = Generator(state: 16)
        var withCycles = 0
        for round in 0..<1000 {
            let cycles = round % 2 == 1
            let v = generator.value(cycles: cycles)
            let printed = Printer.repr(v).utf8.count
            let least = LeastRenderedSize.of(v, PrintStyle(), visits: Int.max)
            XCTAssertFalse(least.partial)
            // Printing shows a part that contains itself as [...], and so does the bound.
            XCTAssertEqual(least.bytes, printed, "round \(round): \(Printer.repr(v))")
            guard let json = try? JSON.stringify(v) else {
                withCycles += 1
                // JSON fails at the cycle: the bound counts only what is written before it.
                XCTAssertLessThan(LeastRenderedSize.of(v, JSONStyle(indent: 0), visits: Int.max).bytes, printed)
                continue
            }
            XCTAssertEqual(LeastRenderedSize.of(v, JSONStyle(indent: 0), visits: Int.max).bytes, json.utf8.count,
                           "round \(round): \(json)")
        }
        XCTAssertGreaterThan(withCycles, 20, "the generator should make values that contain themselves")
    }

    func testFewVisitsGiveAPartialBoundBelowTheText() {
        var generator = Generator(state: 99)
        for _ in 0..<100 {
            let v = generator.value(cycles: true)
            let least = LeastRenderedSize.of(v, PrintStyle(), visits: 2)
            XCTAssertLessThanOrEqual(least.bytes, Printer.repr(v).utf8.count)
        }
    }

    func testAWriterStopsLongBeforeTheLimitOnAValueThatSharesItsParts() {
        var x = Value.list(ListRef([.int(1)]))
        for _ in 0..<60 { x = .list(ListRef([x, x])) }
        var writer = NestedWriter(PrintStyle(), limit: Printer.maxTextBytes)
        XCTAssertFalse(writer.write(x))
        XCTAssertLessThan(writer.out.count, 1 << 16, "the writer should measure the value instead of writing it")
        XCTAssertThrowsError(try Printer.display(x, for: "print"))
        XCTAssertThrowsError(try JSON.stringify(x))
        // Where a message quotes it, it is clipped at exactly the message size.
        let quoted = Printer.repr(x)
        XCTAssertTrue(quoted.hasSuffix(Printer.clipMarker))
        XCTAssertEqual(quoted.utf8.count, Printer.messageBytes + Printer.clipMarker.utf8.count)
    }

    func testQuotedLengthIsTheLengthOfTheQuotedText() {
        var generator = Generator(state: 7)
        let pieces = ["a", "é", "😀", "\"", "\\", "\n", "\r", "\t", "\u{8}", "\u{C}", "\u{0}", "\u{1F}", "\u{7F}", "/", "abcdefgh"]
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 64, 300] {
            for _ in 0..<20 {
                let s = (0..<length).map { _ in pieces[generator.next(pieces.count)] }.joined()
                let out = ByteWriter()
                out.quoted(s)
                XCTAssertEqual(ByteWriter.quotedLength(s), out.count, "for \(s.debugDescription)")
            }
        }
    }

    func testAStringWhoseEscapesPassTheLimitIsNotWritten() throws {
        // Under the limit as they are, over it once each quote is escaped.
        let long = String(repeating: "\"", count: NestedWriter<PrintStyle>.measureStringsOver + 1)
        var measuring = NestedWriter(PrintStyle(), limit: 2 * NestedWriter<PrintStyle>.measureStringsOver)
        XCTAssertFalse(measuring.write(.list(ListRef([.string(long)]))))
        XCTAssertLessThan(measuring.out.count, 16, "the string should be measured, not written")
        var json = NestedWriter(JSONStyle(indent: 0), limit: 2 * NestedWriter<JSONStyle>.measureStringsOver)
        XCTAssertFalse(try json.write(.list(ListRef([.string(long)]))))
        XCTAssertLessThan(json.out.count, 16)
        // Without escapes, the same length fits and is written whole.
        let plain = String(repeating: "a", count: NestedWriter<PrintStyle>.measureStringsOver + 1)
        var fits = NestedWriter(PrintStyle(), limit: 2 * NestedWriter<PrintStyle>.measureStringsOver)
        XCTAssertTrue(fits.write(.list(ListRef([.string(plain)]))))
        XCTAssertEqual(fits.out.count, plain.utf8.count + 4)
    }
}
