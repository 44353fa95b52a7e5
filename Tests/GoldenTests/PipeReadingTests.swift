// The test harness starts a process for every golden script, example and CLI case. Each one
// that kept its pipe open cost a descriptor for the rest of the run, and past about 1,300
// descriptors Foundation's `Process.run` crashed the whole test process (CI, 2026-12-07).

import BBSTestSupport
import Foundation
import Testing

@Suite("pipe reading")
struct PipeReadingTests {
    /// The pipe a child wrote to, identified by inode so that a reused descriptor number
    /// cannot pass for a closed one.
    private static func inode(of fd: Int32) -> UInt? {
        var st = stat()
        return fstat(fd, &st) == 0 ? UInt(st.st_ino) : nil
    }

    @Test func readAllAndCloseClosesTheReadEnd() throws {
        for _ in 0..<10 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/echo")
            process.arguments = ["hello"]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let fd = out.fileHandleForReading.fileDescriptor
            let pipeInode = try #require(Self.inode(of: fd))
            let data = out.fileHandleForReading.readAllAndClose()
            process.waitUntilExit()
            #expect(String(decoding: data, as: UTF8.self) == "hello\n")
            #expect(Self.inode(of: fd) != pipeInode, "descriptor \(fd) still holds the child's pipe")
        }
    }

    @Test func runningBBSLeavesNoPipeBehind() throws {
        let before = try Self.openPipes()
        for _ in 0..<40 { _ = try runBBS(["-e", "1"]) }
        // Other suites run at the same time and hold pipes of their own for a moment; a leak
        // here would be one or two pipes per run that stay, 40 or more.
        let after = try Self.openPipes()
        #expect(after.subtracting(before).count < 20, "pipes left open: \(after.subtracting(before).count)")
    }

    /// The pipes this process holds, by inode.
    private static func openPipes() throws -> Set<String> {
        let dir = "/proc/self/fd"
        var pipes = Set<String>()
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: dir + "/" + name),
               target.hasPrefix("pipe:") { pipes.insert(target) }
        }
        return pipes
    }
}
