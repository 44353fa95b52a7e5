// libFuzzer target: arbitrary bytes through `json.parse`; whatever parses must be written
// back by `json.stringify` and read again as an equal value. Built by scripts/fuzz.

import Foundation

func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let value: Value
    do throws(ScriptError) {
        value = try JSON.parse(bytes: bytes)
    } catch {
        return 0
    }
    do throws(ScriptError) {
        let text = try JSON.stringify(value)
        let again = try JSON.parse(text)
        // nan and inf cannot come out of JSON text, so equality must hold.
        guard try Value.isEqual(value, again) else { fatalError("json round trip changed the value: \(text)") }
        _ = try JSON.stringify(value, indent: 2)
        _ = Printer.repr(value)
    } catch {
        // Deeper than the printer's or JSON's limit is a clean error, not a bug.
        if case .thrown(let e) = error, ["nesting deeper", "nested more than", "cannot represent"].contains(where: e.message.contains) {
            return 0
        }
        fatalError("a parsed JSON value failed to round-trip: \(error)")
    }
    return 0
}
