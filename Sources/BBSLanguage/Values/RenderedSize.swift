// A lower bound on the length of a value's text, found without writing it. A value can
// share its parts: `x = [x, x]` sixty times is 61 lists in memory and 2^60 items as text.
// Each distinct container is measured once and its size remembered, so the cost is that of
// the value in memory, not of its text (parts on cycles aside, below).
//
// The walk goes in the order `NestedWriter` writes, with the same containers open, so it
// knows what the writer does at each point. Where the writer prints a container that is
// open already as `[...]`, the walk counts that marker. Where the writer fails or gives up
// (JSON meets a cycle, a scalar the style may fail on, the depth limit), the walk stops:
// everything before that point the writer writes in full, so its size is still a bound.
//
// A part measured once counts the same wherever it appears again, unless its text depends
// on where it appears: that is so for every part on a cycle through another part (A holds B
// and B holds A: A shows B in full and B's A as `[...]`, but where B is met first, B shows A
// in full instead). The walk finds those parts as it meets a container that is open (every
// open one from that container on is on such a cycle) and measures them again wherever it
// meets them. A part that only contains itself is the same wherever it appears.

enum LeastRenderedSize {
    struct Outcome: Equatable {
        /// `NestedWriter` writes at least this many bytes (saturating at `ceiling`).
        let bytes: Int
        /// Whether trying again with more visits could find a larger bound.
        let partial: Bool
    }

    /// A lower bound of the bytes `NestedWriter` writes for `root` in `style`, looking at
    /// no more than `visits` values (a container's values once, however often it is shared,
    /// unless it is on a cycle through another container).
    static func of<Style: WriterStyle>(_ root: Value, _ style: Style, visits: Int) -> Outcome {
        var walk = Walk(style: style, visits: visits)
        return walk.run(root)
    }

    /// Sums saturate here, far beyond any limit, so that no addition overflows.
    static let ceiling = Int.max / 4

    private struct Container {
        let id: ObjectIdentifier
        let keys: [String]
        let values: [Value]
        var next = 0
        /// Bytes written so far: the opening bracket, and the items begun, with separators
        /// and keys.
        var bytes = 1
        /// Levels of containers below this one seen so far.
        var below = 0
        /// The lowest stack position of an open container that this one's items reached
        /// again. Below this container's own position, it is on a cycle through another.
        var reachesOpen = Int.max
        /// Whether a container opened after this one reached it again.
        var reachedAgain = false
    }

    private struct Walk<Style: WriterStyle> {
        let style: Style
        /// Each finished container: its least bytes and how many levels of containers it holds
        /// (itself included), so a shared part reached deeper still respects the depth limit.
        var known: [ObjectIdentifier: (bytes: Int, levels: Int)] = [:]
        /// The containers being measured, by their position on `stack`.
        var open: [ObjectIdentifier: Int] = [:]
        var stack: [Container] = []
        var visits: Int

        init(style: Style, visits: Int) {
            self.style = style
            self.visits = visits
        }

        mutating func run(_ root: Value) -> Outcome {
            switch child(root) {
            case .stop: return Outcome(bytes: 0, partial: false)
            case .done(let bytes, _): return Outcome(bytes: bytes, partial: false)
            case .entered: break
            }
            let separator = style.itemSeparator.utf8CodeUnitCount
            let keySeparator = style.keySeparator.utf8CodeUnitCount
            while let top = stack.indices.last {
                let i = stack[top].next
                guard i < stack[top].values.count else {
                    let finished = stack.removeLast()
                    open[finished.id] = nil
                    let bytes = min(finished.bytes + 1, LeastRenderedSize.ceiling)
                    let levels = finished.below + 1
                    if finished.reachesOpen >= stack.count && !finished.reachedAgain {
                        known[finished.id] = (bytes, levels)
                    }
                    guard let parent = stack.indices.last else { return Outcome(bytes: bytes, partial: false) }
                    add(bytes, levels, to: parent)
                    stack[parent].reachesOpen = min(stack[parent].reachesOpen, finished.reachesOpen)
                    continue
                }
                visits -= 1
                if visits < 0 { return Outcome(bytes: written, partial: true) }
                stack[top].next = i + 1
                var lead = i > 0 ? separator : 0
                if !stack[top].keys.isEmpty { lead += stack[top].keys[i].utf8.count + 2 + keySeparator }
                add(lead, 0, to: top)
                switch child(stack[top].values[i]) {
                case .stop: return Outcome(bytes: written, partial: false)
                case .done(let bytes, let levels): add(bytes, levels, to: top)
                case .entered: break
                }
            }
            return Outcome(bytes: 0, partial: false)
        }

        /// The bytes written before the point the walk has reached.
        private var written: Int {
            stack.reduce(0) { min($0 + $1.bytes, LeastRenderedSize.ceiling) }
        }

        private enum Step {
            case stop
            case done(bytes: Int, levels: Int)
            case entered
        }

        private mutating func add(_ bytes: Int, _ levels: Int, to index: Int) {
            stack[index].bytes = min(stack[index].bytes + bytes, LeastRenderedSize.ceiling)
            stack[index].below = max(stack[index].below, levels)
        }

        /// A value inside the container being measured: a scalar or a container measured
        /// before is done at once; a new container is entered.
        private mutating func child(_ v: Value) -> Step {
            let id: ObjectIdentifier
            let keys: [String]
            let values: [Value]
            switch v {
            case .list(let l):
                if l.items.isEmpty { return .done(bytes: 2, levels: 0) }
                id = ObjectIdentifier(l)
                keys = []
                values = l.items
            case .map(let m):
                if m.entries.isEmpty { return .done(bytes: 2, levels: 0) }
                id = ObjectIdentifier(m)
                keys = m.entries.keys
                values = m.entries.values
            default:
                guard let bytes = style.leastBytes(ofScalar: v) else { return .stop }
                return .done(bytes: bytes, levels: 0)
            }
            if let seen = known[id] {
                // Reached again below other levels: the writer meets the depth limit inside.
                return stack.count + seen.levels > style.maxDepth ? .stop : .done(bytes: seen.bytes, levels: seen.levels)
            }
            if let position = open[id], let top = stack.indices.last {
                guard let marker = style.cycleMarkerBytes else { return .stop }
                stack[top].reachesOpen = min(stack[top].reachesOpen, position)
                if position < top { stack[position].reachedAgain = true }
                return .done(bytes: marker, levels: 0)
            }
            guard stack.count < style.maxDepth else { return .stop }
            open[id] = stack.count
            stack.append(Container(id: id, keys: keys, values: values))
            return .entered
        }
    }
}
