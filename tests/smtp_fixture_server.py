#!/usr/bin/python3
"""A real SMTP server for the email sink's tests, built on aiosmtpd (Debian's
python3-aiosmtpd, importable by /usr/bin/python3). Listens on 127.0.0.1 and
stores every accepted message in --maildir as N.eml with N.json holding the
envelope (mail_from, rcpt_tos, login). Scriptable refusals:

  --fail-first N       answer DATA with 451 for the first N messages
  --fail-nth K         answer DATA with 451 for the K-th message only
  --reject-prefix P    answer RCPT with 550 for recipients starting with P
  --auth USER:PASS     require AUTH (PLAIN/LOGIN) with these credentials
  --tls CERT KEY       offer STARTTLS and require it before MAIL
  --implicit-tls       with --tls: TLS from the first byte (smtps://)

Writes the port to --port-file once listening; exits on SIGTERM or after
--lifetime seconds."""
import argparse
import json
import os
import signal
import socket
import ssl
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

ap = argparse.ArgumentParser()
ap.add_argument("--port-file", required=True)
ap.add_argument("--maildir", required=True)
ap.add_argument("--fail-first", type=int, default=0)
ap.add_argument("--fail-nth", type=int, default=0)
ap.add_argument("--reject-prefix", default="reject")
ap.add_argument("--auth")
ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
ap.add_argument("--implicit-tls", action="store_true")
ap.add_argument("--lifetime", type=float, default=120)
args = ap.parse_args()
os.makedirs(args.maildir, exist_ok=True)
events = open(os.path.join(args.maildir, "events.jsonl"), "a", buffering=1)
lock = threading.Lock()
state = {"data": 0, "stored": 0}


def event(**kw):
    with lock:
        events.write(json.dumps(kw) + "\n")


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith(args.reject_prefix):
            event(cmd="RCPT", address=address, status=550)
            return "550 5.1.1 <%s>: Recipient address rejected" % address
        envelope.rcpt_tos.append(address)
        event(cmd="RCPT", address=address, status=250)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with lock:
            state["data"] += 1
            n = state["data"]
        if n <= args.fail_first or n == args.fail_nth:
            event(cmd="DATA", n=n, status=451)
            return "451 4.3.0 Temporary local problem, try again later"
        with lock:
            state["stored"] += 1
            k = state["stored"]
        base = os.path.join(args.maildir, "%04d" % k)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        auth = getattr(session, "auth_data", None)
        login = auth.login.decode() if isinstance(auth, LoginPassword) else None
        with open(base + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                       "login": login,
                   "tls": session.ssl is not None or
                          server.transport.get_extra_info("ssl_object") is not None}, f)
        os.rename(base + ".eml.tmp", base + ".eml")
        event(cmd="DATA", n=n, status=250)
        return "250 2.0.0 OK stored"


def authenticator(server, session, envelope, mechanism, auth_data):
    user, password = args.auth.split(":", 1)
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
        and auth_data.password.decode() == password
    event(cmd="AUTH", mechanism=mechanism, ok=ok)
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()

kw = {}
ctx = None
if args.tls:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(args.tls[0], args.tls[1])
if args.auth:
    kw.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(args.tls))
if ctx and not args.implicit_tls:
    kw.update(tls_context=ctx, require_starttls=True)
ctl = Controller(Handler(), hostname="127.0.0.1", port=port,
                 ssl_context=ctx if args.implicit_tls else None, **kw)
ctl.start()
tmp = args.port_file + ".tmp"
with open(tmp, "w") as f:
    f.write(str(port))
os.rename(tmp, args.port_file)

done = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: done.set())
signal.signal(signal.SIGINT, lambda *_: done.set())
done.wait(args.lifetime)
ctl.stop()
