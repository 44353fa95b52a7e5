// `bbs` reads the everyday command line (`bbs [options] FILE|-e CODE [ARGS...]`) itself and
// leaves every other one to swift-argument-parser (Sources/bbs/RunInvocation.swift). These
// tests hold the two readers to the same answer wherever the fast one answers at all.

import ArgumentParser
import XCTest
@testable import bbs

final class RunInvocationTests: XCTestCase {
    /// argument-parser's reading of `args`, or nil when it reads them as anything but running
    /// a script (help, a subcommand, an error).
    private func readByArgumentParser(_ args: [String]) -> RunInvocation? {
        guard let run = (try? BBS.parseAsRoot(args)) as? Run else { return nil }
        return RunInvocation(code: run.code, apiURL: run.apiURL, gitURL: run.gitURL, trace: run.trace,
                             dryRun: run.dryRun, caFile: run.caFile, arguments: run.arguments)
    }

    func testEverydayCommandLinesAreReadLikeArgumentParserReadsThem() {
        let cases: [([String], RunInvocation)] = [
            ([], RunInvocation()),
            (["-e", "1"], RunInvocation(code: "1")),
            (["-e", "print(args)", "a", "b"], RunInvocation(code: "print(args)", arguments: ["a", "b"])),
            (["deploy.bbs"], RunInvocation(arguments: ["deploy.bbs"])),
            (["deploy.bbs", "v1.2", "--trace", "-e", "x", "--help"],
             RunInvocation(arguments: ["deploy.bbs", "v1.2", "--trace", "-e", "x", "--help"])),
            (["-"], RunInvocation(arguments: ["-"])),
            (["--trace", "--dry-run", "--api-url", "http://127.0.0.1:1/2.0", "--git-url", "http://127.0.0.1:1",
              "--ca-file", "ca.pem", "s.bbs", "check"],
             RunInvocation(apiURL: "http://127.0.0.1:1/2.0", gitURL: "http://127.0.0.1:1", trace: true,
                           dryRun: true, caFile: "ca.pem", arguments: ["s.bbs", "check"])),
            (["-e", "help", "run"], RunInvocation(code: "help", arguments: ["run"])),
        ]
        for (args, expected) in cases {
            XCTAssertEqual(RunInvocation.plain(args), expected, "\(args)")
            XCTAssertEqual(readByArgumentParser(args), expected, "argument-parser on \(args)")
        }
    }

    func testEverythingElseIsLeftToArgumentParser() {
        let cases: [[String]] = [
            ["--help"], ["-h"], ["--version"], ["help"], ["check", "a.bbs"], ["run", "a.bbs"],
            ["test"], ["fmt", "--check", "a.bbs"], ["repl"],
            ["-e", "1", "-e", "2"], ["--trace", "--trace", "a.bbs"], ["--api-url=http://h", "a.bbs"],
            ["-e", "-1"], ["-e"], ["--ca-file"], ["--", "a.bbs"], ["--unknown", "a.bbs"], ["-he"],
            ["a.bbs", "--generate-completion-script", "bash"], ["---completion", "--", "x"],
        ]
        for args in cases {
            XCTAssertNil(RunInvocation.plain(args), "\(args)")
        }
    }

    /// Command lines built at random from the pieces people type; wherever the fast reader
    /// answers, argument-parser must give the same answer (and must not reject the line).
    func testRandomCommandLinesAgreeWithArgumentParser() {
        let pieces = ["-e", "1", "print(args)", "a.bbs", "-", "--", "--trace", "--dry-run", "--api-url",
                      "http://127.0.0.1:9/2.0", "--git-url", "--ca-file", "ca.pem", "--help", "-h",
                      "--version", "check", "run", "help", "x", "--x", "-x", "", "--trace=1", "-e1"]
        var random = SplitMix64(seed: 14)
        var answered = 0
        for _ in 0..<1000 {
            let count = Int(random.next() % 6)
            let args = (0..<count).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }
            guard let fast = RunInvocation.plain(args) else { continue }
            answered += 1
            XCTAssertEqual(fast, readByArgumentParser(args), "\(args)")
        }
        // The comparison means something only if the fast reader answered often.
        XCTAssertGreaterThan(answered, 150)
    }
}

/// A small seeded generator, so a failure names a command line that fails again.
private struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
