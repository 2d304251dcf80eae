# Sourced by bench scripts: start_postgres PORT starts a private PostgreSQL 15 cluster on 127.0.0.1:PORT in a new
# directory PG_DIR (initdb, pg_ctl -w start; fsync, full_page_writes and synchronous_commit at their defaults, as in
# production), and sets PG_PASSWORD, the password of the login role `berth` it creates. TCP logins need a password
# (scram-sha-256); the unix socket in PG_DIR trusts the local user. stop_postgres stops it and removes PG_DIR
# unless KEEP=1. initdb and the server refuse to run as root: they run as the postgres user, which owns PG_DIR.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=

as_postgres() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_postgres() {
    [[ -x $PG_BIN/initdb ]] || { echo "PostgreSQL 15 is missing ($PG_BIN/initdb; apt-get install postgresql-15)" >&2; return 2; }
    PG_PORT=$1
    PG_DIR=$(mktemp -d /tmp/berth-pg.XXXXXX)
    local superuser
    superuser=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
    PG_PASSWORD=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
    printf '%s\n' "$superuser" >"$PG_DIR/superuser.password"
    [[ $(id -u) != 0 ]] || chown -R postgres:postgres "$PG_DIR"
    (cd /tmp && as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        --pwfile="$PG_DIR/superuser.password" -E UTF8 --locale=C.UTF-8) >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log"; return 2; }
    # Three nodes with Npgsql's default pool of 100 connections each stay under max_connections.
    (cd /tmp && as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$PG_DIR -c max_connections=400" start) \
        >"$PG_DIR/pg_ctl.log" 2>&1 || { cat "$PG_DIR/pg_ctl.log" "$PG_DIR/server.log"; return 2; }
    pg_sql -c "CREATE ROLE berth LOGIN PASSWORD '$PG_PASSWORD'"
}

# pg_sql ARGS... runs psql as the superuser over the unix socket (e.g. pg_sql -d berth_one -c "…").
pg_sql() { (cd /tmp && as_postgres "$PG_BIN/psql" -q -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"); }

stop_postgres() {
    [[ -n $PG_DIR ]] || return 0
    # pg_ctl started the server in the background (not in the caller's PIDS): stop it through its data directory.
    if [[ -f $PG_DIR/data/postmaster.pid ]]; then
        as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
            as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    [[ ${KEEP:-0} == 1 ]] || rm -rf "$PG_DIR"
}
