import Foundation
import XCTest
@testable import BBSTransport

/// The policy alone, without a server: which outcomes retry, how long the waits are.
final class RetryPolicyTests: XCTestCase {
    let policy = RetryPolicy(maxAttempts: 4, baseDelay: 0.5, maxDelay: 3, maxTotalWait: 10,
                             random: { $0.upperBound }, sleep: { _ in }, now: { fixedNow })

    func testFullJitterStaysWithinTheGrowingCeiling() {
        XCTAssertEqual(policy.backoff(retry: 1), 0.5)
        XCTAssertEqual(policy.backoff(retry: 2), 1.0)
        XCTAssertEqual(policy.backoff(retry: 3), 2.0)
        XCTAssertEqual(policy.backoff(retry: 4), 3.0, "capped at maxDelay")
        var low = policy
        low.random = { $0.lowerBound }
        XCTAssertEqual(low.backoff(retry: 3), 0)
        var half = policy
        half.random = { $0.upperBound / 2 }
        XCTAssertEqual(half.backoff(retry: 2), 0.5, "drawn from 0...1")
    }

    func testRetryAfterParsing() {
        XCTAssertEqual(RetryPolicy.retryAfterDelay("7", now: fixedNow), 7)
        XCTAssertEqual(RetryPolicy.retryAfterDelay(" 0 ", now: fixedNow), 0)
        XCTAssertEqual(RetryPolicy.retryAfterDelay("-3", now: fixedNow), 0)
        let in90 = fixedNow.addingTimeInterval(90)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss 'GMT'", "EEEE, dd-MMM-yy HH:mm:ss 'GMT'", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            XCTAssertEqual(RetryPolicy.retryAfterDelay(formatter.string(from: in90), now: fixedNow) ?? -1, 90, accuracy: 0.5, format)
        }
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        XCTAssertEqual(RetryPolicy.retryAfterDelay(formatter.string(from: fixedNow.addingTimeInterval(-60)), now: fixedNow), 0)
        XCTAssertNil(RetryPolicy.retryAfterDelay("soon", now: fixedNow))
    }

    func testWhichOutcomesAndMethodsAreRetried() {
        func decide(_ method: String, _ outcome: RetryPolicy.Outcome, attempt: Int = 1, waited: TimeInterval = 0) -> RetryPolicy.Decision {
            policy.decide(method: method, outcome: outcome, attempt: attempt, waited: waited)
        }
        for method in ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"] {
            for status in [429, 502, 503, 504] {
                XCTAssertEqual(decide(method, .status(status, retryAfter: nil)), .retry(after: 0.5), "\(method) \(status)")
            }
            XCTAssertEqual(decide(method, .failure(.mayHaveBeenSent)), .retry(after: 0.5))
        }
        for status in [400, 401, 403, 404, 409, 422, 500, 501, 555] {
            XCTAssertEqual(decide("GET", .status(status, retryAfter: nil)), .stop(exhausted: false), "\(status)")
        }
        for method in ["POST", "PATCH"] {
            XCTAssertEqual(decide(method, .status(503, retryAfter: "1")), .stop(exhausted: false))
            XCTAssertEqual(decide(method, .status(429, retryAfter: "1")), .stop(exhausted: false))
            XCTAssertEqual(decide(method, .failure(.mayHaveBeenSent)), .stop(exhausted: false))
            XCTAssertEqual(decide(method, .failure(.beforeSending)), .retry(after: 0.5), "nothing was sent")
        }
        XCTAssertEqual(decide("GET", .failure(.permanent)), .stop(exhausted: false))
    }

    func testAttemptsAndWaitBudgetAreCapped() {
        XCTAssertEqual(policy.decide(method: "GET", outcome: .status(503, retryAfter: nil), attempt: 4, waited: 0),
                       .stop(exhausted: true))
        XCTAssertEqual(policy.decide(method: "GET", outcome: .status(503, retryAfter: "2"), attempt: 2, waited: 8),
                       .retry(after: 2))
        XCTAssertEqual(policy.decide(method: "GET", outcome: .status(503, retryAfter: "3"), attempt: 2, waited: 8),
                       .stop(exhausted: true))
        XCTAssertEqual(policy.decide(method: "GET", outcome: .status(429, retryAfter: "60"), attempt: 1, waited: 0),
                       .stop(exhausted: true), "a Retry-After beyond the budget gives up rather than wait less")
        XCTAssertEqual(RetryPolicy.noRetries.decide(method: "GET", outcome: .status(503, retryAfter: nil), attempt: 1, waited: 0),
                       .stop(exhausted: true))
    }

    func testNearLimitSpacing() {
        XCTAssertEqual(policy.nearLimitSpacing(headers: ["X-RateLimit-NearLimit": "true", "X-RateLimit-Limit": "3600"]), 1)
        XCTAssertEqual(policy.nearLimitSpacing(headers: ["x-ratelimit-nearlimit": "TRUE", "x-ratelimit-limit": "1000"]), 3,
                       "3.6 s, capped at maxDelay")
        XCTAssertEqual(policy.nearLimitSpacing(headers: ["X-RateLimit-NearLimit": "true"]), 1)
        XCTAssertNil(policy.nearLimitSpacing(headers: ["X-RateLimit-NearLimit": "false"]))
        XCTAssertNil(policy.nearLimitSpacing(headers: [:]))
    }

    func testPacerHandsOutSpacedSlotsAcrossCallers() {
        let pacer = RateLimitPacer()
        XCTAssertEqual(pacer.reserveSlot(now: fixedNow), 0)
        pacer.update(spacing: 2, now: fixedNow)
        XCTAssertEqual(pacer.reserveSlot(now: fixedNow), 2)
        XCTAssertEqual(pacer.reserveSlot(now: fixedNow), 4, "a second worker waits for the slot after")
        XCTAssertEqual(pacer.reserveSlot(now: fixedNow.addingTimeInterval(10)), 0, "slots already past cost nothing")
        pacer.update(spacing: nil, now: fixedNow)
        XCTAssertEqual(pacer.reserveSlot(now: fixedNow), 0)
    }
}
