import Foundation

/// Bitbucket writes UTC timestamps with an explicit `+00:00`; objects such as repositories and pull
/// requests carry microseconds, commits do not.
public enum Timestamps {
    private static func formatter(_ pattern: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = pattern
        return formatter
    }

    private static let seconds = formatter("yyyy-MM-dd'T'HH:mm:ss'+00:00'")
    private static let micros = formatter("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'+00:00'")
    private static let millisZ = formatter("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")

    public static func commitStyle(_ date: Date) -> String { seconds.string(from: date) }
    public static func objectStyle(_ date: Date) -> String { micros.string(from: date) }
    /// Pipelines, steps and deployments use milliseconds and `Z` (`2020-11-03T22:14:50.671Z`).
    public static func pipelineStyle(_ date: Date) -> String { millisZ.string(from: date) }

    /// Accepts the forms BBQL allows: a date, a date-time with or without fraction, with `Z`, an offset or
    /// no zone (UTC assumed).
    public static func parse(_ text: String) -> Date? {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.count == 10 { trimmed += "T00:00:00" }
        let hasZone = trimmed.hasSuffix("Z") || trimmed.dropFirst(19).contains("+")
            || trimmed.dropFirst(19).contains("-")
        if !hasZone { trimmed += "Z" }
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = withFraction.date(from: trimmed) { return date }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        return plain.date(from: trimmed)
    }
}
