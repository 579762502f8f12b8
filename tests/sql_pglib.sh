# PostgreSQL for the sql tests and benchmark: a throw-away cluster from
# Debian's postgresql package in a directory of its own, listening on a
# unix socket there and on 127.0.0.1:$pg_port (scram passwords over TCP,
# trust on the socket). Source it, call pg_setup DIR, stop with pg_stop
# (the caller's EXIT trap must call pg_stop too).
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

pg_setup() { # pg_setup DIR
    pg_dir=$1
    mkdir -p "$pg_dir"
    if [ "$(id -u)" = 0 ]; then
        # Every directory above must be traversable by postgres.
        d=$pg_dir
        while [ "$d" != / ] && [ -n "$d" ]; do d=$(dirname "$d"); chmod o+x "$d" 2>/dev/null; done
        chown postgres: "$pg_dir"
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
