import Foundation
import XCTest
@testable import BBSTransport

/// Retries against a real loopback server; waits are recorded, not slept.
final class RetryTests: XCTestCase {
    func testServiceUnavailableWithRetryAfterSecondsIsRetriedThenSucceeds() async throws {
        let api = try ScriptedServer(routes: ["/2.0/user": [
            .text(503, "busy", headers: [("Retry-After", "2")]),
            .json(200, ["ok": true]),
        ]])
        let sleeps = SleepRecorder()
        let trace = LineCollector()
        let transport = try makeTransport(api: api.apiBaseURL, credential: .bearer(token: "t0k3n"),
                                          retry: testRetryPolicy(sleeps), trace: trace)

        let response = try await transport.send(APIRequest("/user"))

        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.attempts, 2)
        XCTAssertEqual(sleeps.sleeps, [2])
        XCTAssertEqual(api.requests.count, 2)
        XCTAssertEqual(api.requests.last?.header("Authorization"), "Bearer t0k3n", "a retry keeps the credential")
        XCTAssertTrue(trace.text.contains("[attempt 2]"), trace.text)
        XCTAssertTrue(trace.text.contains("↻ GET"), trace.text)
        await transport.shutdown()
    }

    func testTooManyRequestsWithRetryAfterDateIsRetried() async throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let retryAt = formatter.string(from: fixedNow.addingTimeInterval(3))
        let api = try ScriptedServer(routes: ["/2.0/repositories/acme": [
            .text(429, "Rate limit for this resource has been exceeded", headers: [("Retry-After", retryAt)]),
            .json(200, ["values": []]),
        ]])
        let sleeps = SleepRecorder()
        let transport = try makeTransport(api: api.apiBaseURL, retry: testRetryPolicy(sleeps))

        let response = try await transport.send(APIRequest("/repositories/acme"))

        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(sleeps.sleeps, [3])
        await transport.shutdown()
    }

    func testWithoutRetryAfterTheWaitsGrowExponentially() async throws {
        let api = try ScriptedServer(routes: ["/2.0/x": [.text(502, "bad gateway"), .text(504, "timeout"), .json(200, [:])]])
        let sleeps = SleepRecorder()
        let transport = try makeTransport(api: api.apiBaseURL, retry: testRetryPolicy(sleeps))

        let response = try await transport.send(APIRequest("/x"))

        XCTAssertEqual(response.attempts, 3)
        XCTAssertEqual(sleeps.sleeps, [0.1, 0.2], "full jitter at its upper bound: base, then 2 x base")
        await transport.shutdown()
    }

    func testPostIsNotResentAfterServiceUnavailable() async throws {
        let api = try ScriptedServer(routes: ["/2.0/repositories/acme/r/refs/branches": [
            .text(503, "busy", headers: [("Retry-After", "1")]),
            .json(201, ["name": "b"]),
        ]])
        let sleeps = SleepRecorder()
        let transport = try makeTransport(api: api.apiBaseURL, retry: testRetryPolicy(sleeps))

        let error = await expectTransportError {
            _ = try await transport.send(APIRequest(method: "POST", "/repositories/acme/r/refs/branches",
                                                    body: Array(#"{"name":"b"}"#.utf8)))
        }

        XCTAssertEqual(error?.kind, .server)
        XCTAssertEqual(error?.status, 503)
        XCTAssertEqual(error?.retries, 0)
        XCTAssertEqual(error?.exitCode, 1)
        XCTAssertEqual(api.requests.count, 1)
        XCTAssertEqual(api.requests.first?.header("Content-Type"), "application/json")
        XCTAssertTrue(sleeps.sleeps.isEmpty)
        await transport.shutdown()
    }

    func testPatchIsNotResentAfterTheConnectionDropped() async throws {
        let api = try ScriptedServer(routes: ["/2.0/x": [.dropConnection, .json(200, [:])]])
        let transport = try makeTransport(api: api.apiBaseURL, retry: testRetryPolicy(SleepRecorder()))

        let error = await expectTransportError {
            _ = try await transport.send(APIRequest(method: "PATCH", "/x", body: Array("{}".utf8)))
        }

        XCTAssertEqual(error?.kind, .network)
        XCTAssertEqual(error?.exitCode, 5)
        XCTAssertEqual(api.requests.count, 1)
        await transport.shutdown()
    }

    func testGetIsResentAfterTheConnectionDropped() async throws {
        let api = try ScriptedServer(routes: ["/2.0/x": [.dropConnection, .json(200, ["ok": true])]])
        let transport = try makeTransport(api: api.apiBaseURL, retry: testRetryPolicy(SleepRecorder()))

        let response = try await transport.send(APIRequest("/x"))

        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.attempts, 2)
        await transport.shutdown()
    }

    func testPostIsRetriedWhenTheConnectionWasRefusedBecauseNothingWasSent() async throws {
        let port = unusedLoopbackPort()
        let sleeps = SleepRecorder()
        let transport = try makeTransport(api: URL(string: "http://127.0.0.1:\(port)/2.0")!,
                                          retry: testRetryPolicy(sleeps, maxAttempts: 3))

        let error = await expectTransportError {
            _ = try await transport.send(APIRequest(method: "POST", "/x", body: []))
        }

        XCTAssertEqual(error?.kind, .network)
        XCTAssertEqual(error?.retries, 2)
        XCTAssertEqual(error?.retriesExhausted, true)
        XCTAssertEqual(error?.exitCode, 5)
        XCTAssertTrue(error?.message.contains("refused") ?? false, error?.message ?? "")
        XCTAssertEqual(sleeps.sleeps.count, 2)
        await transport.shutdown()
    }

    func testExhaustedRetriesOnRateLimitReportRateLimitedWithExitCode5() async throws {
        let api = try ScriptedServer(routes: ["/2.0/x": [
            .text(429, "Rate limit for this resource has been exceeded", headers: [("Content-Type", "text/plain")]),
        ]])
        let sleeps = SleepRecorder()
        let transport = try makeTransport(api: api.apiBaseURL, retry: testRetryPolicy(sleeps, maxAttempts: 3))

        let error = await expectTransportError { _ = try await transport.send(APIRequest("/x")) }

        XCTAssertEqual(error?.kind, .rateLimited)
        XCTAssertEqual(error?.status, 429)
        XCTAssertEqual(error?.message, "Rate limit for this resource has been exceeded")
        XCTAssertEqual(error?.retries, 2)
        XCTAssertEqual(error?.exitCode, 5)
        XCTAssertEqual(api.requests.count, 3)
        XCTAssertEqual(sleeps.sleeps, [0.1, 0.2])
        await transport.shutdown()
    }

    func testServerErrorsThatOutlastTheRetriesExitWith5() async throws {
        let api = try ScriptedServer(routes: ["/2.0/x": [.text(503, "down")]])
        let transport = try makeTransport(api: api.apiBaseURL, retry: testRetryPolicy(SleepRecorder(), maxAttempts: 2))

        let error = await expectTransportError { _ = try await transport.send(APIRequest("/x")) }

        XCTAssertEqual(error?.kind, .server)
        XCTAssertEqual(error?.retriesExhausted, true)
        XCTAssertEqual(error?.exitCode, 5)
        await transport.shutdown()
    }

    func testRetryAfterBeyondTheWaitBudgetGivesUpAtOnce() async throws {
        let api = try ScriptedServer(routes: ["/2.0/x": [.text(429, "slow down", headers: [("Retry-After", "3600")])]])
        let sleeps = SleepRecorder()
        let transport = try makeTransport(api: api.apiBaseURL, retry: testRetryPolicy(sleeps, maxTotalWait: 30))

        let error = await expectTransportError { _ = try await transport.send(APIRequest("/x")) }

        XCTAssertEqual(error?.kind, .rateLimited)
        XCTAssertEqual(error?.retriesExhausted, true)
        XCTAssertEqual(api.requests.count, 1)
        XCTAssertTrue(sleeps.sleeps.isEmpty)
        await transport.shutdown()
    }

    func testReadTimeoutIsReportedAsTimeoutAndAPostIsNotResent() async throws {
        let api = try ScriptedServer(routes: ["/2.0/slow": [Reply(status: 200, body: "late", delay: 2)]])
        let transport = try makeTransport(api: api.apiBaseURL, retry: testRetryPolicy(SleepRecorder()), readTimeout: 0.3)

        let error = await expectTransportError {
            _ = try await transport.send(APIRequest(method: "POST", "/slow", body: Array("{}".utf8)))
        }

        XCTAssertEqual(error?.kind, .timeout)
        XCTAssertEqual(error?.exitCode, 5)
        XCTAssertEqual(api.requests.count, 1)
        await transport.shutdown()
    }

    func testNearLimitPacesTheNextRequestUntilTheHeaderGoesAway() async throws {
        let nearLimit = [("X-RateLimit-NearLimit", "true"), ("X-RateLimit-Limit", "3600")]
        let api = try ScriptedServer(routes: ["/2.0/x": [.json(200, [:], headers: nearLimit), .json(200, [:])]])
        let sleeps = SleepRecorder()
        let trace = LineCollector()
        let transport = try makeTransport(api: api.apiBaseURL, retry: testRetryPolicy(sleeps), trace: trace)

        _ = try await transport.send(APIRequest("/x"))
        XCTAssertEqual(sleeps.sleeps, [])
        _ = try await transport.send(APIRequest("/x"))
        XCTAssertEqual(sleeps.sleeps, [1], "3600 requests/hour allow one a second")
        _ = try await transport.send(APIRequest("/x"))
        XCTAssertEqual(sleeps.sleeps, [1], "a response without the header lifts the pacing")
        XCTAssertTrue(trace.text.contains("x-ratelimit-nearlimit: true"), trace.text)
        await transport.shutdown()
    }

    func testParallelRequestsShareOneTransport() async throws {
        let api = try ScriptedServer(routes: ["/2.0/x": [.json(200, ["ok": true])]])
        let transport = try makeTransport(api: api.apiBaseURL, credential: .bearer(token: "tok"))

        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<16 {
                group.addTask { try await transport.send(APIRequest("/x")).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }

        XCTAssertEqual(statuses, Array(repeating: 200, count: 16))
        XCTAssertEqual(api.requests.count, 16)
        await transport.shutdown()
    }

    func testSendBlockingWorksFromAPlainThread() throws {
        let api = try ScriptedServer(routes: ["/2.0/x": [.json(200, ["ok": true])], "/2.0/missing": [.json(404, [:])]])
        let transport = try makeTransport(api: api.apiBaseURL)
        final class Outcome: @unchecked Sendable {
            var status: Int?
            var error: TransportError?
        }
        let outcome = Outcome()
        let done = expectation(description: "interpreter thread finished")
        Thread.detachNewThread {
            outcome.status = try? transport.sendBlocking(APIRequest("/x")).status
            do throws(TransportError) {
                _ = try transport.sendBlocking(APIRequest("/missing"))
            } catch {
                outcome.error = error
            }
            transport.shutdownBlocking()
            done.fulfill()
        }
        wait(for: [done], timeout: 30)
        XCTAssertEqual(outcome.status, 200)
        XCTAssertEqual(outcome.error?.kind, .notFound)
    }
}
