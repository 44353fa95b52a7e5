import XCTest
@testable import BBSLanguage

/// The message of the error `body` throws, or nil if it does not throw.
private func jsonErrorMessage(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let e as ScriptError {
        guard case .thrown(let ev) = e else { return "not a thrown error: \(e)" }
        return ev.kind == "json" ? ev.message : "kind \(ev.kind): \(ev.message)"
    } catch {
        return "unexpected error type: \(error)"
    }
}

private func jsonParseError(_ text: String) -> String? {
    jsonErrorMessage { _ = try JSON.parse(text) }
}

private func parsedJSON(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Value {
    do {
        return try JSON.parse(text)
    } catch {
        XCTFail("parse failed: \(error)", file: file, line: line)
        return .null
    }
}

private func jsonRoundTrip(_ text: String) throws -> String {
    try JSON.stringify(try JSON.parse(text))
}

final class JSONParseTests: XCTestCase {
    func testScalars() {
        guard case .null = parsedJSON("null") else { return XCTFail() }
        guard case .bool(true) = parsedJSON(" true "), case .bool(false) = parsedJSON("false") else { return XCTFail() }
        guard case .string("hi") = parsedJSON("\"hi\"") else { return XCTFail() }
    }

    func testIntFloatDistinction() {
        guard case .int(1) = parsedJSON("1") else { return XCTFail("1 is an int") }
        guard case .float(let a) = parsedJSON("1.0"), a == 1.0 else { return XCTFail("1.0 is a float") }
        guard case .float(let b) = parsedJSON("1e2"), b == 100.0 else { return XCTFail("1e2 is a float") }
        guard case .float(let c) = parsedJSON("1E+2"), c == 100.0 else { return XCTFail() }
        guard case .int(-42) = parsedJSON("-42") else { return XCTFail() }
        guard case .int(0) = parsedJSON("-0") else { return XCTFail("-0 is the int 0") }
        guard case .float(let z) = parsedJSON("-0.0"), z == 0, z.sign == .minus else { return XCTFail("-0.0 keeps its sign") }
    }

    func testInt64Boundaries() {
        guard case .int(Int.max) = parsedJSON("9223372036854775807") else { return XCTFail() }
        guard case .int(Int.min) = parsedJSON("-9223372036854775808") else { return XCTFail() }
        guard case .float(let d) = parsedJSON("9223372036854775808"), d == 9223372036854775808.0 else {
            return XCTFail("beyond Int64 becomes a float")
        }
        guard case .float(let e) = parsedJSON("-9223372036854775809"), e == -9223372036854775809.0 else { return XCTFail() }
        guard case .float(let f) = parsedJSON("123456789012345678901234567890"), f == 1.2345678901234568e29 else {
            return XCTFail()
        }
    }

    func testFloatsAreCorrectlyRounded() {
        let cases = [
            "0.1", "0.30000000000000004", "123.456e-2", "1.7976931348623157e308", "5e-324",
            "2.2250738585072014e-308", "9007199254740993.0", "0.000001234", "1e22", "1e23",
            "3.141592653589793238462643383279", "-12.5e-7", "100000000000000000000000.5",
            "0.00000000000000000000000000000000000001", "4.9406564584124654e-324",
        ]
        for text in cases {
            guard case .float(let d) = parsedJSON(text) else { return XCTFail(text) }
            XCTAssertEqual(d.bitPattern, Double(text)!.bitPattern, text)
        }
        guard case .float(let inf) = parsedJSON("1e400"), inf == .infinity else { return XCTFail("overflow is inf") }
        guard case .float(let tiny) = parsedJSON("1e-400"), tiny == 0 else { return XCTFail() }
    }

    func testStringEscapes() {
        guard case .string(let s) = parsedJSON(#""\"\\\/\b\f\n\r\t""#) else { return XCTFail() }
        XCTAssertEqual(s, "\"\\/\u{8}\u{C}\n\r\t")
        guard case .string(let u) = parsedJSON(#""caf\u00e9 \u4e2D \u0000 end""#) else { return XCTFail() }
        XCTAssertEqual(u, "café 中 \u{0} end")
        guard case .string(let raw) = parsedJSON("\"naïve 日本語 🚀\"") else { return XCTFail() }
        XCTAssertEqual(raw, "naïve 日本語 🚀")
        // An escape after a long plain run exercises the word-at-a-time scanner's exit.
        guard case .string(let long) = parsedJSON(#""abcdefghijklmnopqrstuvwxyz0123456789\n tail""#) else {
            return XCTFail()
        }
        XCTAssertEqual(long, "abcdefghijklmnopqrstuvwxyz0123456789\n tail")
    }

    func testSurrogates() {
        let cases: [(String, String)] = [
            (#""\ud83d\ude00""#, "😀"),
            (#""\uD83D\uDE00!""#, "😀!"),
            (#""\ud83d""#, "\u{FFFD}"),
            (#""\ud83dx""#, "\u{FFFD}x"),
            (#""\ude00""#, "\u{FFFD}"),
            (#""\ud83d\n""#, "\u{FFFD}\n"),
            (#""\ud83d\ud83d\ude00""#, "\u{FFFD}😀"),
            (#""\ud83d\u0041""#, "\u{FFFD}A"),
        ]
        for (json, expected) in cases {
            guard case .string(let s) = parsedJSON(json) else { return XCTFail(json) }
            XCTAssertEqual(s, expected, json)
        }
    }

    func testInsertionOrderAndRepeatedKeys() throws {
        guard case .map(let m) = parsedJSON(#"{"z": 1, "a": 2, "m": 3}"#) else { return XCTFail() }
        XCTAssertEqual(m.entries.keys, ["z", "a", "m"])
        guard case .map(let d) = parsedJSON(#"{"b": 1, "a": 2, "b": 3}"#) else { return XCTFail() }
        XCTAssertEqual(d.entries.keys, ["b", "a"], "a repeated key keeps its first position")
        guard case .int(3)? = d.entries["b"] else { return XCTFail("and its last value") }

        // Past the linear-search size the map is hashed; repeats must behave the same.
        let many = (0..<20).map { "\"k\($0)\": \($0)" }.joined(separator: ", ")
        guard case .map(let big) = parsedJSON("{\(many), \"k3\": 99}") else { return XCTFail() }
        XCTAssertEqual(big.entries.count, 20)
        XCTAssertEqual(big.entries.keys.last, "k19")
        guard case .int(99)? = big.entries["k3"], case .int(19)? = big.entries["k19"] else { return XCTFail() }
    }

    func testLongKeysAreShared() {
        // Long keys go through the parser's intern cache; equal keys must stay equal.
        guard case .list(let l) = parsedJSON(#"[{"enforced_signed_commits": 1}, {"enforced_signed_commits": 2}]"#),
              case .map(let a) = l.items[0], case .map(let b) = l.items[1]
        else { return XCTFail() }
        XCTAssertEqual(a.entries.keys, ["enforced_signed_commits"])
        XCTAssertEqual(b.entries.keys, ["enforced_signed_commits"])
        guard case .int(2)? = b.entries["enforced_signed_commits"] else { return XCTFail() }
    }

    func testBytesEntryPoints() throws {
        let bytes = Array(#"{"a": [1, 2.5, "x"]}"#.utf8)
        XCTAssertEqual(try JSON.stringify(try JSON.parse(bytes: bytes)), #"{"a":[1,2.5,"x"]}"#)
        let v = try bytes.withUnsafeBytes { raw in try JSON.parse(bytes: raw) }
        XCTAssertEqual(try JSON.stringify(v), #"{"a":[1,2.5,"x"]}"#)
        XCTAssertEqual(jsonErrorMessage { _ = try JSON.parse(bytes: []) },
                       "json.parse: unexpected end of input at byte 0 (line 1, column 1)")
    }

    func testRoundTripKeepsTextAndOrder() throws {
        let doc = #"{"pagelen":100,"values":[{"uuid":"{a1b2}","size":123456789012,"score":12.5,"is_private":true,"parent":null,"description":"line\n\"q\" \\ é 🚀","links":{"self":{"href":"https://x/y"}},"tags":[]}],"page":1,"next":"https://api.bitbucket.org/2.0/x?page=2","empty":{}}"#
        XCTAssertEqual(try jsonRoundTrip(doc), doc)
        XCTAssertEqual(try jsonRoundTrip("[1.0,1e2,-0.0,0.1]"), "[1.0,100.0,-0.0,0.1]")
    }

    func testErrorMessagesNameTheOffset() {
        let cases: [(String, String)] = [
            ("{\"name\": \"xy\",\n  }", "unexpected '}' at byte 17 (line 2, column 3)"),
            ("[1, 2", "unexpected end of input at byte 5 (line 1, column 6)"),
            ("", "unexpected end of input at byte 0 (line 1, column 1)"),
            ("  \n ", "unexpected end of input at byte 4 (line 2, column 2)"),
            ("{\"a\":1} x", "trailing characters at byte 8 (line 1, column 9)"),
            ("01", "trailing characters at byte 1 (line 1, column 2)"),
            ("[01]", "unexpected '1' at byte 2 (line 1, column 3)"),
            ("[1.]", "unexpected ']' at byte 3 (line 1, column 4)"),
            ("[1e]", "unexpected ']' at byte 3 (line 1, column 4)"),
            ("-", "unexpected end of input at byte 1 (line 1, column 2)"),
            ("-x", "unexpected 'x' at byte 1 (line 1, column 2)"),
            ("+1", "unexpected '+' at byte 0 (line 1, column 1)"),
            (".5", "unexpected '.' at byte 0 (line 1, column 1)"),
            ("[NaN]", "unexpected 'N' at byte 1 (line 1, column 2)"),
            ("[Infinity]", "unexpected 'I' at byte 1 (line 1, column 2)"),
            ("[1,]", "unexpected ']' at byte 3 (line 1, column 4)"),
            ("[1 2]", "unexpected '2' at byte 3 (line 1, column 4)"),
            ("{\"a\" 1}", "unexpected '1' at byte 5 (line 1, column 6)"),
            ("{1: 2}", "unexpected '1' at byte 1 (line 1, column 2)"),
            ("{\"a\": 1,}", "unexpected '}' at byte 8 (line 1, column 9)"),
            ("{\"a\": 1]", "unexpected ']' at byte 7 (line 1, column 8)"),
            ("// c\n1", "unexpected '/' at byte 0 (line 1, column 1)"),
            ("tru", "unexpected end of input at byte 3 (line 1, column 4)"),
            ("trux", "unexpected 'x' at byte 3 (line 1, column 4)"),
            ("nul", "unexpected end of input at byte 3 (line 1, column 4)"),
            ("\"abc", "unterminated string at byte 0 (line 1, column 1)"),
            ("[\"a\\", "unexpected end of input at byte 4 (line 1, column 5)"),
            ("\"a\\qb\"", "invalid escape '\\q' at byte 2 (line 1, column 3)"),
            ("\"a\\\u{1}\"", "invalid escape at byte 2 (line 1, column 3)"),
            ("\"\\u12G4\"", "invalid \\u escape at byte 1 (line 1, column 2)"),
            ("\"\\u12", "unexpected end of input at byte 5 (line 1, column 6)"),
            ("\"a\tb\"", "control character in string at byte 2 (line 1, column 3)"),
            ("\"a\nb\"", "control character in string at byte 2 (line 1, column 3)"),
            ("[\"é\", x]", "unexpected 'x' at byte 7 (line 1, column 7)"),
            ("[é]", "unexpected 'é' at byte 1 (line 1, column 2)"),
            ("[\u{1}]", "unexpected byte 0x01 at byte 1 (line 1, column 2)"),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(jsonParseError(text), "json.parse: " + expected, text.debugDescription)
        }
        XCTAssertEqual(jsonErrorMessage { _ = try JSON.parse(bytes: [0x5B, 0xFF, 0x5D]) },
                       "json.parse: unexpected byte 0xFF at byte 1 (line 1, column 2)")
    }

    func testInvalidUTF8InStringsIsAnError() {
        // "ab<bad>" as a value, as an escaped value and as a long (cached) key.
        let bad: [(bytes: [UInt8], offset: Int)] = [
            (Array("[\"ab".utf8) + [0xC3, 0x28] + Array("\"]".utf8), 4),
            (Array("[\"a\\n".utf8) + [0xFF] + Array("\"]".utf8), 5),
            (Array("{\"a_key_longer_than_15".utf8) + [0xED, 0xA0, 0x80] + Array("\": 1}".utf8), 22),
        ]
        for (bytes, offset) in bad {
            XCTAssertEqual(jsonErrorMessage { _ = try JSON.parse(bytes: bytes) }?.hasPrefix("json.parse: invalid UTF-8 at byte \(offset) "),
                           true, "\(bytes)")
        }
        // A real U+FFFD, raw or escaped, is valid text.
        guard case .string(let fffd)? = try? JSON.parse("\"\u{FFFD} \\ufffd \\n\"") else { return XCTFail() }
        XCTAssertEqual(fffd, "\u{FFFD} \u{FFFD} \n")
        let key = Array("[{\"a_key_longer_than_15\": 1}, {\"a_key_longer_than_15\": 2}]".utf8)
        XCTAssertEqual(try? JSON.stringify(JSON.parse(bytes: key)), #"[{"a_key_longer_than_15":1},{"a_key_longer_than_15":2}]"#)
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let limit = JSON.maxDepth
        XCTAssertEqual(jsonParseError(String(repeating: "[", count: limit + 1)),
                       "json.parse: nesting deeper than \(limit) at byte \(limit) (line 1, column \(limit + 1))")
        XCTAssertEqual(jsonParseError(String(repeating: "{\"a\":", count: 1_000_000)),
                       "json.parse: nesting deeper than \(limit) at byte \(limit * 5) (line 1, column \(limit * 5 + 1))")
        // Parser and writer keep their own stacks, so this runs on the test's ordinary thread.
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        XCTAssertEqual(try? jsonRoundTrip(deepest), deepest, "the deepest accepted document round-trips")
    }
}

final class JSONStringifyTests: XCTestCase {
    private func sample() -> Value {
        .map(MapRef(["a": .int(1), "b": .list(ListRef([.bool(true), .null]))]))
    }

    func testCompact() throws {
        XCTAssertEqual(try JSON.stringify(sample()), #"{"a":1,"b":[true,null]}"#)
        XCTAssertEqual(try JSON.stringify(.list(ListRef())), "[]")
        XCTAssertEqual(try JSON.stringify(.map(MapRef())), "{}")
        XCTAssertEqual(try JSON.stringify(.int(Int.min)), "-9223372036854775808")
        XCTAssertEqual(try JSON.stringify(.int(0)), "0")
    }

    func testBytesMatchText() throws {
        let v = try JSON.parse(#"{"a": ["é", 1.5, {"b": null}]}"#)
        XCTAssertEqual(try JSON.stringifyBytes(v), Array(try JSON.stringify(v).utf8))
        XCTAssertEqual(try JSON.stringifyBytes(v, indent: 2), Array(try JSON.stringify(v, indent: 2).utf8))
    }

    func testPretty() throws {
        XCTAssertEqual(try JSON.stringify(sample(), indent: 2), "{\n  \"a\": 1,\n  \"b\": [\n    true,\n    null\n  ]\n}")
        let empties = Value.map(MapRef(["l": .list(ListRef()), "m": .map(MapRef())]))
        XCTAssertEqual(try JSON.stringify(empties, indent: 2), "{\n  \"l\": [],\n  \"m\": {}\n}")
        XCTAssertEqual(try JSON.stringify(.list(ListRef([.int(1)])), indent: 4), "[\n    1\n]")
        XCTAssertEqual(try JSON.stringify(.string("x"), indent: 2), "\"x\"")
    }

    func testFloatsStayFloats() throws {
        let floats: [Value] = [.float(5), .float(3.5), .float(0.1), .float(-0.0), .float(1e20), .float(1e-7)]
        XCTAssertEqual(try JSON.stringify(.list(ListRef(floats))), "[5.0,3.5,0.1,-0.0,1e+20,1e-07]")
        XCTAssertEqual(jsonErrorMessage { _ = try JSON.stringify(.float(.nan)) }, "json.stringify: cannot represent nan")
        XCTAssertEqual(jsonErrorMessage { _ = try JSON.stringify(.float(.infinity)) }, "json.stringify: cannot represent inf")
        XCTAssertEqual(jsonErrorMessage { _ = try JSON.stringify(.float(-.infinity)) }, "json.stringify: cannot represent -inf")
    }

    func testStringEscaping() throws {
        let s = "q\" b\\ nl\n tab\t cr\r bs\u{8} ff\u{C} nul\u{0} us\u{1F} del\u{7F} / é 🚀"
        let expected = #""q\" b\\ nl\n tab\t cr\r bs\b ff\f nul\u0000 us\u001f del"# + "\u{7F} / é 🚀\""
        XCTAssertEqual(try JSON.stringify(.string(s)), expected)
        guard case .string(let back) = try JSON.parse(expected) else { return XCTFail() }
        XCTAssertEqual(back, s)
    }

    func testFunctionsAndHostObjects() throws {
        let f = Value.function(NativeFunction("f", arity: 0...0) { _, _ in .null })
        XCTAssertEqual(jsonErrorMessage { _ = try JSON.stringify(.list(ListRef([f]))) },
                       "json.stringify: cannot serialise a function")
        let secret = SecretValue(text: "hunter2", origin: "test")
        XCTAssertEqual(try JSON.stringify(.map(MapRef(["token": .object(secret)]))), #"{"token":"***"}"#)
        XCTAssertEqual(jsonErrorMessage { _ = try JSON.stringify(.object(HostObject())) },
                       "json.stringify: cannot serialise a value of type object")
        let err = ErrorValue(userKind: "http", message: "nope", extra: ["status": .int(404)])
        XCTAssertEqual(try JSON.stringify(.object(err)), #"{"message":"nope","kind":"http","status":404}"#)
    }

    func testCyclesAreErrors() throws {
        let l = ListRef([.int(1)])
        l.items.append(.list(l))
        XCTAssertEqual(jsonErrorMessage { _ = try JSON.stringify(.list(l)) }, "json.stringify: value contains itself")
        let m = MapRef()
        m.entries["inner"] = .list(ListRef([.map(m)]))
        XCTAssertEqual(jsonErrorMessage { _ = try JSON.stringify(.map(m), indent: 2) }, "json.stringify: value contains itself")
        // An error whose fields contain the error itself: its JSON form is a fresh map each time.
        let e = ErrorValue(userKind: "k", message: "m")
        e.fields["self"] = .object(e)
        XCTAssertEqual(jsonErrorMessage { _ = try JSON.stringify(.object(e)) }, "json.stringify: value contains itself")
        // Sharing without a cycle is fine.
        let shared = Value.list(ListRef([.int(1)]))
        XCTAssertEqual(try JSON.stringify(.list(ListRef([shared, shared]))), "[[1],[1]]")
    }

    func testSharingBelowTheLinearCycleCheckIsNotACycle() throws {
        // Past 32 levels the cycle check also uses a set; leaving a container must clear it.
        let shared = Value.list(ListRef([.int(1)]))
        var v = Value.list(ListRef([shared, shared]))
        for _ in 0..<40 { v = .list(ListRef([v])) }
        let text = try JSON.stringify(v)
        XCTAssertTrue(text.contains("[[1],[1]]"), text)
        XCTAssertTrue(Printer.display(v).contains("[[1], [1]]"))
    }

    func testEndlessHostObjectsAreAnError() {
        final class Endless: HostObject {
            override var jsonValue: Value? { .object(Endless()) }
        }
        XCTAssertEqual(jsonErrorMessage { _ = try JSON.stringify(.object(Endless())) },
                       "json.stringify: nesting deeper than \(JSON.maxDepth)")
    }

    func testTooDeepIsAnError() {
        var v = Value.int(0)
        for _ in 0..<(JSON.maxDepth + 1) { v = .list(ListRef([v])) }
        XCTAssertEqual(jsonErrorMessage { _ = try JSON.stringify(v) }, "json.stringify: nesting deeper than \(JSON.maxDepth)")
    }
}

final class JSONOrderedMapTests: XCTestCase {
    func testSmallAndLargeMapsBehaveAlike() {
        var m = OrderedMap()
        for i in 0..<30 {
            m["k\(i)"] = .int(i)
            XCTAssertEqual(m.count, i + 1)
            for j in 0...i { guard case .int(j)? = m["k\(j)"] else { return XCTFail("k\(j) after \(i)") } }
            XCTAssertNil(m["missing"])
        }
        m["k5"] = .int(500)
        XCTAssertEqual(m.keys[5], "k5", "replacing keeps the position")
        for i in stride(from: 29, through: 0, by: -2) {
            guard case .int? = m.removeValue(forKey: "k\(i)") else { return XCTFail() }
            XCTAssertFalse(m.has("k\(i)"))
        }
        XCTAssertEqual(m.keys, (0..<15).map { "k\($0 * 2)" })
        for (k, v) in m.pairs {
            guard case .int(let n) = v else { return XCTFail() }
            XCTAssertEqual(k, "k\(n)")
        }
        m.set("new", .null)
        XCTAssertEqual(m.keys.last, "new")
        m["new"] = nil
        XCTAssertFalse(m.has("new"))
        m.removeAll()
        XCTAssertTrue(m.isEmpty)
        m["a"] = .int(1)
        XCTAssertTrue(m.has("a"))
    }

    func testCopiesAreIndependent() {
        var a = OrderedMap(minimumCapacity: 20)
        for i in 0..<12 { a["k\(i)"] = .int(i) }
        var b = a
        b["k0"] = nil
        b["extra"] = .int(1)
        XCTAssertEqual(a.count, 12)
        XCTAssertTrue(a.has("k0"))
        XCTAssertFalse(a.has("extra"))
        XCTAssertEqual(b.count, 12)
        guard case .int(11)? = b["k11"] else { return XCTFail() }
    }
}
