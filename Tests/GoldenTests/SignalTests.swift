// Ctrl-C: a running script stops cleanly with exit status 130.

import BBSTestSupport
import Foundation
import Testing

@Suite("signals")
struct SignalTests {
    @Test(arguments: [
        "while true { }",                                  // a busy loop notices at its back-edge
        "fn spin(n) { return spin(n) }\nwhile true { sleep(0.05) }",  // sleep wakes up
    ])
    func sigintExits130(_ code: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Golden.binary())
        process.arguments = ["-e", "print(\"started\")\nsleep(0.01)\n" + code]  // sleep flushes stdout
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        // Wait until the script is running, then interrupt it.
        let firstLine = out.fileHandleForReading.availableData
        #expect(String(decoding: firstLine, as: UTF8.self).contains("started"))
        kill(process.processIdentifier, SIGINT)
        let finished = done.wait(timeout: .now() + 10) == .success
        if !finished {
            process.terminate()
            done.wait()
        }
        #expect(finished, "bbs did not stop after SIGINT")
        #expect(process.terminationStatus == 130)
        let stderr = String(decoding: err.fileHandleForReading.readAllAndClose(), as: UTF8.self)
        #expect(stderr.contains("interrupted"))
    }
}
