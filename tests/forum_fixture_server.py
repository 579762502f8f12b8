#!/usr/bin/env python3
"""Loopback stand-in for a Discourse site and Reddit's JSON API, for
tests/forum_e2e.sh. Pages real-shaped fixture files the way the servers do
and misbehaves on request. Every request is appended to a JSON-lines log
(method, path, query, headers, status, fault, t).

Usage:
  forum_fixture_server.py --root DIR --port-file FILE [--log FILE]

Under --root, each top-level folder is a "site"; files are re-read on every
request, so a test changes what a site holds by copying files in.

  /SITE/posts.json[?before=ID]       Discourse: SITE/posts.json holds
                                     {"latest_posts": [...]}, newest first;
                                     served page_size posts (default 50)
                                     with id < before.
  /SITE/PATH.json[?limit=N&after=FN] Reddit: SITE/PATH.json holds a Listing
                                     with every child, newest first; served
                                     min(limit, page_size) children after the
                                     one named FN, data.after set when more
                                     remain. Query words other than limit and
                                     after (q, sort, raw_json) are ignored.
  anything else                      the file as is (also a file that is not
                                     JSON), or 404.

SITE/config.json (optional):
  "page_size": N
  "require_headers": {"Api-Key": "..."}      403 unless all match
  "ratelimit": {"remaining": "0.0", "reset": "1"}  x-ratelimit-* headers
  "gzip": true                               gzip bodies for clients that
                                             accept it (logged "gzipped")
  "moved_to": "SITE2"                        301 to the same path on SITE2
  "etag": true                               ETag on 200s; 304 to a matching
                                             If-None-Match
  "faults": {"FILE CURSOR": ["500", "ok", ...]}  CURSOR is "first",
      "before=ID" or "after=FN"; the n-th request for that page gets the
      n-th entry, "ok" after the list. Entries: ok, 500, 503, 429:SECONDS
      (with Retry-After), malformed (the page cut in half), html (a 200
      text/html error page), stall:SECONDS.
"""

import argparse
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


