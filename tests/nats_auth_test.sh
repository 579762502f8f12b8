#!/bin/sh
# The nats plugin's TLS and NKey options against real nats-server
# processes on 127.0.0.1: a server requiring TLS with client certificates
# (a throw-away CA made here with openssl), verified against tls_ca; the
# same without the client certificate or without the CA is refused and
# reported with the server; an NKey user authenticated from a seed file,
# whose seed never appears in the log.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/nats_lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"
command -v openssl >/dev/null 2>&1 || skip_all "openssl not found"
nats_available || skip_all "nats-server not found (Debian package nats-server)"
tap_cleanup() { nats_stop_all; }

# ---- a CA, a server certificate for 127.0.0.1, a client certificate --------------
c="$T/pki"; mkdir -p "$c"
(
    cd "$c" || exit 1
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=earshot test CA" &&
    openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj "/CN=127.0.0.1" &&
    printf 'subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n' > srv.ext &&
    openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 -extfile srv.ext &&
    openssl req -newkey rsa:2048 -nodes -keyout cli.key -out cli.csr -subj "/CN=earshot-agent" &&
    printf 'extendedKeyUsage = clientAuth\n' > cli.ext &&
    openssl x509 -req -in cli.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out cli.pem -days 2 -extfile cli.ext &&
    chmod 600 ./*.key
) > "$T/pki.log" 2>&1 || { sed 's/^/# /' "$T/pki.log"; skip_all "cannot make test certificates"; }

nats_start tls --tlscert "$c/srv.pem" --tlskey "$c/srv.key" --tlsverify --tlscacert "$c/ca.pem" ||
    skip_all "cannot start nats-server with TLS"
TURL="tls://127.0.0.1:$(_nats_get tls port)"

gen() { # gen FILE N
    python3 -c 'import json, sys
for i in range(1, int(sys.argv[1]) + 1):
    print(json.dumps({"id": "t%d" % i, "network": "web", "text": "tls mention %d about acme" % i}))' "$2" > "$1"
}
edge() { # edge DIR SERVERS KEYS
    rm -rf "$1/state" "$1/conf.d"
    write_main "$1" '[brand acme]
keywords = acme'
    printf '[source in]\nplugin = jsonl\npath = %s/in.jsonl\n' "$1" > "$1/conf.d/10-in.conf"
    printf '[sink js]\nplugin = nats\nservers = %s\ncreate_stream = true\nretry.initial = 100ms\nretry.max = 300ms\nretry.max_attempts = 2\nconnect_timeout = 2s\n%s\n' \
        "$2" "$3" > "$1/conf.d/20-js.conf"
}

d="$T/tls"; mkdir -p "$d"
gen "$d/in.jsonl" 5
edge "$d" "$TURL" "tls_ca = $c/ca.pem
tls_cert = $c/cli.pem
tls_key = $c/cli.key"
timeout 60 "$EARSHOT" run --once -c "$d/earshot.conf" > "$d/log1" 2>&1
is $? 0 "TLS with a client certificate, server verified against tls_ca"
is "$(nats_stream_msgs tls EARSHOT)" 5 "the five mentions landed"
like "$d/log1" "connected to NATS at tls://127.0.0.1:" "the TLS connection is logged"

edge "$d" "$TURL" "tls_ca = $c/ca.pem"
timeout 60 "$EARSHOT" run --once -c "$d/earshot.conf" > "$d/log2" 2>&1
is $? 1 "without the client certificate the server refuses: dead-lettered after the attempts"
like "$d/log2" "cannot connect to NATS \(tls://127.0.0.1:[0-9]+\)" "the refusal names the server"

edge "$d" "$TURL" "tls_cert = $c/cli.pem
tls_key = $c/cli.key"
timeout 60 "$EARSHOT" run --once -c "$d/earshot.conf" > "$d/log3" 2>&1
is $? 1 "a server certificate from an unknown CA is not trusted (verification is on)"
like "$d/log3" "cannot connect to NATS \(tls://127.0.0.1:[0-9]+\): .*([Cc]ertificate|SSL|TLS|handshake)" \
    "the TLS failure is reported with the server"

edge "$d" "$TURL" "tls_cert = $c/cli.pem"
timeout 20 "$EARSHOT" run --once -c "$d/earshot.conf" > "$d/log4" 2>&1
ok $(( $? == 0 )) "tls_cert without tls_key stops the start"
like "$d/log4" "tls_cert and tls_key go together" "with the reason"

edge "$d" "$TURL" "tls_ca = $T/nonexistent.pem"
timeout 20 "$EARSHOT" run --once -c "$d/earshot.conf" > "$d/log5" 2>&1
ok $(( $? == 0 )) "an unreadable tls_ca stops the start"
like "$d/log5" "NATS option tls_ca: " "naming the option"

# ---- NKey: a user key made here (Ed25519, NATS's base32 + CRC16 encoding) -------
keys=$(python3 - "$T/user.nk" <<'PY' 2>/dev/null
import base64, os, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization
def crc16(data):
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc
def enc(raw):
    c = crc16(raw)
    return base64.b32encode(raw + bytes([c & 0xFF, c >> 8])).decode().rstrip("=")
seed = os.urandom(32)
pub = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(
    serialization.Encoding.Raw, serialization.PublicFormat.Raw)
user = 20 << 3
seed_prefix = 18 << 3
s = enc(bytes([seed_prefix | (user >> 5), (user & 31) << 3]) + seed)
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o600)
os.write(fd, (s + "\n").encode()); os.close(fd)
print(enc(bytes([user]) + pub), s)
PY
)
if [ -z "$keys" ]; then
    for i in 1 2 3 4; do echo "ok $((tap_n + i)) # SKIP python3-cryptography not installed (makes the NKey)"; done
    tap_n=$((tap_n + 4))
else
    pub=${keys%% *}; seed=${keys#* }
    printf 'authorization {\n  users = [ { nkey: "%s" } ]\n}\n' "$pub" > "$T/nkey.conf"
    nats_start nk -c "$T/nkey.conf" || skip_all "cannot start nats-server with NKey users"
    k="$T/nk"; mkdir -p "$k"
    gen "$k/in.jsonl" 3
    edge "$k" "$(nats_url nk)" "nkey = $pub
nkey_seed_file = $T/user.nk"
    timeout 60 "$EARSHOT" run --once -c "$k/earshot.conf" > "$k/log1" 2>&1
    is $? 0 "NKey authentication from a seed file"
    is "$(nats_stream_msgs nk EARSHOT)" 3 "the mentions landed"
    unlike "$k/log1" "$seed" "the seed is never logged"
    edge "$k" "$(nats_url nk)" ""
    timeout 60 "$EARSHOT" run --once -c "$k/earshot.conf" > "$k/log2" 2>&1
    like "$k/log2" "cannot connect to NATS \(nats://127.0.0.1:[0-9]+\): .*[Aa]uthorization" "without the key the server refuses, reported"
fi
done_testing
