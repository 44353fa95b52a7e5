import Foundation

/// Spaces request starts while Bitbucket reports the token near its rate limit. Shared by every
/// thread using one `Transport` (the interpreter and `parallel` workers draw from one allowance), so
/// each request reserves the next free slot rather than all waking together. The spacing rule
/// itself lives in `RetryPolicy.nearLimitSpacing`.
// Unchecked: the mutable fields are touched only under `lock`.
final class RateLimitPacer: @unchecked Sendable {
    private let lock = NSLock()
    private var spacing: TimeInterval = 0
    private var nextSlot: Date = .distantPast

    /// Seconds the caller must wait before starting its request (0 when not pacing).
    func reserveSlot(now: Date) -> TimeInterval {
        lock.withLock {
            guard spacing > 0 else { return 0 }
            let start = max(now, nextSlot)
            nextSlot = start.addingTimeInterval(spacing)
            return start.timeIntervalSince(now)
        }
    }

    /// Adopts the spacing a response implies; nil lifts pacing.
    func update(spacing newSpacing: TimeInterval?, now: Date) {
        lock.withLock {
            let wasPacing = spacing > 0
            spacing = newSpacing ?? 0
            if spacing > 0, !wasPacing {
                // The request that saw the header already ran; the next one waits a full interval.
                nextSlot = now.addingTimeInterval(spacing)
            } else if spacing == 0 {
                nextSlot = .distantPast
            }
        }
    }

    var currentSpacing: TimeInterval { lock.withLock { spacing } }
}
