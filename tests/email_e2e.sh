#!/bin/sh
# End to end: `earshot run` with the jsonl source and the email sink against
# a real SMTP server (aiosmtpd, tests/smtp_fixture_server.py) on 127.0.0.1.
# Parses what arrived: headers (RFC 2047 subjects and names, Date,
# Message-ID), MIME parts, digest grouping; hostile CR/LF in titles and
# author names; 451 (retry, partial batches without duplicates), 550 (dead
# letters), a server that is down, STARTTLS required by default, real
# STARTTLS and smtps://, AUTH with a password that never reaches the log.
. "$top_srcdir/tests/lib.sh"
PY=/usr/bin/python3
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
$PY -c 'import aiosmtpd' 2>/dev/null || skip_all "python3-aiosmtpd not installed"
data="$top_srcdir/tests/data/email"

pids=
tap_cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }

# smtpd NAME ARGS...: starts a server storing mail in $T/NAME.mail; sets $port.
smtpd() {
    name=$1; shift
    $PY "$top_srcdir/tests/smtp_fixture_server.py" --port-file "$T/$name.port" \
        --maildir "$T/$name.mail" --lifetime 90 "$@" > "$T/$name.smtpd.log" 2>&1 &
    pids="$pids $!"
    wait_for 15 test -s "$T/$name.port" || { cat "$T/$name.smtpd.log"; skip_all "SMTP server did not start"; }
    port=$(cat "$T/$name.port")
}

export SMTP_PASS='pa55-w0rd-never-logged'

# run NAME SINK-KEYS [--daemon]: one --once run, fresh state in $T/NAME;
# sets $rc, $log, $d.
run() {
    d="$T/$1"
    rm -rf "$d"
    write_main "$d" '[brand acme]
keywords = acme

[brand globex]
keywords = globex'
    keys=$2
    case "$keys" in *"from = "*) ;; *) keys="from = earshot alerts <earshot@example.com>
$keys" ;; esac
    case "$keys" in *"to = "*) ;; *) keys="to = ops@example.com, Team Lead <lead@example.com>
$keys" ;; esac
    printf '[source in]\nplugin = jsonl\npath = %s\n\n[sink mail]\nplugin = email\n%s\n' \
        "$data/mentions.jsonl" "$keys" > "$d/conf.d/10.conf"
    log="$d/log"
    timeout 60 "$EARSHOT" run -c "$d/earshot.conf" --once > "$log" 2>&1
    rc=$?
}
dead() { sqlite3 "$d/state/state.db" "select $1 from dead_letters where sink='mail' order by id"; }
stored() { ls "$T/$1.mail/" 2>/dev/null | grep -c '\.eml$'; }

cat > "$T/check.py" <<'PYEOF'
import email, email.policy, email.utils, glob, json, os, re, sys, time
maildir = sys.argv[1]
mails = []
for f in sorted(glob.glob(os.path.join(maildir, "*.eml"))):
    raw = open(f, "rb").read()
    m = email.message_from_bytes(raw, policy=email.policy.default)
    env = json.load(open(f[:-4] + ".json"))
    parts = {p.get_content_type(): p for p in m.walk() if not p.is_multipart()}
    mails.append({
        "raw": raw, "m": m, "env": env, "subject": str(m["Subject"]),
        "keys": [k for k in m.keys()],
        "text": parts["text/plain"].get_content().replace("\r\n", "\n") if "text/plain" in parts else None,
        "html": parts["text/html"].get_content().replace("\r\n", "\n") if "text/html" in parts else None,
        "parts": parts,
    })
events = [json.loads(l) for l in open(os.path.join(maildir, "events.jsonl"))] if os.path.exists(os.path.join(maildir, "events.jsonl")) else []
by_subject = {x["subject"]: x for x in mails}
def find(s):
    return [x for x in mails if s in x["subject"]]
res = eval(sys.argv[2])
if not res:
    print("#   expression false; subjects: %r" % [x["subject"] for x in mails])
sys.exit(0 if res else 1)
PYEOF
mcheck() { # mcheck DESC SERVER EXPR
    out=$($PY "$T/check.py" "$T/$2.mail" "$3" 2>&1); st=$?
    ok $st "$1"
    [ $st -eq 0 ] || echo "$out" | tail -n 20 | sed 's/^/#   /'
}

# ---- mode each, AUTH, hostile text -------------------------------------
smtpd plain --auth earshot-user:pa55-w0rd-never-logged
run each "url = smtp://127.0.0.1:$port
starttls = false
username = earshot-user
password = \${SMTP_PASS}"
is "$rc" 0 "each: run exits 0"
is "$(stored plain)" 5 "each: five mails, one per record"
mcheck "each: envelope sender, both recipients, authenticated" plain \
    'all(x["env"]["mail_from"] == "earshot@example.com" and x["env"]["rcpt_tos"] == ["ops@example.com", "lead@example.com"] and x["env"]["login"] == "earshot-user" for x in mails)'
