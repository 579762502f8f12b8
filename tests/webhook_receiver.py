#!/usr/bin/env python3
"""A webhook receiver for tests: a real HTTP server on 127.0.0.1 that logs
every request (method, path, headers in order, body) as one JSON line and
answers as its path asks:

  /flaky/N/STATUS/SECS     STATUS (with Retry-After: SECS unless 0) for the
                           first N requests to this path, then 200
  /status/CODE             always CODE, with a short text body
  /slow/N/SECS             the first N requests wait SECS before their 200
  /fail-nth/K/STATUS       STATUS for the K-th request to this path only
  /redirect                302 to /ok
  anything else            200

Listens on --port (default: any free one, written to --port-file).
Stops on SIGTERM or after --lifetime seconds."""
import argparse
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
counts = {}
seq = [0]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # One write per response, sent at once: headers and body in separate
    # small segments would meet Nagle and delayed ACKs (40 ms a request).
    wbufsize = 1 << 16
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        parts = [p for p in self.path.split("/") if p]
        with lock:
            counts[self.path] = counts.get(self.path, 0) + 1
            nth = counts[self.path]
            seq[0] += 1
            order = seq[0]
        status, extra, text = 200, [], b"thanks"
        if parts[:1] == ["flaky"] and len(parts) == 4 and nth <= int(parts[1]):
            status = int(parts[2])
            if int(parts[3]) > 0:
                extra.append(("Retry-After", parts[3]))
            text = b"busy, come back later"
        elif parts[:1] == ["status"] and len(parts) == 2:
            status = int(parts[1])
            text = b"no such hook\r\nX-Injected: no"
        elif parts[:1] == ["slow"] and len(parts) == 3 and nth <= int(parts[1]):
            time.sleep(float(parts[2]))
            status = -1  # the client has most likely given up
        elif parts[:1] == ["fail-nth"] and len(parts) == 3 and nth == int(parts[1]):
            status = int(parts[2])
            text = b"transient trouble"
        elif parts == ["redirect"]:
            status = 302
            extra.append(("Location", "/ok"))
        entry = {
            "seq": order,
            "nth": nth,
            "method": self.command,
            "path": self.path,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body": body.decode("utf-8", "replace"),
            "status": status,
        }
        with lock:
            with open(args.log, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")
        try:
            self.answer(200 if status == -1 else status, text, extra)
        except OSError:
            pass


ap = argparse.ArgumentParser()
ap.add_argument("--port-file", required=True)
ap.add_argument("--log", required=True)
ap.add_argument("--lifetime", type=float, default=120)
ap.add_argument("--port", type=int, default=0, help="listen here (a receiver that comes back)")
args = ap.parse_args()

ThreadingHTTPServer.allow_reuse_address = True
srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
srv.daemon_threads = True
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
threading.Timer(args.lifetime, lambda: os._exit(0)).start()
tmp = args.port_file + ".tmp"
with open(tmp, "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(tmp, args.port_file)
srv.serve_forever()
