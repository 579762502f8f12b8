#!/usr/bin/env python3
"""HTTP fixture server for earshot's end-to-end tests.

Serves a directory on 127.0.0.1 (a free port picked by the kernel) and adds
scripted misbehaviour selected by path, so a test can exercise what real
servers do to a client. Every request is appended to a JSON-lines log the
test reads afterwards (method, path, headers, status, bytes, gzipped).

Usage:
  http_fixture_server.py --root DIR --port-file FILE [--log FILE]
                         [--host 127.0.0.1] [--tls-cert PEM --tls-key PEM]

The port is written to --port-file once the socket listens (write then
rename, so a reader never sees a partial number). Stop the server with
SIGTERM or SIGINT.

Routes (PATH is a file under --root; query options combine where sensible):
  /PATH                    the file. ?content_type=T overrides the type;
                           ?subst=1 replaces @PORT@ in it with the port.
  /etag/PATH               with ETag and Last-Modified; answers 304 to a
                           matching If-None-Match or If-Modified-Since.
  /gzip/PATH               gzip-encoded when the request accepts gzip (the
                           log records "gzipped"); identity otherwise.
  /truncate/PATH?bytes=N   only the first N bytes (default: half), then the
                           connection closes. &length=full announces the
                           whole Content-Length (a transfer error for the
                           client); by default no length is sent (a short but
                           "complete" body).
  /stall?seconds=N         accepts, then sends nothing for N s (default 30).
  /stall/PATH?seconds=N&after=B  headers and B bytes of PATH, then stalls.
  /status/CODE?retry_after=S&body=TEXT  that status, optional Retry-After.
  /redirect?to=URL&code=C  redirect (default 302) to URL (absolute or
                           path); chains by nesting.
  /seq/A,B,C               the n-th request for this exact path gets the n-th
                           file, the last one repeating: a feed that changes.
  /hits                    JSON object: request count per path so far.
  POST|PUT /echo           JSON object {method, headers, body} of the request
                           (any method; the body is read per Content-Length).
  anything else missing    404.
"""

