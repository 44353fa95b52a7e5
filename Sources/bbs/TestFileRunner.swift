// The child side of `bbs test`: runs one test file in this process with the test built-ins,
// then writes what happened to the report file the parent named (JSON). The parent started
// this process with the mock's URLs and token in the environment, and in the file's folder.

import BBSErrorKinds
import BBSLanguage
import BBSRuntime
import Foundation

enum TestFileRunner {
    static func runInThisProcess(_ path: String, report: String, filter: String?) -> Int32 {
        ScriptRunner.installInterruptHandler()
        var options = RuntimeOptions()
        options.version = bbsVersion
        let environment = ProcessInfo.processInfo.environment
        let runtime = Runtime(options: options)
        let setup = TestSetup(mockURL: environment["BBS_MOCK_URL"] ?? "", token: environment["BITBUCKET_TOKEN"] ?? "",
                              bbsPath: TestDiscovery.selfPath(), filter: filter)
        let harness = TestHarness(runtime: runtime, setup: setup)
        var fileError: String?
        var status = ExitStatus.success
        if let text = (try? readScript(path)) ?? nil {
            switch runtime.prepare(SourceFile(path: (path as NSString).lastPathComponent, text: text)) {
            case .rejected(let error):
                fileError = runtime.render(error, color: false)
            case .ready(let script):
                let outcome = runtime.execute(script)
                switch outcome {
                case .finished: break
                case .exited(let code):
                    if code != 0 { fileError = "the file called exit(\(code))" }
                case .failed(let error):
                    fileError = "outside any test: " + runtime.render(error, color: false)
                    if case .interrupted = error { status = ExitStatus.interrupted }
                }
            }
        } else {
            fileError = "cannot read the file"
        }
        let tests: [[String: Any]] = harness.results.map { result in
            var entry: [String: Any] = ["name": result.name, "seconds": result.seconds]
            if let failure = result.failure { entry["failure"] = failure }
            return entry
        }
        var document: [String: Any] = ["tests": tests]
        if let fileError { document["error"] = fileError }
        guard let data = try? JSONSerialization.data(withJSONObject: document),
              FileManager.default.createFile(atPath: report, contents: data) else {
            writeError("bbs test: cannot write the report '\(report)'\n")
            return ExitStatus.failure
        }
        return status
    }
}
