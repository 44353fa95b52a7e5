import Foundation

enum JSONOrdering {
    static func number(_ value: JSON) -> Double? {
        switch value {
        case .int(let number): return Double(number)
        case .double(let number): return number
        default: return nil
        }
    }

    /// Nulls and missing values first, then numbers, then strings in natural order (Bitbucket documents
    /// natural order for ref names; it reads well for everything else too).
    static func less(_ lhs: JSON, _ rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return false
        case (.null, _): return true
        case (_, .null): return false
        case (.bool(let a), .bool(let b)): return !a && b
        case (.string(let a), .string(let b)): return NaturalOrder.less(a, b)
        default:
            if let a = number(lhs), let b = number(rhs) { return a < b }
            return false
        }
    }
}

/// `sort=field` or `sort=-field` on a dotted field; one field only, as on Bitbucket. Stable, so items that
/// tie keep their default order.
struct SortSpec {
    let field: String
    let descending: Bool

    init?(_ text: String?) {
        guard var text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        descending = text.hasPrefix("-")
        if descending { text.removeFirst() }
        field = text
    }

    func apply(_ items: [JSON]) -> [JSON] {
        let keyed = items.enumerated().map { (offset: $0.offset, key: $0.element.value(atPath: field) ?? .null, item: $0.element) }
        return keyed.sorted { lhs, rhs in
            if JSONOrdering.less(lhs.key, rhs.key) { return !descending }
            if JSONOrdering.less(rhs.key, lhs.key) { return descending }
            return lhs.offset < rhs.offset
        }.map(\.item)
    }
}