mcheck "each: subject of a plain complaint" plain \
    '"[earshot] acme: negative mention by @alice: Acme lost my order" in by_subject'
mcheck "each: non-ASCII subject RFC 2047-encoded and decoded exactly" plain \
    '"[earshot] acme: negative mention by @zoe: Café crème ☕ chez acme : problème énorme, vraiment très très décevant et long su…" in by_subject and b"=?UTF-8?B?" in find("@zoe")[0]["raw"]'
mcheck "each: raw headers are 7-bit and no line exceeds 78 columns" plain \
    'all(max(len(l) for l in x["raw"].split(b"\r\n\r\n")[0].split(b"\r\n")) <= 78 and max(x["raw"].split(b"\r\n\r\n")[0]) < 128 for x in mails)'
mcheck "each: CR/LF in title and author name start no header" plain \
    'find("@mallory")[0]["keys"] == ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Auto-Submitted", "X-Earshot-Sink", "Content-Type"] and all(x["m"]["Bcc"] is None and x["m"]["X-Injected"] is None for x in mails)'
mcheck "each: the hostile title stays in the subject, flattened" plain \
    'find("@mallory")[0]["subject"] == "[earshot] acme: negative mention by @mallory: acme refund? Bcc: victim@example.org X-Injected: yes"'
mcheck "each: SMTP smuggling text stays body text; nobody else got mail" plain \
    '"MAIL FROM:<evil@example.org>" in find("@mallory")[0]["text"] and all(e.get("address") in (None, "ops@example.com", "lead@example.com") for e in events) and len([e for e in events if e["cmd"] == "DATA"]) == 5'
mcheck "each: From and To with display names" plain \
    'all(str(x["m"]["From"]) == "earshot alerts <earshot@example.com>" and str(x["m"]["To"]) == "ops@example.com, Team Lead <lead@example.com>" for x in mails)'
mcheck "each: Date parses and is now; Message-IDs unique at the sender's domain" plain \
    'all(abs(email.utils.parsedate_to_datetime(str(x["m"]["Date"])).timestamp() - time.time()) < 300 for x in mails) and len({str(x["m"]["Message-ID"]) for x in mails}) == 5 and all(re.fullmatch(r"<[0-9a-f]{16}\.[0-9]+@example\.com>", str(x["m"]["Message-ID"])) for x in mails)'
mcheck "each: multipart/alternative, text/plain + text/html, UTF-8, quoted-printable" plain \
    'all(x["m"].get_content_type() == "multipart/alternative" and set(x["parts"]) == {"text/plain", "text/html"} and all(p.get_content_charset() == "utf-8" and p["Content-Transfer-Encoding"] == "quoted-printable" for p in x["parts"].values()) for x in mails)'
mcheck "each: text part fields" plain \
    'find("@alice")[0]["text"].startswith("Brand:     acme\nSentiment: negative (-0.") and "\nNetwork:   twitter\nAuthor:    Alice Martin (@alice)\nDate:      2023-11-14 22:13 UTC\nLink:      https://example.com/t/1\n\nAcme lost my order\n\nacme support is terrible, my order never arrived and nobody answers" in find("@alice")[0]["text"]'
mcheck "each: UTF-8 body decoded exactly" plain \
    '"Le café acme est froid et amer, très déçue 😡 = pas bon" in find("@zoe")[0]["text"] and "Author:    Zoé Ünïcödé (@zoe)" in find("@zoe")[0]["text"]'
mcheck "each: author name with CR/LF is one line in the body" plain \
    '"Author:    Mallory Bcc: victim@example.org (@mallory)\n" in find("@mallory")[0]["text"]'
mcheck "each: HTML part escapes markup" plain \
    '"MAIL FROM:&lt;evil@example.org&gt;" in find("@mallory")[0]["html"] and "<a href=\"https://example.com/t/1\">" in find("@alice")[0]["html"]'
unlike "$log" "pa55-w0rd" "each: the password is not logged"

# Credentials inside the URL (libcurl takes them) are not logged either.
run urlauth "url = smtp://earshot-user:pa55-w0rd-never-logged@127.0.0.1:$port
starttls = false"
is "$rc" 0 "credentials in the URL: run exits 0"
is "$(stored plain)" 10 "credentials in the URL: five more mails accepted after AUTH"
unlike "$log" "pa55-w0rd|earshot-user@" "credentials in the URL: not logged"