class State:
    def __init__(self, root, log_path):
        self.root = os.path.realpath(root)
        self.log_path = log_path
        self.lock = threading.Lock()
        self.counts = {}

    def next_index(self, key):
        with self.lock:
            n = self.counts.get(key, 0)
            self.counts[key] = n + 1
            return n

    def record(self, entry):
        if not self.log_path:
            return
        with self.lock, open(self.log_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, sort_keys=True) + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "earshot-forum-fixture/1"

    def log_message(self, fmt, *args):
        pass

    def _send(self, status, body, ctype="application/json; charset=utf-8", headers=None,
              fault=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
        self.server.state.record({
            "t": time.time(), "method": self.command, "path": self.url.path,
            "query": self.url.query, "status": status, "fault": fault,
            "headers": {k.lower(): v for k, v in self.headers.items()},
        })

    def do_GET(self):
        try:
            self._get()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test); nothing to answer

    def _get(self):
        st = self.server.state
        self.url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(self.url.query)
        rel = urllib.parse.unquote(self.url.path).lstrip("/")
        path = os.path.realpath(os.path.join(st.root, rel))
        if not path.startswith(st.root + os.sep):
            return self._send(404, b'{"errors":["not found"]}')
        site = rel.split("/", 1)[0]
        cfg = {}
        cfg_path = os.path.join(st.root, site, "config.json")
        if "/" in rel and os.path.isfile(cfg_path):
            with open(cfg_path, encoding="utf-8") as f:
                cfg = json.load(f)
        if cfg.get("moved_to"):
            to = "/" + cfg["moved_to"] + "/" + rel.split("/", 1)[1]
            if self.url.query:
                to += "?" + self.url.query
            return self._send(301, b"", headers={"Location": to}, fault="moved")
        if not os.path.isfile(path):
            return self._send(404, b'{"errors":["not found"]}')
        extra = {}
        rl = cfg.get("ratelimit")
        if rl:
            extra = {"x-ratelimit-remaining": rl["remaining"], "x-ratelimit-reset": rl["reset"],
                     "x-ratelimit-used": rl.get("used", "600")}
        for name, want in cfg.get("require_headers", {}).items():
            if self.headers.get(name) != want:
                return self._send(403, b'{"errors":["You are not permitted to view the requested resource."],"error_type":"invalid_access"}',
                                  headers=extra, fault="forbidden")
        with open(path, "rb") as f:
            raw = f.read()
        body = self._page(raw, q, cfg)
        file_rel = rel.split("/", 1)[1] if "/" in rel else rel
        cursor = ("before=" + q["before"][0]) if "before" in q else \
                 ("after=" + q["after"][0]) if "after" in q else "first"
        key = "%s %s" % (file_rel, cursor)
        plan = cfg.get("faults", {}).get(key, [])
        n = st.next_index(site + "/" + key)
        fault = plan[n] if n < len(plan) else "ok"
        if fault == "ok" and cfg.get("etag"):
            extra["ETag"] = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
            if self.headers.get("If-None-Match") == extra["ETag"]:
                return self._send(304, b"", headers=extra, fault="not-modified")
        if fault == "ok":
            accept = self.headers.get("Accept-Encoding", "")
            if cfg.get("gzip") and "gzip" in [c.split(";")[0].strip() for c in accept.split(",")]:
                extra["Content-Encoding"] = "gzip"
                return self._send(200, gzip.compress(body), headers=extra, fault="gzipped")
            return self._send(200, body, headers=extra, fault=None)
        if fault in ("500", "503"):
            return self._send(int(fault), b'{"errors":["internal"]}', headers=extra, fault=fault)
        if fault.startswith("429:"):
            extra["Retry-After"] = fault[4:]
            return self._send(429, b'{"errors":["slow down"]}', headers=extra, fault=fault)
        if fault == "malformed":
            return self._send(200, body[: len(body) // 2], headers=extra, fault=fault)
        if fault == "html":
            return self._send(200, b"<html><body><h1>502 Bad Gateway</h1></body></html>",
                              "text/html", headers=extra, fault=fault)
        if fault.startswith("stall:"):
            end = time.time() + float(fault[6:])
            while time.time() < end and not self.server.stopping:
                time.sleep(0.05)
            return self._send(200, body, headers=extra, fault=fault)
        return self._send(500, b"unknown fault", fault=fault)

    @staticmethod
    def _page(raw, q, cfg):
        try:
            doc = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return raw  # deliberately broken fixtures go out as they are
        if isinstance(doc, dict) and isinstance(doc.get("latest_posts"), list):
            posts, eff, last = doc["latest_posts"], [], None
            for p in posts:  # id-less posts sort just below their neighbour
                pid = p.get("id") if isinstance(p, dict) else None
                last = pid if isinstance(pid, int) else (last if last is not None else 1 << 60) - 0.5
                eff.append(last)
            before = int(q["before"][0]) if "before" in q else None
            page = [p for p, e in zip(posts, eff) if before is None or e < before]
            page = page[: int(cfg.get("page_size", 50))]
            return json.dumps({"latest_posts": page}, ensure_ascii=False).encode()
        if isinstance(doc, dict) and doc.get("kind") == "Listing":
            children = doc["data"]["children"]
            start = 0
            if "after" in q:
                names = [c.get("data", {}).get("name") if isinstance(c, dict) else None
                         for c in children]
                start = names.index(q["after"][0]) + 1 if q["after"][0] in names else len(children)
            limit = min(int(q.get("limit", ["25"])[0]), int(cfg.get("page_size", 100)))
            page = children[start: start + limit]
            more = start + limit < len(children)
            data = dict(doc["data"], children=page, dist=len(page),
                        after=page[-1]["data"]["name"] if more and page else None)
            return json.dumps({"kind": "Listing", "data": data}, ensure_ascii=False).encode()
        return raw


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    stopping = False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log")
    args = ap.parse_args()
    srv = Server(("127.0.0.1", 0), Handler)
    srv.state = State(args.root, args.log)

    def stop(signum, frame):
        srv.stopping = True
        threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, args.port_file)
    try:
        srv.serve_forever(poll_interval=0.1)
    finally:
        srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
