"""A static Bitbucket API for the request benchmarks: nginx serving pre-generated pages.

nginx costs next to nothing per request, so what the benchmark measures is the client. The
pages are generated deterministically (the repository objects of gen_json.py) into
bench/out/static-PORT/ and reused while the generator is unchanged; their `next` links are
absolute on the server's own origin, as Bitbucket's are, so the port is part of the content.

Two collections, both under /2.0/repositories/ so a client needs only BBS_API_URL:
  /2.0/repositories/bench   1,000 pages of pagelen 10  (the request benchmark)
  /2.0/repositories/stream  1,000 pages of pagelen 100 (100,000 items, the memory benchmark)

nginx runs in the foreground as one process (master_process off) with a private prefix,
config, pid file, temp paths and logs under a temporary directory, removed on stop. The access
log records the connection serial of every request, so the harness can show how many TCP
connections a client opened.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import gen_json

COLLECTIONS = {"bench": (1000, 10), "stream": (1000, 100)}  # name -> (pages, pagelen)
GENERATOR_FILES = [gen_json.__file__, __file__]


def free_port(preferred=18317):
    """The preferred port when free (so the cached pages, which name it, are reused), else any."""
    for port in (preferred, 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError("no free port")


def generate(out_dir, port, log):
    """Write the pages for this port unless an up-to-date copy exists; -> the directory."""
    root = os.path.join(out_dir, "static-%d" % port)
    stamp = os.path.join(root, ".complete")
    newest_generator = max(os.path.getmtime(f) for f in GENERATOR_FILES)
    if os.path.exists(stamp) and os.path.getmtime(stamp) >= newest_generator:
        return root
    log("generating static pages for port %d into %s (once)" % (port, root))
    shutil.rmtree(root, ignore_errors=True)
    origin = "http://127.0.0.1:%d/2.0/repositories" % port
    r = gen_json.Lcg(20261207)
    for name, (pages, pagelen) in COLLECTIONS.items():
        os.makedirs(os.path.join(root, name))
        size = pages * pagelen
        for page in range(1, pages + 1):
            first = (page - 1) * pagelen
            values = ",".join(gen_json.encode(i, gen_json.repository(i, r)) for i in range(first, first + pagelen))
            head = '{"pagelen":%d,"size":%d,"page":%d,' % (pagelen, size, page)
            if page < pages:
                head += '"next":"%s/%s?pagelen=%d&page=%d",' % (origin, name, pagelen, page + 1)
            with open(os.path.join(root, name, "page-%d.json" % page), "w", encoding="utf-8") as f:
                f.write(head + '"values":[' + values + "]}")
    open(stamp, "w").close()
    return root


CONFIG = """\
daemon off;
master_process off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
    log_format conn '$connection $request_uri';
    access_log {tmp}/access.log conn;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    sendfile on;
    tcp_nodelay on;
    keepalive_timeout 60s;
    keepalive_requests 1000000;
    default_type application/json;
    map $arg_page $page {{ "" 1; default $arg_page; }}
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location ~ ^/2\\.0/repositories/(bench|stream)$ {{ try_files /$1/page-$page.json =404; }}
        location / {{ return 404; }}
    }}
}}
"""


def exit_on_sigterm():
    """SIGTERM raises SystemExit, so the `finally` that stops nginx runs (no orphaned server)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


class StaticServer:
    def __init__(self, out_dir, log):
        if shutil.which("nginx") is None and not os.path.exists("/usr/sbin/nginx"):
            raise RuntimeError("nginx is not installed (bench/run.sh installs nginx-light)")
        self.port = free_port()
        self.root = generate(out_dir, self.port, log)
        self.tmp = tempfile.mkdtemp(prefix="bbs-bench-nginx-")
        with open(os.path.join(self.tmp, "nginx.conf"), "w") as f:
            f.write(CONFIG.format(tmp=self.tmp, port=self.port, root=self.root))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.version = subprocess.run([nginx, "-v"], capture_output=True, text=True).stderr.strip()
        self.proc = subprocess.Popen([nginx, "-p", self.tmp, "-c", os.path.join(self.tmp, "nginx.conf")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.api = "http://127.0.0.1:%d/2.0" % self.port
        deadline = time.time() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    err = open(os.path.join(self.tmp, "error.log")).read() if os.path.exists(
                        os.path.join(self.tmp, "error.log")) else ""
                    self.stop()
                    raise RuntimeError("nginx did not start: " + err.strip()[-400:])
                time.sleep(0.05)

    def log_mark(self):
        path = os.path.join(self.tmp, "access.log")
        return os.path.getsize(path) if os.path.exists(path) else 0

    def connections_since(self, mark):
        """(requests, distinct connections) logged since log_mark()."""
        with open(os.path.join(self.tmp, "access.log"), "rb") as f:
            f.seek(mark)
            lines = f.read().decode().splitlines()
        return len(lines), len({line.split(" ", 1)[0] for line in lines})

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


if __name__ == "__main__":
    # Serve until interrupted, for profiling a client by hand:
    #   python3 bench/lib/static_api.py [OUT_DIR]   (prints the API base URL)
    exit_on_sigterm()
    server = StaticServer(sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "out"), lambda m: print(m, file=sys.stderr))
    print(server.api, flush=True)
    try:
        server.proc.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