# ---- 451 on the 3rd mail: retried, nothing mailed twice ----------------
smtpd nth --fail-nth 3
run nth "url = smtp://127.0.0.1:$port
starttls = false
retry.initial = 50ms"
is "$rc" 0 "451 mid-batch: run exits 0"
is "$(stored nth)" 5 "451 mid-batch: five mails stored"
mcheck "451 mid-batch: every record mailed exactly once" nth \
    'sorted(x["subject"].split(": ")[1].split(" by @")[1] for x in mails) == ["alice", "bob", "carl", "mallory", "zoe"] and [e["status"] for e in events if e["cmd"] == "DATA"] == [250, 250, 451, 250, 250, 250]'
like "$log" "attempt 1 failed, retry in [0-9]+ ms: smtp://127.0.0.1:$port: SMTP 451" "451: a RETRY with the reply code"
like "$log" "attempt 1: 2 record\(s\) taken by the receiver before the batch.s answer, not resent" "451: the two mailed records leave the batch (core delivered mark)"

# ---- 451 twice, then accepted ------------------------------------------
smtpd first --fail-first 2
run first "url = smtp://127.0.0.1:$port
starttls = false
retry.initial = 50ms"
is "$rc" 0 "451 x2: run exits 0"
is "$(stored first)" 5 "451 x2: then all five delivered, once each"

# ---- 550: FAIL, dead letters -------------------------------------------
smtpd rej
run rej "url = smtp://127.0.0.1:$port
starttls = false
to = reject-me@example.com"
is "$rc" 1 "550: --once exits 1"
is "$(dead 'count(*)')" 5 "550: all five records are dead letters"
like "$log" "SMTP 550" "550: the reply code is logged"
is "$(stored rej)" 0 "550: nothing stored"

# ---- server down -------------------------------------------------------
downport=$(free_port)
run down "url = smtp://127.0.0.1:$downport
starttls = false
retry.initial = 10ms
retry.max = 20ms
retry.max_attempts = 2"
is "$rc" 1 "down: --once exits 1"
is "$(dead 'count(*)')" 5 "down: records dead-lettered after retry.max_attempts, not lost"
like "$log" "smtp://127.0.0.1:$downport: .*(connect|Connection refused)" "down: the error names the server"

# ---- STARTTLS is required unless turned off ----------------------------
run notls "url = smtp://127.0.0.1:$(cat "$T/plain.port")
username = earshot-user
password = \${SMTP_PASS}
retry.initial = 10ms
retry.max_attempts = 2"
is "$(dead 'count(*)')" 5 "no STARTTLS offered: nothing sent in clear, records dead-lettered"
like "$log" "does not offer STARTTLS" "no STARTTLS: the reason is logged"
is "$(stored plain)" 10 "no STARTTLS: the server received nothing new"

# ---- real STARTTLS and smtps:// ----------------------------------------
if openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 1 \
        -subj "/CN=127.0.0.1" > /dev/null 2>&1; then
    smtpd tls --tls "$T/cert.pem" "$T/key.pem" --auth earshot-user:pa55-w0rd-never-logged
    run tlsv "url = smtp://127.0.0.1:$port
username = earshot-user
password = \${SMTP_PASS}
retry.max_attempts = 2"
    is "$(dead 'count(*)')" 5 "STARTTLS with a self-signed certificate: refused while tls_verify is on"
    run tls "url = smtp://127.0.0.1:$port
username = earshot-user
password = \${SMTP_PASS}
tls_verify = false"
    is "$rc" 0 "STARTTLS (tls_verify = false): run exits 0"
    mcheck "STARTTLS: five mails, all over TLS, authenticated" tls \
        'len(mails) == 5 and all(x["env"]["tls"] and x["env"]["login"] == "earshot-user" for x in mails)'
    smtpd smtps --tls "$T/cert.pem" "$T/key.pem" --implicit-tls
    run smtps "url = smtps://127.0.0.1:$port
tls_verify = false"
    is "$rc" 0 "smtps://: run exits 0"
    mcheck "smtps://: five mails over TLS" smtps 'len(mails) == 5 and all(x["env"]["tls"] for x in mails)'
else
    for i in 1 2 3 4 5; do ok 0 "# SKIP openssl cannot make a test certificate"; done
fi

# ---- digest ------------------------------------------------------------
smtpd dig
run dig "url = smtp://127.0.0.1:$port
starttls = false
mode = digest
digest_max = 3"
is "$rc" 0 "digest: run exits 0"
is "$(stored dig)" 1 "digest: one mail for the five records"
mcheck "digest: subject counts records and the busiest brands" dig \
    'mails[0]["subject"] == "[earshot] digest: 5 records (acme 4, globex 1)"'
