import XCTest
@testable import BBSLanguage

private func listValue(_ items: Value...) -> Value { .list(ListRef(items)) }

private final class PrinterTestWidget: HostObject {
    override var typeName: String { "widget" }
}

final class PrinterTests: XCTestCase {
    func testScalars() {
        XCTAssertEqual(Printer.display(.null), "nil")
        XCTAssertEqual(Printer.display(.bool(true)), "true")
        XCTAssertEqual(Printer.display(.bool(false)), "false")
        XCTAssertEqual(Printer.display(.int(42)), "42")
        XCTAssertEqual(Printer.display(.int(-7)), "-7")
        XCTAssertEqual(Printer.display(.string("bare text")), "bare text")
        XCTAssertEqual(Printer.repr(.string("quoted")), "\"quoted\"")
        XCTAssertEqual(Printer.repr(.int(3)), "3")
    }

    func testFloatsAlwaysLookLikeFloats() {
        let cases: [(Double, String)] = [
            (5, "5.0"), (3.5, "3.5"), (0.1, "0.1"), (-2, "-2.0"), (-0.0, "-0.0"), (1e20, "1.0e+20"),
            (1e15, "1000000000000000.0"), (1e-7, "1.0e-07"), (0.1 + 0.2, "0.30000000000000004"),
            (.infinity, "inf"), (-.infinity, "-inf"), (.nan, "nan"), (-.nan, "nan"),
        ]
        for (d, text) in cases {
            XCTAssertEqual(Printer.formatFloat(d), text)
            XCTAssertEqual(Printer.display(.float(d)), text)
        }
    }

    func testCollections() {
        XCTAssertEqual(Printer.display(listValue(.int(1), .string("a"), .null)), #"[1, "a", nil]"#)
        XCTAssertEqual(Printer.display(.map(MapRef(["k": .int(1)]))), #"{"k": 1}"#)
        XCTAssertEqual(Printer.display(.map(MapRef(["k": .int(1), "b": listValue(.bool(true))]))), #"{"k": 1, "b": [true]}"#)
        XCTAssertEqual(Printer.display(listValue()), "[]")
        XCTAssertEqual(Printer.display(.map(MapRef())), "{}")
        XCTAssertEqual(Printer.display(listValue(.float(5), .float(0.5), listValue(.float(-1)))), "[5.0, 0.5, [-1.0]]")
        XCTAssertEqual(Printer.repr(listValue(.string("x"))), Printer.display(listValue(.string("x"))))
    }

    func testStringsInsideCollectionsAreEscaped() {
        let v = listValue(.string("say \"hi\"\n"), .string("back\\slash\t"), .string("é🚀"), .string("\u{1}"))
        XCTAssertEqual(Printer.display(v), #"["say \"hi\"\n", "back\\slash\t", "é🚀", "\u0001"]"#)
        XCTAssertEqual(Printer.display(.map(MapRef(["a b\"": .null]))), #"{"a b\"": nil}"#)
    }

    func testFunctionsAndHostObjects() {
        let f = Value.function(NativeFunction("json.parse", arity: 1...1) { _, _ in .null })
        XCTAssertEqual(Printer.display(f), "<fn json.parse>")
        XCTAssertEqual(Printer.display(listValue(f)), "[<fn json.parse>]")
        let secret = Value.object(SecretValue(text: "hunter2", origin: "test"))
        XCTAssertEqual(Printer.display(secret), "***")
        XCTAssertEqual(Printer.display(listValue(secret)), "[***]")
        XCTAssertEqual(Printer.display(.object(PrinterTestWidget())), "<widget>")
        XCTAssertEqual(Printer.display(.object(ErrorValue(kind: .value, message: "bad"))), "error(value): bad")
    }

    func testSelfContainingValuesStop() {
        let l = ListRef([.int(1)])
        l.items.append(.list(l))
        XCTAssertEqual(Printer.display(.list(l)), "[1, [...]]")
        let m = MapRef(["a": .int(1)])
        m.entries["self"] = .map(m)
        XCTAssertEqual(Printer.display(.map(m)), #"{"a": 1, "self": {...}}"#)
        let outer = MapRef()
        outer.entries["items"] = .list(ListRef([.map(outer)]))
        XCTAssertEqual(Printer.display(.map(outer)), #"{"items": [{...}]}"#)
        // The same value twice, without a cycle, prints in full both times.
        let shared = listValue(.int(1))
        XCTAssertEqual(Printer.display(listValue(shared, shared)), "[[1], [1]]")
    }

    func testDeepValuesAreCutOff() {
        var v = Value.int(0)
        for _ in 0..<(Printer.maxDepth + 5) { v = .list(ListRef([v])) }
        let n = Printer.maxDepth
        XCTAssertEqual(Printer.display(v), String(repeating: "[", count: n) + "[...]" + String(repeating: "]", count: n))
    }

    func testPrintsAParsedResponse() throws {
        let v = try JSON.parse(#"{"size": 3, "values": [{"name": "r1", "score": 1.0, "parent": null}]}"#)
        XCTAssertEqual(Printer.display(v), #"{"size": 3, "values": [{"name": "r1", "score": 1.0, "parent": nil}]}"#)
    }
}
