import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One HTTP/1.1 exchange over a fresh TCP connection (`Connection: close`), reading to end of stream.
enum RawHTTP {
    static func send(
        host: String, port: Int, method: String, target: String, headers: [String: String], body: Data,
        timeoutSeconds: Int = 30
    ) throws -> HTTPResult {
        let socketFD = try connect(host: host, port: port, timeoutSeconds: timeoutSeconds)
        defer { close(socketFD) }
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        try writeAll(socketFD, Data(head.utf8) + body)
        let raw = try readAll(socketFD)
        guard !raw.isEmpty else { throw MockProcessError("connection closed without a response") }
        return try parse(raw)
    }

    private static func connect(host: String, port: Int, timeoutSeconds: Int) throws -> Int32 {
        #if canImport(Glibc)
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let socketFD = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard socketFD >= 0 else { throw MockProcessError("socket() failed") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc_or_Darwin_connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(socketFD)
            throw MockProcessError("connect to \(host):\(port) failed")
        }
        return socketFD
    }

    private static func writeAll(_ socketFD: Int32, _ data: Data) throws {
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(socketFD, buffer.baseAddress! + offset, buffer.count - offset)
                guard written > 0 else { throw MockProcessError("write failed") }
                offset += written
            }
        }
    }

    private static func readAll(_ socketFD: Int32) throws -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(socketFD, &buffer, buffer.count)
            if count > 0 {
                data.append(buffer, count: count)
            } else if count == 0 {
                return data
            } else if errno == ECONNRESET {
                return data
            } else {
                throw MockProcessError("read failed (errno \(errno))")
            }
        }
    }

    private static func parse(_ raw: Data) throws -> HTTPResult {
        let separator = Data("\r\n\r\n".utf8)
        guard let end = raw.range(of: separator) else { throw MockProcessError("incomplete response head") }
        let lines = String(decoding: raw[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw MockProcessError("bad status line") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data(raw[end.upperBound...])
        if headers.first(where: { $0.key.lowercased() == "transfer-encoding" })?.value.lowercased() == "chunked" {
            body = dechunk(body)
        }
        return HTTPResult(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ data: Data) -> Data {
        var output = Data()
        var index = data.startIndex
        while let lineEnd = data[index...].range(of: Data("\r\n".utf8)) {
            let sizeText = String(decoding: data[index..<lineEnd.lowerBound], as: UTF8.self)
            guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16), size > 0 else { break }
            let start = lineEnd.upperBound
            output.append(data[start..<min(start + size, data.endIndex)])
            index = min(start + size + 2, data.endIndex)
        }
        return output
    }
}

#if canImport(Glibc)
private let Glibc_or_Darwin_connect = Glibc.connect
#else
private let Glibc_or_Darwin_connect = Darwin.connect
#endif
