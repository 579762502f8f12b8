# nats-server processes for the nats tests and benchmark: JetStream with
# file storage in the test's directory, on 127.0.0.1 only, each with a
# monitoring port for /jsz. Source after tests/lib.sh; the caller's
# tap_cleanup must call nats_stop_all.
#
#   nats_available                     nats-server is installed
#   nats_start NAME [ARGS...]          starts node NAME (ports picked here),
#                                      waits until it accepts clients
#   nats_stop NAME / nats_kill NAME    SIGTERM (lame duck) / SIGKILL
#   nats_url NAME, nats_mon NAME       client URL, monitoring port
#   nats_cluster NAMES...              a cluster (routes between all) of
#                                      JetStream nodes; waits for a meta leader
#   nats_stream_msgs NAME STREAM       messages in STREAM as NAME sees it
#   nats_pub NAME SUBJECT PAYLOAD      raw publish (no JetStream ack)

nats_bin=$(command -v nats-server 2>/dev/null || { [ -x /usr/sbin/nats-server ] && echo /usr/sbin/nats-server; })
nats_names=

nats_available() { [ -n "$nats_bin" ] && [ -x "$nats_bin" ]; }

_nats_get() { eval "printf %s \"\${nats_$2_$1:-}\""; }
nats_url() { echo "nats://127.0.0.1:$(_nats_get "$1" port)"; }
nats_mon() { _nats_get "$1" mon; }

_nats_ready() { # the client port answers with INFO
    python3 - "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1)
sys.exit(0 if s.recv(4).startswith(b"INFO") else 1)
PY
}

# _nats_launch NAME ARGS...: (re)starts NAME with its saved ports.
_nats_launch() {
    local n=$1; shift
    local port mon
    port=$(_nats_get "$n" port); mon=$(_nats_get "$n" mon)
    mkdir -p "$T/nats/$n"
    "$nats_bin" -a 127.0.0.1 -p "$port" -m "$mon" -n "$n" -js -sd "$T/nats/$n/store" \
        -l "$T/nats/$n/server.log" "$@" &
    eval "nats_pid_$n=$!"
    wait_for 20 _nats_ready "$port"
}

nats_start() { # nats_start NAME [ARGS...]
    local n=$1; shift
    eval "nats_port_$n=$(free_port); nats_mon_$n=$(free_port)"
    eval "nats_args_$n=\"\$*\""
    nats_names="$nats_names $n"
    _nats_launch "$n" "$@"
}

nats_restart() { # nats_restart NAME: same ports, args and storage
    local n=$1
    eval "set -- \$nats_args_$n"
    _nats_launch "$n" "$@"
}

nats_stop() {
    local pid; pid=$(_nats_get "$1" pid)
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    eval "nats_pid_$1="
    return 0
}

nats_kill() {
    local pid; pid=$(_nats_get "$1" pid)
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    eval "nats_pid_$1="
    return 0
}

nats_stop_all() {
    local n
    for n in $nats_names; do nats_kill "$n"; done
}

_nats_jsz() { # _nats_jsz NAME QUERY: JSON from /jsz
    python3 -c 'import sys, urllib.request
print(urllib.request.urlopen("http://127.0.0.1:%s/jsz?%s" % (sys.argv[1], sys.argv[2]), timeout=5).read().decode())' \
        "$(nats_mon "$1")" "$2"
}

nats_stream_msgs() { # nats_stream_msgs NAME STREAM
    _nats_jsz "$1" "streams=true" | python3 -c 'import json, sys
j = json.load(sys.stdin)
for a in j.get("account_details") or []:
    for s in a.get("stream_detail") or []:
        if s["name"] == sys.argv[1]:
            print(s["state"]["messages"]); sys.exit(0)
print(-1)' "$2"
}

nats_consumer_field() { # nats_consumer_field NAME STREAM CONSUMER FIELD (num_ack_pending, num_pending...)
    _nats_jsz "$1" "consumers=true" | python3 -c 'import json, sys
j = json.load(sys.stdin)
for a in j.get("account_details") or []:
    for s in a.get("stream_detail") or []:
        for c in s.get("consumer_detail") or []:
            if s["name"] == sys.argv[1] and c["name"] == sys.argv[2]:
                # In a cluster only the consumer leader knows the counts.
                leader = (c.get("cluster") or {}).get("leader", sys.argv[4])
                print(c.get(sys.argv[3], 0) if leader == sys.argv[4] else -1); sys.exit(0)
print(-1)' "$2" "$3" "$4" "$1"
}

# nats_consumer_value STREAM CONSUMER FIELD: the consumer leader's value,
# asked of every running node.
nats_consumer_value() {
    local n v
    for n in $nats_names; do
        [ -n "$(_nats_get "$n" pid)" ] || continue
        v=$(nats_consumer_field "$n" "$@" 2>/dev/null)
        [ -n "$v" ] && [ "$v" != -1 ] && { echo "$v"; return 0; }
    done
    echo -1
}

nats_meta_leader() { # nats_meta_leader NAME: the JetStream meta leader's name (empty: none)
    _nats_jsz "$1" "" | python3 -c 'import json, sys
print((json.load(sys.stdin).get("meta_cluster") or {}).get("leader", ""))'
}

_nats_has_leader() { [ -n "$(nats_meta_leader "$1" 2>/dev/null)" ]; }

nats_cluster() { # nats_cluster NAMES...: routes between all, JetStream clustered
    local names="$*" n routes="" c
    for n in $names; do
        c=$(free_port)
        eval "nats_cport_$n=$c"
        routes="${routes:+$routes,}nats://127.0.0.1:$c"
    done
    for n in $names; do
        eval "nats_port_$n=$(free_port); nats_mon_$n=$(free_port)"
        c=$(_nats_get "$n" cport)
        eval "nats_args_$n=\"--cluster_name earshot --cluster nats://127.0.0.1:$c --routes $routes\""
        nats_names="$nats_names $n"
        nats_restart "$n" || return 1
    done
    for n in $names; do wait_for 30 _nats_has_leader "$n" || return 1; done
}

nats_pub() { # nats_pub NAME SUBJECT PAYLOAD: raw NATS protocol, waits for the server's PONG
    python3 - "$(_nats_get "$1" port)" "$2" "$3" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.recv(4096)
p = sys.argv[3].encode()
s.sendall(b'CONNECT {"verbose":false}\r\nPUB ' + sys.argv[2].encode() + b' %d\r\n' % len(p) + p + b'\r\nPING\r\n')
buf = b""
while b"PONG" not in buf:
    d = s.recv(4096)
    if not d: sys.exit(1)
    buf += d
PY
}
