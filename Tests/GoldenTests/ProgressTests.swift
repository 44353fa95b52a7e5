// The progress line is for people at a terminal: with stderr a pipe (CI logs, redirects),
// `progress`, `parallel` and a stream's `.list()` write nothing to it. The terminal side is
// driven in a pty by Tests/REPLTests (scenario "progress").

import Foundation
import Testing

@Suite("progress line")
struct ProgressTests {
    @Test func nothingIsDrawnWhenStderrIsNotATerminal() throws {
        let script = """
        var s = 0
        for x in progress(range(30), "crunching") { sleep(0.02); s += x }
        let r = parallel(range(20), x => { sleep(0.04); return x * 2 }, {workers: 2})
        print(s, len(r), r[19])
        """
        let r = try runBBS(["-e", script])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout == "435 20 38\n")
        #expect(r.stderr == "")
    }
}
