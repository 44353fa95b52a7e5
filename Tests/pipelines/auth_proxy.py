#!/usr/bin/env python3
"""A stand-in for Bitbucket Pipelines' git auth proxy, for tests.

In a Pipelines step the clone's origin is http://bitbucket.org/WS/REPO and the clone's git config
names a local HTTP proxy (`http.<origin>.proxy`) that adds the step's credential, so a plain
`git push` works with no credentials in the clone. This proxy does the same on loopback: it
accepts proxy requests (absolute-URI request lines) for EXPECTED_HOST only, forwards them to
UPSTREAM (bbs-mock's git smart HTTP), and adds `Authorization: Basic x-token-auth:TOKEN`.
It never resolves or connects to any host but UPSTREAM's, so nothing leaves loopback.

  auth_proxy.py --upstream http://127.0.0.1:PORT --token TOKEN --expect-host bitbucket.org --log FILE

Prints `listening on http://127.0.0.1:PORT` once ready; appends one JSON line per request to
FILE: method, host, path, whether the client sent its own Authorization, and the status.
"""
import argparse
import base64
import http.client
import http.server
import json
import sys
import threading
import urllib.parse

HOP_BY_HOP = {"connection", "proxy-connection", "keep-alive", "transfer-encoding", "te", "trailer",
              "upgrade", "proxy-authorization", "proxy-authenticate", "host", "content-length"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--expect-host", required=True)
    parser.add_argument("--log", required=True)
    options = parser.parse_args()
    upstream = urllib.parse.urlsplit(options.upstream)
    if upstream.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("auth_proxy: the upstream must be on loopback")
    credential = base64.b64encode(f"x-token-auth:{options.token}".encode()).decode()
    log_lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def record(self, host, path, status):
            entry = {"method": self.command, "host": host, "path": path, "status": status,
                     "client_authorization": "Authorization" in self.headers}
            with log_lock, open(options.log, "a") as log:
                log.write(json.dumps(entry) + "\n")

        def read_body(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                body = bytearray()
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        return bytes(body)
                    body += self.rfile.read(size)
                    self.rfile.readline()
            return self.rfile.read(int(self.headers.get("Content-Length", "0")))

        def reply(self, status, body, headers=()):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def forward(self):
            target = urllib.parse.urlsplit(self.path)
            body = self.read_body()
            path = target.path + (f"?{target.query}" if target.query else "")
            if not target.scheme or target.hostname != options.expect_host:
                # Not a proxy request for the origin this proxy serves: refuse, never connect out.
                self.record(target.hostname or "", path, 502)
                self.reply(502, b"auth_proxy: only proxy requests for the expected host are forwarded\n")
                return
            headers = {name: value for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP}
            headers["Authorization"] = f"Basic {credential}"
            headers["Content-Length"] = str(len(body))
            connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=60)
            try:
                connection.request(self.command, path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
                passed = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
            finally:
                connection.close()
            self.record(target.hostname, path, response.status)
            self.reply(response.status, data, passed)

        do_GET = do_POST = do_PUT = do_DELETE = forward

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
