// Module globals: one slot per top-level declaration of a file (or of the REPL session).
// The resolver hands out the slots; compiled code reads and writes them directly.

public final class GlobalStore {
    public private(set) var slots: UnsafeMutablePointer<Value>
    private var capacity: Int
    public private(set) var names: [String] = []
    private(set) var index: [String: Int] = [:]
    private(set) var constant: [Bool] = []
    /// Whether each global's declaration has been resolved yet (top-level code may not use it earlier).
    var declared: [Bool] = []

    public init() {
        capacity = 64
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: .null, count: capacity)
    }

    deinit {
        slots.deinitialize(count: capacity)
        slots.deallocate()
    }

    func add(_ name: String, constant isConstant: Bool) -> Int {
        if let i = index[name] {
            constant[i] = isConstant
            return i
        }
        if names.count == capacity { grow() }
        let i = names.count
        names.append(name)
        constant.append(isConstant)
        declared.append(false)
        index[name] = i
        return i
    }

    private func grow() {
        let bigger = UnsafeMutablePointer<Value>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: slots, count: capacity)
        (bigger + capacity).initialize(repeating: .null, count: capacity)
        slots.deallocate()
        slots = bigger
        capacity *= 2
    }

    public func value(_ name: String) -> Value? {
        index[name].map { slots[$0] }
    }

    public func set(_ name: String, _ value: Value) {
        let i = add(name, constant: false)
        declared[i] = true
        slots[i] = value
    }

    /// What the resolver may change, so a REPL entry that fails to resolve can be undone:
    /// `let a = nope` must not leave `a` declared.
    struct Checkpoint {
        let count: Int
        let constant: [Bool]
        let declared: [Bool]
    }

    func checkpoint() -> Checkpoint { Checkpoint(count: names.count, constant: constant, declared: declared) }

    func rollback(to checkpoint: Checkpoint) {
        for i in checkpoint.count..<names.count {
            index[names[i]] = nil
            slots[i] = .null
        }
        names.removeSubrange(checkpoint.count...)
        constant = checkpoint.constant
        declared = checkpoint.declared
    }
}
