// The built-ins every bbs interpreter has, whatever embeds it: the general functions,
// methods on strings, lists and maps, and the `fs`, `time` and `json` namespaces.
// The runtime layer adds the Bitbucket-facing ones (api, repo, git, token) on top.

public enum CoreLibrary {
    public static func install(into interpreter: Interpreter) {
        CoreBuiltins.install(into: interpreter)
        StringMethods.install(into: interpreter)
        ListMethods.install(into: interpreter)
        ListFunctional.install(into: interpreter)
        MapMethods.install(into: interpreter)
        FileSystemBuiltins.install(into: interpreter)
        TimeBuiltins.install(into: interpreter)
        ProcessBuiltins.install(into: interpreter)
        JSONBuiltins.install(into: interpreter)
        Table.install(into: interpreter)
    }
}
