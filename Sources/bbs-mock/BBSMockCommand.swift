import ArgumentParser
import BBSMock
import Foundation

@main
struct BBSMockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bbs-mock",
        abstract: "A fake Bitbucket Cloud REST API 2.0 on loopback, for testing bbs scripts offline.",
        discussion: """
            Prints `listening on http://HOST:PORT` as its first line of output, then serves until SIGTERM or \
            SIGINT. REST lives under /2.0; control endpoints (faults, request log, reset, seed) under /_mock/ \
            (GET /_mock/help lists them).

            Git: every repository is also served over git smart HTTP at http://HOST:PORT/WORKSPACE/SLUG.git \
            (clone needs scope repository, push repository:write; public repositories clone anonymously), from \
            bare repositories under --git-root (default: a temporary directory deleted on exit).

            Credentials: `Authorization: Bearer TOKEN`, Basic `x-token-auth:TOKEN`, or a --basic user. Scopes \
            are OAuth 2 scopes (repository, repository:write, pullrequest, pipeline, account, ...) or API-token \
            scopes (read:repository:bitbucket, ...). With no --token and no --basic, the token `mock-token` \
            with every scope is accepted.
            """)

    @Option(help: "Address to bind.")
    var host = "127.0.0.1"

    @Option(help: "Port to bind; 0 picks a free one.")
    var port = 0

    @Option(name: .customLong("token"), help: ArgumentHelp(
        "Accept an access token: VALUE or VALUE:scope,scope (no scopes = all). Repeatable.", valueName: "VALUE[:scopes]"))
    var tokens: [String] = []

    @Option(name: .customLong("basic"), help: ArgumentHelp(
        "Accept Basic credentials (API token or app password style). Repeatable.", valueName: "USER:SECRET[:scopes]"))
    var basics: [String] = []

    @Option(help: ArgumentHelp("Serve this state instead of the default (format: Sources/BBSMock/README.md).", valueName: "FILE"))
    var fixture: String?

    @Option(help: ArgumentHelp("Origin for links in responses (default: the Host the client used).", valueName: "URL"))
    var publicURL: String?

    @Option(help: ArgumentHelp(
        "Keep served git repositories in DIR/WORKSPACE/SLUG.git; emptied on start and on reset, kept on exit "
            + "(default: a private temporary directory, deleted on exit).", valueName: "DIR"))
    var gitRoot: String?

    @Flag(help: "Do not serve git; repositories live in memory only.")
    var noGit = false

    @Flag(help: "Refuse pushes and merges that the repositories' branch restrictions forbid, as Bitbucket does.")
    var enforceBranchRestrictions = false

    @Flag(help: "Print the default fixture (a starting point for --fixture) and exit.")
    var printDefaultFixture = false

    @Flag(help: "Print every route with the scope it requires and exit.")
    var listRoutes = false

    @Flag(help: "Log server activity to stderr.")
    var verbose = false

    func run() async throws {
        if printDefaultFixture {
            print(try JSON.parse(DefaultFixture.text).serialized(pretty: true))
            return
        }
        if listRoutes {
            for route in MockService.routeCatalogue {
                print("\(route.operation)\t\(route.legacyScope)\t\(route.granularScopes.joined(separator: ","))")
            }
            return
        }
        let credentials = try makeCredentials()
        let store: GitRepositoryStore?
        do {
            store = noGit ? nil : try GitRepositoryStore.make(root: gitRoot.map { URL(fileURLWithPath: $0) })
        } catch {
            FileHandle.standardError.write(Data("bbs-mock: \(error)\n".utf8))
            throw ExitCode.failure
        }
        if !noGit && store == nil {
            FileHandle.standardError.write(Data("bbs-mock: git not found on PATH; serving REST only, from memory\n".utf8))
        }
        defer { store?.shutDown() }
        let contentFactory: @Sendable () -> any RepositoryContentSource = {
            if let store { return store.makeContent() }
            return InMemoryContentSource()
        }
        let fixtureURL = fixture.map { URL(fileURLWithPath: $0) }
        let enforce = enforceBranchRestrictions
        let configuration = MockService.Configuration(credentials: credentials) { () throws -> MockState in
            // A reset (and the start) begins with no repositories on disk; each is written on first git use.
            store?.clear()
            let state = try fixtureURL.map { try MockService.Configuration.fixtureState($0, contentFactory: contentFactory) }
                ?? MockService.Configuration.defaultState(contentFactory: contentFactory)
            if enforce { state.enforceBranchRestrictions = true }
            return state
        }
        let service: MockService
        do {
            service = try MockService(configuration: configuration)
        } catch {
            // A broken fixture is not a usage error: say what is wrong without the usage text.
            FileHandle.standardError.write(Data("bbs-mock: cannot load state: \(error)\n".utf8))
            throw ExitCode.failure
        }
        if verbose, let store {
            FileHandle.standardError.write(Data("bbs-mock: git repositories under \(store.root.path)\n".utf8))
        }
        let extensions: [any MockServerExtension] = store.map { [GitSmartHTTPExtension(git: GitSmartHTTP(store: $0))] } ?? []
        let server = MockServer(
            service: service, host: host, port: port, publicURL: publicURL, extensions: extensions,
            logLevel: verbose ? .info : .warning)
        let printedHost = host
        try await server.run { boundPort in
            print("listening on http://\(MockServer.urlHost(printedHost)):\(boundPort)")
            fflush(stdout)
        }
    }

    private func makeCredentials() throws -> [MockCredential] {
        let now = Date(timeIntervalSince1970: 1_704_067_200)
        do {
            var credentials = try tokens.enumerated().map { try MockCredential.token(spec: $0.element, index: $0.offset, createdOn: now) }
            credentials += try basics.map { try MockCredential.basic(spec: $0, createdOn: now) }
            if credentials.isEmpty {
                FileHandle.standardError.write(Data("bbs-mock: no --token or --basic given; accepting token 'mock-token' with every scope\n".utf8))
                credentials = [try MockCredential.token(spec: "mock-token", index: 0, createdOn: now)]
            }
            return credentials
        } catch let error as CredentialSpecError {
            throw ValidationError(error.description)
        }
    }
}
