// The runtime trims its settings without Foundation (Sources/BBSRuntime/Whitespace.swift); these
// hold it to Foundation's answer for every Unicode scalar and for strings built from the edges.

import Foundation
import XCTest
@testable import BBSRuntime

final class WhitespaceTests: XCTestCase {
    func testEveryScalarIsClassifiedAsFoundationDoes() {
        var whitespace = 0
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            XCTAssertEqual(scalar.isFoundationWhitespace, CharacterSet.whitespaces.contains(scalar),
                           "U+\(String(value, radix: 16, uppercase: true)) in .whitespaces")
            XCTAssertEqual(scalar.isFoundationWhitespaceOrNewline, CharacterSet.whitespacesAndNewlines.contains(scalar),
                           "U+\(String(value, radix: 16, uppercase: true)) in .whitespacesAndNewlines")
            if scalar.isFoundationWhitespace { whitespace += 1 }
        }
        XCTAssertEqual(whitespace, 19)
    }

    func testTrimmingMatchesFoundation() {
        let edges = ["", " ", "\t", "\n", "\r\n", "\u{A0}", "\u{200B}", "\u{3000}", "\u{85}", "\u{2029}", "\u{301}", "é", "x"]
        let middles = ["", "a", "a b", " \n ", "https://api.bitbucket.org/2.0/", "tok\u{2028}en", "🙂"]
        for left in edges {
            for middle in middles {
                for right in edges {
                    let text = left + middle + right
                    XCTAssertEqual(text.trimmingWhitespace(), text.trimmingCharacters(in: .whitespaces), "\(Array(text.unicodeScalars))")
                    XCTAssertEqual(text.trimmingWhitespaceAndNewlines(), text.trimmingCharacters(in: .whitespacesAndNewlines),
                                   "\(Array(text.unicodeScalars))")
                }
            }
        }
    }
}