mcheck "digest: counts at the top" dig \
    '"\n5 records: 5 mentions, 0 alerts, 0 account findings\n" in mails[0]["text"] and re.search(r"\n  acme +4  \(negative [0-9], neutral [0-9], positive [0-9]\)\n  globex +1  \(", mails[0]["text"])'
mcheck "digest: grouped by brand then label, negative first, capped at digest_max" dig \
    're.findall(r"\n== (.*) ==\n", mails[0]["text"])[0].startswith("acme / negative (") and len(re.findall(r"\n- \[", mails[0]["text"])) == 3 and mails[0]["text"].rstrip().endswith("\n... and 2 more")'
mcheck "digest: HTML alternative with a count table" dig \
    '"<td>acme</td><td>4</td>" in mails[0]["html"] and "... and 2 more" in mails[0]["html"]'

# Not --once: the first batch is held until the digest is due.
smtpd held
d="$T/held"
mkdir -p "$d"
write_main "$d" '[brand acme]
keywords = acme'
printf '[source in]\nplugin = jsonl\npath = %s\n\n[sink mail]\nplugin = email\nfrom = earshot@example.com\nto = ops@example.com\nurl = smtp://127.0.0.1:%s\nstarttls = false\nmode = digest\ndigest_interval = 2s\n' \
    "$data/mentions.jsonl" "$port" > "$d/conf.d/10.conf"
t0=$(date +%s%N)
"$EARSHOT" run -c "$d/earshot.conf" --foreground > "$d/log" 2>&1 &
epid=$!
pids="$pids $epid"
wait_for 10 test -s "$T/held.mail/0001.eml"
held_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
sleep 0.3
kill -TERM "$epid"; wait "$epid" 2>/dev/null
is "$(stored held)" 1 "digest (daemon): one digest mail"
ok $([ "$held_ms" -ge 1500 ] && echo 0 || echo 1) "digest (daemon): sent when due, not at once (after $held_ms ms)"
like "$d/log" "deferred for [0-9]+ ms: held for the next digest, due in [12] s" "digest (daemon): the hold is logged"
unlike "$d/log" "warn .*sink mail: batch of" "digest (daemon): holding it is not a retry (no warning)"
mcheck "digest (daemon): all five records in it" held 'mails[0]["subject"].startswith("[earshot] digest: 5 records")'

# ---- a 300 KB mention text ---------------------------------------------
$PY -c '
import json
t = ("big acme text with = signs, caf\u00e9 \u2615 and\n.lines starting with dots\n" * 5000)[:300000]
print(json.dumps({"id": "big:1", "network": "twitter", "author": "big", "title": "huge", "text": t, "created_at": 1700000000}))
' > "$T/big.jsonl"
smtpd big
d="$T/bigrun"; rm -rf "$d"; write_main "$d"
printf '[source in]\nplugin = jsonl\npath = %s\n\n[sink mail]\nplugin = email\nurl = smtp://127.0.0.1:%s\nstarttls = false\nfrom = e@example.com\nto = o@example.com\n' \
    "$T/big.jsonl" "$port" > "$d/conf.d/10.conf"
timeout 60 "$EARSHOT" run -c "$d/earshot.conf" --once > "$d/log" 2>&1
is "$?" 0 "300 KB text: run exits 0"
mcheck "300 KB text: the body decodes to the exact text" big \
    'len(mails) == 1 and mails[0]["text"].endswith(("big acme text with = signs, caf\u00e9 \u2615 and\n.lines starting with dots\n" * 5000)[:300000].rstrip("\n")) and max(len(l) for l in mails[0]["raw"].split(b"\r\n")) <= 78'

# ---- bad configuration -------------------------------------------------
run badmode "url = smtp://127.0.0.1:1
mode = weekly"
like "$log" "mode: must be one of each, digest \(got 'weekly'\)" "mode = weekly refused by the key table"
run badurl "url = http://127.0.0.1:1"
like "$log" "url: http://127.0.0.1:1 is not an smtp:// or smtps:// URL" "non-SMTP URL refused"
run badfrom "url = smtp://127.0.0.1:1
from = Earshot <not-an-address>"
like "$log" "from: 'Earshot <not-an-address>': not an address" "bad sender refused"
run badto "url = smtp://127.0.0.1:1
to = ops@example.com, a b@example.com"
like "$log" "to: 'a b@example.com': invalid character" "bad recipient refused"
run nopass "url = smtp://127.0.0.1:1
username = someone"
like "$log" "username and password go together" "username without password refused"
done_testing
