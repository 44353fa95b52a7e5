import Foundation

public struct GitRootError: Error, CustomStringConvertible {
    public let description: String
}

/// The directory holding every served repository as `ROOT/{workspace}/{slug}.git`.
///
/// bbs-mock owns this directory: it is emptied on start and on `POST /_mock/reset`, so it must be empty
/// or one bbs-mock used before (recognised by a marker file). A temporary root is deleted on exit.
public final class GitRepositoryStore: @unchecked Sendable {
    static let markerName = ".bbs-mock-git-root"
    static let homeName = ".home"

    public let root: URL
    public let git: MockGit
    public let isTemporary: Bool

    /// Uses `root` (created if missing); nil `root` makes a private temporary directory.
    /// Returns nil when no `git` is installed.
    public static func make(root: URL?) throws -> GitRepositoryStore? {
        let isTemporary = root == nil
        let directory = root ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("bbs-mock-git-\(getpid())-\(UUID().uuidString.prefix(8))")
        try prepare(directory)
        guard let git = MockGit.locate(scratch: directory) else {
            if isTemporary { try? FileManager.default.removeItem(at: directory) }
            return nil
        }
        return GitRepositoryStore(root: directory.standardizedFileURL, git: git, isTemporary: isTemporary)
    }

    init(root: URL, git: MockGit, isTemporary: Bool) {
        self.root = root
        self.git = git
        self.isTemporary = isTemporary
        clear()
    }

    private static func prepare(_ directory: URL) throws {
        let manager = FileManager.default
        let marker = directory.appendingPathComponent(markerName)
        let existing = (try? manager.contentsOfDirectory(atPath: directory.path)) ?? []
        if !existing.isEmpty && !manager.fileExists(atPath: marker.path) {
            throw GitRootError(description: "--git-root \(directory.path) is not empty and was not made by bbs-mock; "
                + "bbs-mock deletes what is in it, so give it an empty or new directory")
        }
        try manager.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data("Repositories served by bbs-mock; emptied when it starts and on POST /_mock/reset.\n".utf8)
            .write(to: marker)
    }

    /// Content for a repository: in memory until git serving first touches it.
    public func makeContent() -> any RepositoryContentSource { GitBackedContentSource(store: self) }

    public func directory(workspace: String, slug: String) throws -> URL {
        for name in [workspace, slug] where name.isEmpty || name.hasPrefix(".") || name.contains("/") {
            throw GitRootError(description: "'\(name)' cannot name a directory")
        }
        return root.appendingPathComponent(workspace).appendingPathComponent(slug + ".git")
    }

    /// Removes every repository, so the next state materialises fresh ones.
    public func clear() {
        let manager = FileManager.default
        for name in (try? manager.contentsOfDirectory(atPath: root.path)) ?? []
        where name != Self.markerName && name != Self.homeName {
            try? manager.removeItem(at: root.appendingPathComponent(name))
        }
    }

    /// Deletes a temporary root; a root given with --git-root stays for inspection.
    public func shutDown() {
        if isTemporary { try? FileManager.default.removeItem(at: root) }
    }
}
