# PostgreSQL for the sql tests and benchmark: a throw-away cluster from
# Debian's postgresql package in a directory of its own, listening on a
# unix socket there and on 127.0.0.1:$pg_port (scram passwords over TCP,
# trust on the socket). Source it, call pg_setup DIR; pg_stop and pg_start
# stop and restart the server; the caller's EXIT trap must call pg_cleanup.
#
# Sets: pg_bin, pg_dir, pg_port, pg_sock_dsn (no password needed),
# pg_tcp_dsn (needs $pg_password).

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
pg_password="s3cret-Pa55"

# Postgres refuses to run as root: run its binaries as the postgres user
# when we are root.
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_available() {
    [ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] && [ -x "$pg_bin/pg_ctl" ] &&
        { [ "$(id -u)" != 0 ] || id postgres >/dev/null 2>&1; }
}

pg_psql() { # pg_psql SQL...: runs on the test database, unaligned output
    PGCONNECT_TIMEOUT=5 "$pg_bin/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$pg_dir" -p "$pg_port" \
        -U earshot -d earshot "$@"
}

pg_start() {
    as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 30 \
        -o "-k $pg_dir -p $pg_port -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" \
        start >/dev/null
}

pg_stop() {
    [ -n "${pg_dir:-}" ] && [ -f "$pg_dir/data/postmaster.pid" ] &&
        as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -w -t 30 -m fast stop >/dev/null 2>&1
    return 0
}

# pg_cleanup: stops the server and removes what pg_setup made outside DIR.
pg_cleanup() {
    pg_stop
    [ -n "${pg_outside:-}" ] && rm -rf "$pg_outside"
    return 0
}

pg_setup() { # pg_setup DIR
    pg_dir=$1
    pg_outside=
    if [ "$(id -u)" = 0 ]; then
        # The postgres user must reach the directory: when a parent of DIR
        # is closed to others (mktemp's 0700, a TMPDIR under /root), the
        # cluster goes to a directory of its own under /tmp instead of
        # opening anything up.
        d=$(dirname "$pg_dir")
        while [ "$d" != / ] && [ -n "$d" ]; do
            if [ "$(( $(stat -c %a "$d" | sed 's/.*\(.\)$/\1/') & 1 ))" = 0 ]; then
                pg_outside=$(mktemp -d /tmp/earshot-pg.XXXXXX) || return 1
                chmod 711 "$pg_outside"
                pg_dir=$pg_outside/pg
                break
            fi
            d=$(dirname "$d")
        done
        mkdir -p "$pg_dir"
        chown postgres: "$pg_dir"
    else
        mkdir -p "$pg_dir"
    fi
    pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    printf '%s\n' "$pg_password" > "$pg_dir/pwfile"
    [ "$(id -u)" = 0 ] && chown postgres: "$pg_dir/pwfile"
    as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U earshot --pwfile="$pg_dir/pwfile" -E UTF8 \
        --locale=C --no-sync --auth-local=trust --auth-host=scram-sha-256 > "$pg_dir/initdb.log" 2>&1 || return 1
    pg_start || return 1
    as_pg "$pg_bin/createdb" -h "$pg_dir" -p "$pg_port" -U earshot earshot || return 1
    pg_sock_dsn="postgresql://earshot@/earshot?host=$pg_dir&port=$pg_port"
    pg_tcp_dsn="postgresql://earshot@127.0.0.1:$pg_port/earshot?sslmode=disable"
}
