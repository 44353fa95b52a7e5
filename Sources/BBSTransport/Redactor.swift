import Foundation

/// Masks every registered secret, in each form it can take on the wire, as `***`.
///
/// Everything the transport writes (trace lines, error messages) passes through `redact`; the
/// runtime routes its own stdout/stderr through the same instance. A secret is registered together
/// with the forms it turns into when it is put into a URL, a form body or a Basic header, because a
/// server echoing a request back (an error page, a redirect's Location) shows those forms, not the
/// raw text.
// Unchecked: the mutable fields are touched only under `lock`.
public final class Redactor: @unchecked Sendable {
    public static let mask = "***"

    private let lock = NSLock()
    /// Kept longest first, so a form that contains another is replaced whole.
    private var forms: [String] = []

    public init() {}

    /// Registers `secret` and its derived forms. `usernames` are the users it may be paired with in
    /// a Basic header; the git usernames for access tokens and API tokens are always included.
    public func register(_ secret: String, usernames: [String] = []) {
        // An empty string would match everywhere; nothing to hide in it anyway.
        guard !secret.isEmpty else { return }
        var derived: Set<String> = [secret]
        for encoded in Self.percentEncodings(of: secret) { derived.insert(encoded) }
        derived.insert(Data(secret.utf8).base64EncodedString())
        let pairings = Set(usernames + ["x-token-auth", "x-bitbucket-api-token-auth"])
        for user in pairings {
            derived.insert(Data("\(user):\(secret)".utf8).base64EncodedString())
        }
        lock.lock()
        defer { lock.unlock() }
        let merged = Set(forms).union(derived)
        forms = merged.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// Registers a credential's secret with the usernames it is sent with.
    public func register(_ credential: Credential) {
        register(credential.secret, usernames: credential.pairedUsernames)
    }

    /// A form shorter than this is masked only where it stands as a whole token: a short secret
    /// such as `ro` must not turn "error" into "er***r".
    public static let shortSecretLength = 8

    public func redact(_ text: String) -> String {
        let snapshot = lock.withLock { forms }
        var result = text
        for form in snapshot where result.contains(form) {
            if form.count >= Self.shortSecretLength {
                result = result.replacingOccurrences(of: form, with: Self.mask)
            } else {
                result = Self.replacingWholeTokens(form, in: result)
            }
        }
        return result
    }

    /// True when `text` holds any registered secret, in any of its forms (short ones as whole tokens).
    public func containsSecret(_ text: String) -> Bool {
        lock.withLock { forms }.contains { form in
            guard text.contains(form) else { return false }
            return form.count >= Self.shortSecretLength || Self.replacingWholeTokens(form, in: text) != text
        }
    }

    private static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    /// `text` with each occurrence of `form` that no letter, digit or `_` touches replaced by the mask.
    private static func replacingWholeTokens(_ form: String, in text: String) -> String {
        var result = ""
        var rest = text[...]
        while let found = rest.range(of: form) {
            // Substrings share the text's indices, so the neighbours are read from the whole text.
            let before = found.lowerBound > text.startIndex ? text[text.index(before: found.lowerBound)] : nil
            let after = found.upperBound < text.endIndex ? text[found.upperBound] : nil
            let whole = !(before.map(isWordCharacter) ?? false) && !(after.map(isWordCharacter) ?? false)
            result += rest[..<found.lowerBound]
            result += whole ? mask : String(rest[found])
            rest = rest[found.upperBound...]
        }
        return result + rest
    }

    public var hasSecrets: Bool { lock.withLock { !forms.isEmpty } }

    /// Percent-encodings a URL or form body may carry: strict RFC 3986, everything but letters and
    /// digits, the looser query and userinfo sets Foundation uses, form encoding (space as `+`), each with upper- and
    /// lower-case hex digits since both are valid on the wire.
    private static func percentEncodings(of secret: String) -> Set<String> {
        var results: Set<String> = []
        let sets: [CharacterSet] = [URLEncoding.unreserved, URLEncoding.asciiAlphanumerics, .urlQueryAllowed,
                                    .urlUserAllowed, .urlPasswordAllowed, .urlPathAllowed]
        for allowed in sets {
            guard let encoded = secret.addingPercentEncoding(withAllowedCharacters: allowed) else { continue }
            results.insert(encoded)
            results.insert(lowercasingPercentEscapes(encoded))
            let formEncoded = encoded.replacingOccurrences(of: "%20", with: "+")
            results.insert(formEncoded)
            results.insert(lowercasingPercentEscapes(formEncoded))
        }
        results.remove(secret)
        return results
    }

    private static func lowercasingPercentEscapes(_ text: String) -> String {
        var output = ""
        var remainingHexDigits = 0
        for character in text {
            if character == "%" {
                remainingHexDigits = 2
                output.append(character)
            } else if remainingHexDigits > 0 {
                remainingHexDigits -= 1
                output.append(contentsOf: character.lowercased())
            } else {
                output.append(character)
            }
        }
        return output
    }
}

enum URLEncoding {
    /// RFC 3986 unreserved characters: the only ones never escaped in a query component.
    static let unreserved = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    /// What the most aggressive encoders keep (JavaScript's `escape`-style, many form libraries).
    static let asciiAlphanumerics = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    static func encodeQueryComponent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
