// Talks to a test file's own bbs-mock through its `/_mock/` control API (request log, faults,
// reset). Plain HTTP/1.0 over a loopback socket: the control API is tiny, unauthenticated and
// local, so going through the transport (credentials, retries, redaction, tracing) would add
// nothing and would show these calls in the script's own `--trace`.

import Foundation

struct MockControl {
    let host: String
    let port: UInt16

    /// Parses `http://127.0.0.1:PORT`; only loopback is accepted.
    init?(url: String) {
        guard let parsed = URL(string: url), parsed.scheme == "http", let host = parsed.host, let port = parsed.port,
              host == "127.0.0.1" || host == "localhost" else { return nil }
        self.host = "127.0.0.1"
        self.port = UInt16(port)
    }

    struct Reply {
        let status: Int
        let body: String
    }

    enum Failure: Error {
        case connect(String)
        case malformed

        var reason: String {
            switch self {
            case .connect(let why): return why
            case .malformed: return "not an HTTP response"
            }
        }
    }

    /// One request; the body, if any, is JSON.
    func send(_ method: String, _ path: String, body: String? = nil) throws(Failure) -> Reply {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .connect(String(cString: strerror(errno))) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr(host)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw .connect(String(cString: strerror(errno))) }
        let payload = Array((body ?? "").utf8)
        var request = "\(method) \(path) HTTP/1.0\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        if body != nil { request += "Content-Type: application/json\r\n" }
        request += "Content-Length: \(payload.count)\r\n\r\n"
        let bytes = Array(request.utf8) + payload
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw .connect(String(cString: strerror(errno))) }
            sent += n
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            response += buffer[0..<n]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw .malformed }
        let statusLine = text[..<split.lowerBound].split(separator: "\r\n").first ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw .malformed }
        return Reply(status: status, body: String(text[split.upperBound...]))
    }
}
