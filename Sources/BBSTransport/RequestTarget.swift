import Foundation

/// A character or segment in a request path that would make the request reach another resource
/// than the one the path names. The transport refuses such a path before anything is sent.
public enum PathProblem: Sendable, Equatable {
    /// `#` starts a fragment, which is never sent: `refs/branches/hot#1` would reach `hot`.
    case fragment(sentPath: String)
    /// A `?` in the path while a query map is also given: it would start the query early.
    case questionMarkWithQueryMap
    /// Space, tab, newline or any other whitespace.
    case whitespace(Unicode.Scalar)
    /// A control character (C0, DEL or C1).
    case control(Unicode.Scalar)
    /// A `.` or `..` segment (also percent-encoded): servers resolve it to another path.
    case dotSegment(String, resolvedPath: String)
    /// A `%` not followed by two hex digits; the text from the `%`.
    case badPercent(String)

    public var description: String {
        switch self {
        case .fragment(let sent):
            return "'#' would end the path there, so the server would get '\(sent)' and never see the rest"
        case .questionMarkWithQueryMap:
            return "the path has a '?' and a query map is given too, so the '?' would start the query inside the path"
        case .whitespace(let c):
            return "\(Self.name(of: c)) in the path would change or break the request"
        case .control(let c):
            return "a control character (\(Self.codePoint(c))) in the path would change or break the request"
        case .dotSegment(let segment, let resolved):
            return "a '\(segment)' segment is resolved by servers, so the request would reach '\(resolved)'"
        case .badPercent(let text):
            return "'\(text)' is not a percent escape (a '%' must be followed by two hex digits, and a literal '%' is written %25)"
        }
    }

    private static func name(of c: Unicode.Scalar) -> String {
        switch c {
        case " ": return "a space"
        case "\t": return "a tab"
        case "\n": return "a newline"
        case "\r": return "a carriage return"
        default: return "whitespace (\(codePoint(c)))"
        }
    }

    private static func codePoint(_ c: Unicode.Scalar) -> String {
        String(format: "U+%04X", c.value)
    }
}

/// Turns what a script wrote as a request target into exactly the text sent on the wire. Every
/// URL the transport fetches is built here (`URLResolution.absoluteURL`), so each API call gets
/// the same rules; the trace then shows the text that AsyncHTTPClient sends unchanged.
///
/// - Refused (`PathProblem`): `#`, `?` together with a query map, whitespace, control characters,
///   `.`/`..` segments and a `%` that does not start a percent escape.
/// - Kept as written: every other ASCII character a URL path or query may hold, including `/`,
///   existing `%XX` escapes, sub-delimiters and `:`/`@`.
/// - Percent-encoded (UTF-8): characters a URL cannot carry as they are — non-ASCII text and
///   `"<>\^`{|}[]` — which servers decode back to the same characters, so the target is unchanged.
enum RequestTarget {
    /// RFC 3986 `pchar` minus `%` (handled separately), plus `/`: kept as written in a path.
    private static let pathCharacters = Set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/".unicodeScalars)
    /// A query may also hold `?`.
    private static let queryCharacters = pathCharacters.union(["?"])

    /// The path-and-query part of a target (everything after the authority), checked and with
    /// what needs it percent-encoded.
    static func wireText(_ text: Substring, hasQueryMap: Bool) throws(TransportError) -> String {
        if let problem = problem(in: text, hasQueryMap: hasQueryMap) {
            throw TransportError(kind: .invalid, message: problem.description, pathProblem: problem)
        }
        var out = ""
        var inQuery = false
        for scalar in text.unicodeScalars {
            if scalar == "?" { inQuery = true }
            let allowed = inQuery ? queryCharacters : pathCharacters
            if scalar == "%" || allowed.contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                for byte in String(scalar).utf8 { out += String(format: "%%%02X", byte) }
            }
        }
        return out
    }

    /// The first thing in `text` that would change the target, if any.
    static func problem(in text: Substring, hasQueryMap: Bool) -> PathProblem? {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        var pathEnd = scalars.count
        while index < scalars.count {
            let c = scalars[index]
            switch c {
            case "#":
                return .fragment(sentPath: String(String.UnicodeScalarView(scalars[..<index])))
            case "?":
                if hasQueryMap { return .questionMarkWithQueryMap }
                pathEnd = min(pathEnd, index)
            case "%":
                let hex = index + 2 < scalars.count && scalars[index + 1].properties.isASCIIHexDigit
                    && scalars[index + 2].properties.isASCIIHexDigit
                if !hex {
                    let shown = String(String.UnicodeScalarView(scalars[index..<min(index + 3, scalars.count)]))
                    return .badPercent(shown)
                }
            default:
                if c.value < 0x20 || (0x7F...0x9F).contains(c.value) {
                    return c.properties.isWhitespace ? .whitespace(c) : .control(c)
                }
                if c.properties.isWhitespace { return .whitespace(c) }
            }
            index += 1
        }
        let path = String(String.UnicodeScalarView(scalars[..<pathEnd]))
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for segment in segments {
            let decoded = segment.removingPercentEncoding ?? String(segment)
            if decoded == "." || decoded == ".." {
                return .dotSegment(String(segment), resolvedPath: removingDotSegments(segments))
            }
        }
        return nil
    }

    /// RFC 3986 §5.2.4, on segments: where a server that resolves dot segments would go.
    private static func removingDotSegments(_ segments: [Substring]) -> String {
        var out: [Substring] = []
        for segment in segments {
            switch segment.removingPercentEncoding ?? String(segment) {
            case ".": continue
            case "..": if out.count > 1 { out.removeLast() }
            default: out.append(segment)
            }
        }
        var resolved = out.joined(separator: "/")
        if let last = segments.last, [".", ".."].contains(last.removingPercentEncoding ?? String(last)) { resolved += "/" }
        return resolved.isEmpty ? "/" : resolved
    }
}

public enum PathEncoding {
    /// RFC 3986 unreserved characters: all that one escaped path segment keeps as written.
    static let unreserved = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~".unicodeScalars)

    /// `text` as one path segment: every byte but the unreserved characters percent-encoded
    /// (UTF-8), `/` included, so the text can never end the segment or start another part.
    public static func segment(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if unreserved.contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                for byte in String(scalar).utf8 { out += String(format: "%%%02X", byte) }
            }
        }
        return out
    }
}
