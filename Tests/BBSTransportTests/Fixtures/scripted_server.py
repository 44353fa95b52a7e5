#!/usr/bin/env python3
"""A scripted HTTP(S) server on 127.0.0.1 for the BBSTransport tests.

Usage: scripted_server.py --script FILE --log FILE [--cert PEM --key PEM]

Prints "PORT <n>" on its first stdout line once listening (port chosen by the OS).

The script file is re-read on every request, so a test can change it while the server runs:
  {"routes": {"/path": [reply, reply, ...]}, "default": reply}
A route key is matched against the full path with query first, then the path alone. The n-th
request to a route gets the n-th reply; the last one repeats. A reply is
  {"status": 200, "headers": [["Name", "value"], ...], "body": "text" | <any JSON>,
   "delay": seconds, "drop": true}
"drop" closes the connection without answering. "{self}" in header values and string bodies is
replaced by this server's base URL.

Every request is appended to the log file, before the reply is sent, as one JSON line:
  {"method": ..., "path": ..., "headers": [[name, value], ...], "body": ...}
"""
import argparse
import json
import signal
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
counters = {}


def main():
    # Started from a thread that blocks signals, the test runner's child inherits that mask;
    # unblock so the runner can stop us.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    parser = argparse.ArgumentParser()
    parser.add_argument("--script", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(args))
    server.daemon_threads = True
    scheme = "http"
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    port = server.server_address[1]
    server.base_url = f"{scheme}://127.0.0.1:{port}"
    print(f"PORT {port}", flush=True)
    server.serve_forever()


def make_handler(args):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *rest):
            pass

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            record = {
                "method": self.command,
                "path": self.path,
                "headers": [[k, v] for k, v in self.headers.items()],
                "body": body.decode("utf-8", "replace"),
            }
            with lock:
                with open(args.log, "a") as log:
                    log.write(json.dumps(record) + "\n")
                reply = self.next_reply()
            if reply.get("delay"):
                time.sleep(reply["delay"])
            if reply.get("drop"):
                self.close_connection = True
                return
            self.send_reply(reply)

        def next_reply(self):
            try:
                with open(args.script) as f:
                    script = json.load(f)
            except (OSError, ValueError):
                script = {}
            routes = script.get("routes", {})
            key = self.path if self.path in routes else self.path.split("?")[0]
            replies = routes.get(key)
            if not replies:
                return script.get("default", {"status": 404, "body": {"type": "error", "error": {"message": "no route"}}})
            index = counters.get(key, 0)
            counters[key] = index + 1
            return replies[min(index, len(replies) - 1)]

        def send_reply(self, reply):
            base = self.server.base_url
            body = reply.get("body", "")
            headers = [[k, v.replace("{self}", base)] for k, v in reply.get("headers", [])]
            if isinstance(body, str):
                data = body.replace("{self}", base).encode()
                default_type = "text/plain"
            else:
                data = json.dumps(body).replace("{self}", base).encode()
                default_type = "application/json"
            self.send_response(reply.get("status", 200))
            if not any(k.lower() == "content-type" for k, _ in headers):
                self.send_header("Content-Type", default_type)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_any

    return Handler


if __name__ == "__main__":
    sys.exit(main())
