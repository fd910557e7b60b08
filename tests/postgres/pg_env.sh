# tests/postgres/pg_env.sh - sourced by tests that need a PostgreSQL 15: a throwaway
# cluster made with initdb in a temporary directory, listening only on a Unix socket
# there (no TCP, trust authentication on that private socket, no system service).
# As root, the server runs as the `postgres` user (or nobody) via runuser: initdb refuses
# root. Sets PGBIN, PGSOCK, PGPORT_T and pg_url; functions pg_start, pg_stop, pg_restart,
# pg_psql. The caller's trap must call pg_stop.
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/15/bin 2> /dev/null || dirname "$(command -v initdb 2> /dev/null || echo /nonexistent/x)")}
pg_have() { [ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/pg_ctl" ] && [ -x "$PGBIN/psql" ]; }

pg_as() { # run a command as the cluster's owner
  if [ "$(id -u)" = 0 ]; then runuser -u "$PGUSER_T" -- "$@"; else "$@"; fi
}

pg_init() { # pg_init DIR: the cluster under DIR/pg, the socket in DIR/pgsock
  PGROOT=$1/pgcluster
  PGUSER_T=$(id -un)
  if [ "$(id -u)" = 0 ]; then
    PGUSER_T=postgres; id postgres > /dev/null 2>&1 || PGUSER_T=nobody
  fi
  mkdir -p "$PGROOT"
  chmod 755 "$1"
  [ "$(id -u)" = 0 ] && chown "$PGUSER_T" "$PGROOT"
  PGSOCK=$PGROOT/sock
  pg_as mkdir -p "$PGSOCK"
  # a port number only names the socket file; no TCP listener is opened
  PGPORT_T=$(( 20000 + RANDOM % 20000 ))
  pg_as "$PGBIN/initdb" -D "$PGROOT/data" -U vigil --auth=trust -E UTF8 --no-sync \
    > "$PGROOT/initdb.log" 2>&1 || return 1
  pg_url="postgresql:///vigil?host=$PGSOCK&port=$PGPORT_T&user=vigil"
}

pg_start() {
  pg_as "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k $PGSOCK -p $PGPORT_T -c fsync=off -c max_connections=100" \
    start > /dev/null 2>&1 || return 1
  pg_as "$PGBIN/psql" -h "$PGSOCK" -p "$PGPORT_T" -U vigil -d postgres -qAtc \
    "SELECT 1 FROM pg_database WHERE datname='vigil'" | grep -q 1 ||
    pg_as "$PGBIN/psql" -h "$PGSOCK" -p "$PGPORT_T" -U vigil -d postgres -qc "CREATE DATABASE vigil" > /dev/null
}

pg_stop() { # fast shutdown, bounded
  [ -n "${PGROOT:-}" ] && [ -f "$PGROOT/data/postmaster.pid" ] &&
    pg_as "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast -w -t 30 stop > /dev/null 2>&1
  return 0
}

pg_restart() {
  pg_as "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast -w -t 30 stop > /dev/null 2>&1
  pg_start
}

pg_psql() { # pg_psql SQL: rows unaligned, tuples only
  pg_as "$PGBIN/psql" -h "$PGSOCK" -p "$PGPORT_T" -U vigil -d vigil -qAtX -v ON_ERROR_STOP=1 -c "$1"
}