import argparse
import email.utils
import gzip
import hashlib
import json
import os
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TYPES = {
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".rdf": "application/rdf+xml",
    ".atom": "application/atom+xml",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


class State:
    def __init__(self, root, log_path):
        self.root = os.path.realpath(root)
        self.log_path = log_path
        self.lock = threading.Lock()
        self.hits = {}
        self.port = 0

    def record(self, entry):
        with self.lock:
            if entry["status"] != -1:  # a client hang-up, not a new request
                self.hits[entry["path"]] = self.hits.get(entry["path"], 0) + 1
            if self.log_path:
                with open(self.log_path, "a", encoding="utf-8") as f:
                    f.write(json.dumps(entry, sort_keys=True) + "\n")

    def count(self, path):
        with self.lock:
            return self.hits.get(path, 0)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "earshot-fixture/1"

    def log_message(self, fmt, *args):  # the JSON log replaces stderr noise
        pass

    # ---- helpers -------------------------------------------------------

    @property
    def state(self):
        return self.server.state

    def _query(self):
        return urllib.parse.parse_qs(self._url.query, keep_blank_values=True)

    def _q(self, name, default=None):
        v = self._query().get(name)
        return v[0] if v else default

    def _file(self, rel):
        rel = urllib.parse.unquote(rel).lstrip("/")
        path = os.path.realpath(os.path.join(self.state.root, rel))
        # Never serve outside the root, whatever the test asks for.
        if not (path == self.state.root or path.startswith(self.state.root + os.sep)):
            return None, None
        if not os.path.isfile(path):
            return None, None
        with open(path, "rb") as f:
            data = f.read()
        if self._q("subst") == "1":
            data = data.replace(b"@PORT@", str(self.state.port).encode())
        return path, data

    def _ctype(self, path):
        override = self._q("content_type")
        if override is not None:
            return override
        return TYPES.get(os.path.splitext(path)[1].lower(), "application/octet-stream")

    def _log(self, status, nbytes=0, **extra):
        entry = {
            "t": time.time(),
            "method": self.command,
            "path": self._url.path,
            "query": self._url.query,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "status": status,
            "bytes": nbytes,
        }
        entry.update(extra)
        self.state.record(entry)

    def _send(self, status, body=b"", ctype="text/plain; charset=utf-8", headers=None,
              **extra):
        self.send_response(status)
        if status != 304:
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD" and status != 304:
            self.wfile.write(body)
        self._log(status, len(body), **extra)

    def _not_found(self):
        self._send(404, b"not found\n")

    # ---- routes --------------------------------------------------------

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        self._url = urllib.parse.urlsplit(self.path)
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        if self._url.path != "/echo":
            return self._not_found()
        out = json.dumps({
            "method": self.command,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body.decode("utf-8", "replace"),
        }, sort_keys=True).encode()
        self._send(200, out, "application/json")

    do_PUT = do_POST

    def do_GET(self):
        self._url = urllib.parse.urlsplit(self.path)
        p = self._url.path
        try:
            for prefix, fn in (
                ("/etag/", self._etag),
                ("/gzip/", self._gzip),
                ("/truncate/", self._truncate),
                ("/stall/", self._stall_file),
                ("/status/", self._status),
                ("/seq/", self._seq),
            ):
                if p.startswith(prefix):
                    return fn(p[len(prefix):])
            if p == "/stall":
                return self._stall()
            if p == "/redirect":
                return self._redirect()
            if p == "/hits":
                with self.state.lock:
                    body = json.dumps(self.state.hits, sort_keys=True).encode()
                return self._send(200, body, "application/json")
            path, data = self._file(p)
            if path is None:
                return self._not_found()
            self._send(200, data, self._ctype(path))
        except (BrokenPipeError, ConnectionResetError):
            self._log(-1)

    def _etag(self, rel):
        path, data = self._file(rel)
        if path is None:
            return self._not_found()
        etag = '"%s"' % hashlib.sha1(data).hexdigest()[:16]
        mtime = int(os.path.getmtime(path))
        lm = email.utils.formatdate(mtime, usegmt=True)
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        fresh = False
        if inm is not None:
            fresh = etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
        elif ims is not None:
            try:
                fresh = email.utils.parsedate_to_datetime(ims).timestamp() >= mtime
            except (TypeError, ValueError):
                fresh = False
        hdrs = {"ETag": etag, "Last-Modified": lm}
        if fresh:
            return self._send(304, headers=hdrs)
        self._send(200, data, self._ctype(path), hdrs)

    def _gzip(self, rel):
        path, data = self._file(rel)
        if path is None:
            return self._not_found()
        accept = self.headers.get("Accept-Encoding", "")
        codings = [c.split(";")[0].strip().lower() for c in accept.split(",")]
        hdrs = {"Vary": "Accept-Encoding"}
        if "gzip" in codings:
            hdrs["Content-Encoding"] = "gzip"
            return self._send(200, gzip.compress(data), self._ctype(path), hdrs,
                              gzipped=True, plain_bytes=len(data))
        self._send(200, data, self._ctype(path), hdrs, gzipped=False)

    def _truncate(self, rel):
        path, data = self._file(rel)
        if path is None:
            return self._not_found()
        n = int(self._q("bytes", len(data) // 2))
        self.send_response(200)
        self.send_header("Content-Type", self._ctype(path))
        if self._q("length") == "full":
            self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data[:n])
        self.wfile.flush()
        self.close_connection = True
        self._log(200, n, truncated=True)

    def _stall(self):
        self._log(0, 0, stalled=True)
        self._sleep(float(self._q("seconds", 30)))
        self._send(200, b"too late\n")

    def _stall_file(self, rel):
        path, data = self._file(rel)
        if path is None:
            return self._not_found()
        after = int(self._q("after", 0))
        self.send_response(200)
        self.send_header("Content-Type", self._ctype(path))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[:after])
        self.wfile.flush()
        self._log(200, after, stalled=True)
        self._sleep(float(self._q("seconds", 30)))
        self.wfile.write(data[after:])

    def _sleep(self, seconds):
        # Sleep in slices so server shutdown is not held up for long.
        end = time.time() + seconds
        while time.time() < end and not self.server.stopping:
            time.sleep(0.05)

    def _status(self, code):
        try:
            status = int(code.strip("/"))
        except ValueError:
            return self._not_found()
        hdrs = {}
        ra = self._q("retry_after")
        if ra is not None:
            hdrs["Retry-After"] = ra
        body = self._q("body", "status %d\n" % status).encode()
        self._send(status, body, headers=hdrs)

    def _redirect(self):
        to = self._q("to")
        if not to:
            return self._send(400, b"missing ?to=\n")
        code = int(self._q("code", 302))
        self._send(code, b"", headers={"Location": to})

    def _seq(self, spec):
        names = [n for n in urllib.parse.unquote(spec).split(",") if n]
        if not names:
            return self._not_found()
        n = self.state.count(self._url.path)  # requests before this one
        path, data = self._file(names[min(n, len(names) - 1)])
        if path is None:
            return self._not_found()
        self._send(200, data, self._ctype(path), seq_index=min(n, len(names) - 1))


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    stopping = False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--tls-cert", help="serve HTTPS with this PEM certificate")
    ap.add_argument("--tls-key", help="and this PEM key")
    args = ap.parse_args()

    srv = Server((args.host, 0), Handler)
    if args.tls_cert:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.state = State(args.root, args.log)
    srv.state.port = srv.server_address[1]

    def stop(signum, frame):
        srv.stopping = True
        threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.state.port)
    os.rename(tmp, args.port_file)
    try:
        srv.serve_forever(poll_interval=0.1)
    finally:
        srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
