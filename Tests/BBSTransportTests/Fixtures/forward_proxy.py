#!/usr/bin/env python3
"""A minimal forward proxy on 127.0.0.1 for the BBSTransport tests: CONNECT tunnels (https) and
absolute-URI requests (plain http), enough to prove a client goes through it.

Usage: forward_proxy.py --log FILE [--bind ADDRESS]
Prints "PORT <n>" on its first stdout line. Appends one JSON line per proxied request to the log:
  {"method": "CONNECT" | "GET" | ..., "target": "127.0.0.1:443" | "http://...", "headers": [[k, v], ...]}
"""
import argparse
import http.client
import json
import select
import signal
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

lock = threading.Lock()
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "trailer",
              "transfer-encoding", "upgrade"}


def main():
    # Started from a thread that blocks signals, the test runner's child inherits that mask;
    # unblock so the runner can stop us.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", required=True)
    parser.add_argument("--bind", default="127.0.0.1", help="address to listen on (0.0.0.0 for every interface)")
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.bind, 0), make_handler(args.log))
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


def make_handler(log_path):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *rest):
            pass

        def record(self):
            entry = {"method": self.command, "target": self.path,
                     "headers": [[k, v] for k, v in self.headers.items()]}
            with lock:
                with open(log_path, "a") as log:
                    log.write(json.dumps(entry) + "\n")

        def do_CONNECT(self):
            self.record()
            host, _, port = self.path.rpartition(":")
            try:
                upstream = socket.create_connection((host, int(port)), timeout=10)
            except OSError:
                self.send_error(502)
                return
            self.send_response(200, "Connection established")
            self.end_headers()
            self.close_connection = True
            sockets = [self.connection, upstream]
            try:
                while True:
                    readable, _, _ = select.select(sockets, [], [], 30)
                    if not readable:
                        break
                    for sock in readable:
                        data = sock.recv(65536)
                        if not data:
                            return
                        (upstream if sock is self.connection else self.connection).sendall(data)
            except OSError:
                pass
            finally:
                upstream.close()

        def forward(self):
            self.record()
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            path = url.path + ("?" + url.query if url.query else "")
            try:
                connection = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=10)
                connection.request(self.command, path or "/", body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
            except OSError:
                self.send_error(502)
                return
            self.send_response(response.status, response.reason)
            for k, v in response.getheaders():
                if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = forward

    return Handler


if __name__ == "__main__":
    sys.exit(main())
