// `time.*`: instants are float seconds since the Unix epoch, so they subtract and
// compare with plain arithmetic (`time.now() - time.parse(d) > 90 * 86400`).
//
// `time.parse` is hand-written: Bitbucket sends RFC 3339 with microseconds
// (`2024-05-01T10:20:30.123456+00:00`), which ISO8601DateFormatter rejects, and a
// formatter per call would be slow in loops over thousands of branches.

import Foundation

enum TimeBuiltins {
    static func install(into interp: Interpreter) {
        let time = interp.builtinModule("time")
        time.define("now", arity: 0...0) { _, _ throws(ScriptError) in
            var ts = timespec()
            clock_gettime(CLOCK_REALTIME, &ts)
            return .float(Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9)
        }
        time.define("parse", arity: 1...1) { args, _ throws(ScriptError) in
            let text = try args.string(0, "text")
            guard let t = parse(text) else {
                throw ScriptError.value("time.parse: cannot parse \(quoted(args[0])) as a date and time (expected ISO 8601, like \"2024-05-01T10:20:30Z\")")
            }
            return .float(t)
        }
        time.define("format", arity: 1...2) { args, _ throws(ScriptError) in
            let seconds = try args.number(0, "seconds")
            let pattern = try args.string(1, default: "%Y-%m-%dT%H:%M:%SZ", "format")
            return .string(try format(seconds, pattern, args.callee))
        }
    }

    /// Seconds since the epoch for `YYYY-MM-DD`, optionally followed by `T` (or a space)
    /// and `HH:MM[:SS[.fraction]]`, optionally followed by `Z` or an offset `±HH[:MM]`.
    /// A time without an offset, and a bare date, are taken as UTC.
    static func parse(_ text: String) -> Double? {
        var s = TextScanner(text.utf8)
        s.skipSpaces()
        guard let year = s.digits(4), s.eat("-"), let month = s.digits(2), s.eat("-"), let day = s.digits(2) else { return nil }
        guard (1...12).contains(month), (1...daysIn(month, year)).contains(day) else { return nil }
        var seconds = Double(daysFromCivil(year, month, day) * 86400)
        if s.atEndIgnoringSpaces { return seconds }

        guard s.eat("T") || s.eat("t") || s.eat(" ") else { return nil }
        guard let hour = s.digits(2), s.eat(":"), let minute = s.digits(2) else { return nil }
        var second = 0
        var fraction = 0.0
        if s.eat(":") {
            guard let sec = s.digits(2) else { return nil }
            second = sec
            if s.eat(".") || s.eat(",") {
                guard let f = s.fraction() else { return nil }
                fraction = f
            }
        }
        // 24:00:00 is allowed by ISO 8601 as the end of a day; 60 is a leap second.
        guard hour <= 24, minute <= 59, second <= 60, hour < 24 || (minute == 0 && second == 0 && fraction == 0) else { return nil }
        seconds += Double(hour * 3600 + minute * 60 + second) + fraction

        if s.eat("Z") || s.eat("z") {
            // UTC
        } else if let sign = s.sign() {
            guard let oh = s.digits(2), oh <= 23 else { return nil }
            var om = 0
            if s.eat(":") {
                guard let m = s.digits(2) else { return nil }
                om = m
            } else if let m = s.digits(2) {
                om = m
            }
            guard om <= 59 else { return nil }
            seconds -= Double(sign * (oh * 3600 + om * 60))
        }
        s.skipSpaces()
        return s.atEnd ? seconds : nil
    }

    /// strftime(3) of the UTC time; the fraction of a second is dropped.
    static func format(_ seconds: Double, _ pattern: String, _ callee: String) throws(ScriptError) -> String {
        guard seconds.isFinite, abs(seconds) < 1e15 else {
            throw ScriptError.value("\(callee): \(Printer.formatFloat(seconds)) is not a representable time")
        }
        var t = time_t(seconds.rounded(.down))
        var parts = tm()
        guard gmtime_r(&t, &parts) != nil else {
            throw ScriptError.value("\(callee): \(Printer.formatFloat(seconds)) is not a representable time")
        }
        if pattern.isEmpty { return "" }
        // strftime returns 0 both for "too small" and for an empty result; grow a few times,
        // then accept empty (a pattern like "%p" can legitimately expand to nothing).
        var capacity = 64 + pattern.utf8.count * 4
        for _ in 0..<4 {
            var buffer = [CChar](repeating: 0, count: capacity)
            let n = strftime(&buffer, capacity, pattern, &parts)
            if n > 0 { return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
            capacity *= 4
        }
        return ""
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// A cursor over ASCII text for the hand-written date parser.
private struct TextScanner {
    let bytes: [UInt8]
    var i = 0

    init(_ utf8: String.UTF8View) { bytes = Array(utf8) }

    var atEnd: Bool { i == bytes.count }

    /// Whether only spaces are left, without consuming them (a space may separate date and time).
    var atEndIgnoringSpaces: Bool { bytes[i...].allSatisfy { $0 == 0x20 || $0 == 0x09 } }

    mutating func eat(_ c: Unicode.Scalar) -> Bool {
        if i < bytes.count && bytes[i] == UInt8(ascii: c) {
            i += 1
            return true
        }
        return false
    }

    mutating func skipSpaces() {
        while i < bytes.count && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
    }

    /// Exactly `n` decimal digits.
    mutating func digits(_ n: Int) -> Int? {
        guard i + n <= bytes.count else { return nil }
        var v = 0
        for k in i..<(i + n) {
            let d = Int(bytes[k]) - 0x30
            guard (0...9).contains(d) else { return nil }
            v = v * 10 + d
        }
        i += n
        return v
    }

    /// One or more digits after a decimal point, as a value in [0, 1). Digits past the
    /// ninth (below a nanosecond) are read but ignored.
    mutating func fraction() -> Double? {
        var value = 0
        var scale = 1
        var count = 0
        while i < bytes.count, (0x30...0x39).contains(bytes[i]) {
            if count < 9 {
                value = value * 10 + Int(bytes[i] - 0x30)
                scale *= 10
            }
            count += 1
            i += 1
        }
        return count > 0 ? Double(value) / Double(scale) : nil
    }

    /// +1 or -1 for an offset sign.
    mutating func sign() -> Int? {
        if eat("+") { return 1 }
        if eat("-") { return -1 }
        return nil
    }
}
