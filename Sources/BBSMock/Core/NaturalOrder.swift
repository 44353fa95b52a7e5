import Foundation

/// Natural ordering ("v2" before "v10"), which Bitbucket documents for sorting refs by name.
enum NaturalOrder {
    static func less(_ lhs: String, _ rhs: String) -> Bool {
        lhs.compare(rhs, options: [.numeric]) == .orderedAscending
    }
}
