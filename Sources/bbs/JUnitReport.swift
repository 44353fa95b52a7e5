// `bbs test --junit FILE`: the JUnit XML that CI tools read (Bitbucket Pipelines shows any
// test-results/**/*.xml). The shape follows the schema those tools accept, Jenkins' xunit
// junit-10.xsd (Tests/junit/junit.xsd states its
// rules): <testsuites> of one <testsuite> per file, one <testcase> per test, a failing
// assertion as <failure>, a file that could not run as one <error> case.

import Foundation

enum JUnitReport {
    static func xml(_ files: [FileResult]) -> String {
        let tests = files.reduce(0) { $0 + $1.cases.count }
        let failures = files.reduce(0) { $0 + $1.cases.filter { $0.failure != nil && !$0.isFileError }.count }
        let errors = files.reduce(0) { $0 + $1.cases.filter(\.isFileError).count }
        let total = files.reduce(0.0) { $0 + $1.seconds }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"bbs test\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\" time=\"\(seconds(total))\">\n"
        let host = ProcessInfo.processInfo.hostName
        let stamp = ISO8601DateFormatter()
        stamp.formatOptions = [.withInternetDateTime]
        for (index, file) in files.enumerated() {
            let fileFailures = file.cases.filter { $0.failure != nil && !$0.isFileError }.count
            let fileErrors = file.cases.filter(\.isFileError).count
            out += "  <testsuite name=\"\(escape(file.path))\" tests=\"\(file.cases.count)\" failures=\"\(fileFailures)\" errors=\"\(fileErrors)\" skipped=\"0\" time=\"\(seconds(file.seconds))\" timestamp=\"\(stamp.string(from: file.started))\" hostname=\"\(escape(host))\" id=\"\(index)\" package=\"bbs\">\n"
            let className = escape(classname(file.path))
            for test in file.cases {
                out += "    <testcase name=\"\(escape(test.name))\" classname=\"\(className)\" time=\"\(seconds(test.seconds))\""
                guard let failure = test.failure else {
                    out += "/>\n"
                    continue
                }
                let element = test.isFileError ? "error" : "failure"
                let firstLine = failure.split(separator: "\n").first.map(String.init) ?? ""
                out += ">\n      <\(element) message=\"\(escape(firstLine))\" type=\"\(test.isFileError ? "file" : "assert")\">\(escape(failure))</\(element)>\n    </testcase>\n"
            }
            out += "    <system-out>\(escape(file.stdout))</system-out>\n"
            out += "    <system-err>\(escape(file.stderr))</system-err>\n"
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    /// `examples/tests/hello_test.bbs` -> `examples.tests.hello_test`, the dotted form CI tools group by.
    static func classname(_ path: String) -> String {
        var name = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        if name.hasSuffix(".bbs") { name.removeLast(4) }
        return name.replacingOccurrences(of: "/", with: ".")
    }

    static func seconds(_ value: Double) -> String { String(format: "%.3f", value) }

    /// Text safe in XML content and attributes; characters XML 1.0 cannot hold at all (most
    /// C0 controls, e.g. a terminal escape a script printed) become U+FFFD.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
