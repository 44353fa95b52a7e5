import Foundation

/// `multipart/form-data` bodies (RFC 7578), as `curl -F` and Bitbucket's `POST /src` and `/downloads`
/// clients send them. A form-urlencoded body reads as parts too, so `POST /src` takes both encodings.
struct Multipart {
    struct Part {
        var name: String
        var filename: String?
        var data: Data
        var text: String { String(decoding: data, as: UTF8.self) }
    }

    static func parts(of request: MockRequest) throws -> [Part] {
        let type = request.header("content-type") ?? ""
        if type.contains("application/x-www-form-urlencoded") {
            return MockRequest.parseQuery(Substring(String(decoding: request.body, as: UTF8.self))).map {
                Part(name: $0.name, filename: nil, data: Data($0.value.utf8))
            }
        }
        guard type.contains("multipart/form-data"), let boundary = parameter("boundary", in: type) else {
            throw APIError.badRequest(
                "Bad request", detail: "Expected a multipart/form-data or application/x-www-form-urlencoded body.")
        }
        return try split(request.body, boundary: boundary)
    }

    static func parameter(_ name: String, in header: String) -> String? {
        for item in header.split(separator: ";") {
            let pair = item.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2, pair[0].lowercased() == name {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    static func split(_ body: Data, boundary: String) throws -> [Part] {
        let delimiter = Data("--\(boundary)".utf8)
        var parts: [Part] = []
        var cursor = body.startIndex
        guard let first = body.range(of: delimiter, in: cursor..<body.endIndex) else {
            throw APIError.badRequest("Bad request", detail: "The multipart body has no boundary \(boundary).")
        }
        cursor = first.upperBound
        while cursor < body.endIndex {
            // "--" after a delimiter closes the body.
            if body[cursor...].starts(with: Data("--".utf8)) { break }
            guard let headerEnd = body.range(of: Data("\r\n\r\n".utf8), in: cursor..<body.endIndex),
                let next = body.range(of: Data("\r\n".utf8) + delimiter, in: headerEnd.upperBound..<body.endIndex)
            else {
                throw APIError.badRequest("Bad request", detail: "The multipart body is cut short.")
            }
            let headers = String(decoding: body[cursor..<headerEnd.lowerBound], as: UTF8.self)
            var name = ""
            var filename: String?
            for line in headers.components(separatedBy: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
                name = parameter("name", in: line) ?? ""
                filename = parameter("filename", in: line)
            }
            parts.append(Part(name: name, filename: filename, data: Data(body[headerEnd.upperBound..<next.lowerBound])))
            cursor = next.upperBound
        }
        return parts
    }
}
