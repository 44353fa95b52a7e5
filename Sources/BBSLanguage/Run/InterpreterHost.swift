// What an interpreter asks of whoever embeds it, for the parts of the world the language does
// not own: which secrets exist and how waits share the script lock. Each interpreter holds its
// host (a `parallel` worker shares its parent's), so two runtimes in one process never see each
// other's secrets or locks.

public protocol InterpreterHost: AnyObject {
    /// What `run` children inherit of this process's environment (the runtime drops variables
    /// that hold a secret).
    func inheritedEnvironment(_ environment: [String: String]) -> [String: String]

    /// Runs a blocking wait that touches no language object; the runtime lets other `parallel`
    /// workers run script code meanwhile.
    func outsideScript<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T

    /// Text from outside the script (`env(NAME)`, `fs.read`, a `run` child's output) as a value:
    /// the text, or a secret when it is or contains a secret the host knows, so no built-in
    /// hands out a known secret as a plain string. `origin` names the place: "env NAME".
    func value(ofText text: String, from origin: String) -> Value
}

/// The host of a bare interpreter (tests, tools): no secrets, no lock.
public final class StandaloneHost: InterpreterHost {
    public static let shared = StandaloneHost()
    public init() {}
    public func inheritedEnvironment(_ environment: [String: String]) -> [String: String] { environment }
    public func outsideScript<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T { try body() }
    public func value(ofText text: String, from origin: String) -> Value { .string(text) }
}
