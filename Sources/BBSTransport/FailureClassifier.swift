import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed exchange, reduced to what the retry policy and the error report need.
struct ClassifiedFailure: Error {
    var kind: TransportError.Kind
    var phase: RetryPolicy.FailurePhase
    var message: String
}

/// Maps AsyncHTTPClient, NIO and TLS errors onto kind, phase and a message a person can act on.
///
/// The phase matters for POST/PATCH: AsyncHTTPClient writes a request only onto an established
/// connection, and its pool is configured not to retry connecting by itself, so every
/// connect-stage error (refused, DNS, connect timeout, TLS handshake, proxy tunnel) means nothing
/// was written. Anything unknown counts as "may have been sent", the safe assumption.
enum FailureClassifier {
    static func classify(_ error: Error, host: String, port: Int, proxy: ProxyServer?) -> ClassifiedFailure {
        let endpoint = "\(host):\(port)"
        let via = proxy.map { " via proxy \($0)" } ?? ""

        if let failure = error as? ClassifiedFailure { return failure }
        if error is CancellationError {
            return ClassifiedFailure(kind: .network, phase: .permanent, message: "request cancelled")
        }
        if let error = error as? HTTPClientError {
            return classify(error, endpoint: endpoint, via: via)
        }
        if let error = error as? NIOConnectionError {
            if let dnsError = error.dnsAError ?? error.dnsAAAAError {
                return ClassifiedFailure(kind: .network, phase: .beforeSending,
                                         message: "could not resolve host \(error.host)\(via): \(dnsError)")
            }
            let refused = error.connectionErrors.contains { isErrno($0.error, ECONNREFUSED) }
            let reason = refused ? "connection refused" : "could not connect"
            return ClassifiedFailure(kind: .network, phase: .beforeSending, message: "\(reason) to \(endpoint)\(via)")
        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED:
                return ClassifiedFailure(kind: .network, phase: .beforeSending, message: "connection refused to \(endpoint)\(via)")
            case ECONNRESET, EPIPE:
                return ClassifiedFailure(kind: .network, phase: .mayHaveBeenSent, message: "connection reset by \(endpoint)\(via)")
            case ETIMEDOUT:
                return ClassifiedFailure(kind: .timeout, phase: .mayHaveBeenSent, message: "connection to \(endpoint) timed out")
            default:
                return ClassifiedFailure(kind: .network, phase: .mayHaveBeenSent,
                                         message: "network error talking to \(endpoint)\(via): \(error)")
            }
        }
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout:
                return ClassifiedFailure(kind: .timeout, phase: .beforeSending, message: "connecting to \(endpoint)\(via) timed out")
            default:
                return ClassifiedFailure(kind: .network, phase: .mayHaveBeenSent,
                                         message: "connection to \(endpoint) failed: \(error)")
            }
        }
        if error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError {
            return ClassifiedFailure(
                kind: .network, phase: .permanent,
                message: "TLS handshake with \(endpoint) failed (\(error)); if the server uses a private CA, pass it with --ca-file")
        }
        if error is NIOTooManyBytesError || error is ResponseAccumulator.ResponseTooBigError {
            return ClassifiedFailure(kind: .network, phase: .permanent, message: "response from \(endpoint) is larger than the allowed maximum")
        }
        return ClassifiedFailure(kind: .network, phase: .mayHaveBeenSent, message: "request to \(endpoint)\(via) failed: \(error)")
    }

    private static func classify(_ error: HTTPClientError, endpoint: String, via: String) -> ClassifiedFailure {
        switch error {
        case .connectTimeout, .getConnectionFromPoolTimeout:
            return ClassifiedFailure(kind: .timeout, phase: .beforeSending, message: "connecting to \(endpoint)\(via) timed out")
        case .tlsHandshakeTimeout:
            return ClassifiedFailure(kind: .timeout, phase: .beforeSending, message: "TLS handshake with \(endpoint) timed out")
        case .httpProxyHandshakeTimeout, .socksHandshakeTimeout:
            return ClassifiedFailure(kind: .timeout, phase: .beforeSending, message: "proxy handshake\(via) timed out")
        case .proxyAuthenticationRequired:
            return ClassifiedFailure(kind: .network, phase: .permanent, message: "the proxy\(via) requires authentication")
        case .invalidProxyResponse:
            return ClassifiedFailure(kind: .network, phase: .permanent,
                                     message: "the proxy\(via) refused to open a tunnel to \(endpoint)")
        case .readTimeout, .deadlineExceeded:
            return ClassifiedFailure(kind: .timeout, phase: .mayHaveBeenSent, message: "no response from \(endpoint) in time (read timeout)")
        case .writeTimeout:
            return ClassifiedFailure(kind: .timeout, phase: .mayHaveBeenSent, message: "sending the request to \(endpoint) timed out")
        case .remoteConnectionClosed:
            return ClassifiedFailure(kind: .network, phase: .mayHaveBeenSent, message: "\(endpoint) closed the connection before responding")
        case .cancelled:
            return ClassifiedFailure(kind: .network, phase: .permanent, message: "request cancelled")
        case .invalidURL, .emptyHost, .emptyScheme:
            return ClassifiedFailure(kind: .configuration, phase: .permanent, message: "invalid URL for \(endpoint)")
        default:
            return ClassifiedFailure(kind: .network, phase: .mayHaveBeenSent, message: "request to \(endpoint)\(via) failed: \(error)")
        }
    }

    private static func isErrno(_ error: Error, _ code: Int32) -> Bool {
        (error as? IOError)?.errnoCode == code
    }
}
