import Dispatch
import Synchronization

/// A request running in the background: the one bridge from the transport's async world to the
/// ordinary threads that wait for it (the interpreter thread, `parallel` workers). The runtime
/// starts a page's prefetch with it and waits later; `Transport.sendBlocking` starts and waits at
/// once.
public final class PendingResponse: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let state = Mutex<State>(State())

    private struct State {
        var result: Result<APIResponse, TransportError>?
        var task: Task<Void, Never>?
    }

    init(sending request: APIRequest, with transport: Transport) {
        let task = Task.detached { [self] in
            let result: Result<APIResponse, TransportError>
            do throws(TransportError) {
                result = .success(try await transport.send(request))
            } catch {
                result = .failure(error)
            }
            state.withLock { $0.result = result }
            done.signal()
        }
        state.withLock { $0.task = task }
    }

    /// Blocks the calling thread until the response is in. `shouldStop` is asked every 50 ms;
    /// when it answers true the request is cancelled and the wait returns nil. Never call it
    /// from async code: it parks the thread, and enough parked pool threads deadlock Swift
    /// concurrency.
    @available(*, noasync, message: "await Transport.send(_:) from async code")
    public func wait(stoppingWhen shouldStop: () -> Bool = { false }) -> Result<APIResponse, TransportError>? {
        while done.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
            if shouldStop() {
                cancel()
                return nil
            }
        }
        done.signal() // a second wait returns at once
        return state.withLock { $0.result }
    }

    /// Cancels the request; a wait already under way ends with a `network` "request cancelled".
    public func cancel() {
        state.withLock { $0.task }?.cancel()
    }
}

extension Transport {
    /// Starts `request` in the background; `wait` on the result blocks until it is answered.
    public func start(_ request: APIRequest) -> PendingResponse {
        PendingResponse(sending: request, with: self)
    }
}
