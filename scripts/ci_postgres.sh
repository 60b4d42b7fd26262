#!/usr/bin/env bash
# Start a local PostgreSQL + PostGIS for the store tests (tests/test_store.py -m postgres).
#
#   export ATLAS_TEST_PG_URL="$(bash scripts/ci_postgres.sh)"     # from .ci/run, as root
#   source scripts/ci_postgres.sh                                  # or: sets the variable
#
# Installs Debian's `postgresql` and `postgis` packages if the server or the extension is
# missing, makes sure a cluster exists, starts it listening on 127.0.0.1 only, creates a
# test role and database with PostGIS enabled, and prints the connection URL as the only
# line on stdout (progress goes to stderr). Safe to run again: every step checks first.
# Loopback only; the password is a throw-away test credential (override with
# ATLAS_PG_PASSWORD). Needs root (or the postgres user) to start the server.
set -euo pipefail

PG_ROLE="${ATLAS_PG_ROLE:-atlas}"
PG_PASSWORD="${ATLAS_PG_PASSWORD:-atlas-ci-only}"
PG_DB="${ATLAS_PG_DB:-atlas_test}"

log() { echo "ci_postgres: $*" >&2; }

as_postgres() {
  if [ "$(id -un)" = postgres ]; then
    "$@"
  elif [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    sudo -n -u postgres -- "$@"
  fi
}

newest_version() {
  ls -1 /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1 || true
}

install_packages() {
  local ver
  ver="$(newest_version)"
  if [ -n "$ver" ] && [ -x "/usr/lib/postgresql/$ver/bin/postgres" ] \
      && [ -f "/usr/share/postgresql/$ver/extension/postgis.control" ]; then
    return 0
  fi
  log "installing postgresql + postgis from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql postgis >&2
  ver="$(newest_version)"
  if [ ! -f "/usr/share/postgresql/$ver/extension/postgis.control" ]; then
    # `postgis` only recommends the server extension; ask for it by name
    apt-get install -y -qq "postgresql-$ver-postgis-3" >&2
  fi
}

ensure_cluster() {
  local ver="$1"
  if ! pg_lsclusters -h 2>/dev/null | awk -v v="$ver" '$1 == v' | grep -q .; then
    log "creating cluster $ver/main"
    pg_createcluster "$ver" main >&2
  fi
}

cluster_field() {  # cluster_field VERSION COLUMN  (pg_lsclusters -h: ver name port status ...)
  pg_lsclusters -h | awk -v v="$1" -v c="$2" '$1 == v { print $c; exit }'
}

start_cluster() {
  local ver="$1" name port
  name="$(cluster_field "$ver" 2)"
  port="$(cluster_field "$ver" 3)"
  # the socket directory lives on a tmpfs that a fresh container may not have
  install -d -o postgres -g postgres -m 2775 /var/run/postgresql
  if [ "$(cluster_field "$ver" 4)" != online ]; then
    log "starting cluster $ver/$name on 127.0.0.1:$port"
    pg_ctlcluster "$ver" "$name" start -- -o "-c listen_addresses=127.0.0.1" >&2 \
      || as_postgres "/usr/lib/postgresql/$ver/bin/pg_ctl" \
           -D "/var/lib/postgresql/$ver/$name" -w \
           -o "-c config_file=/etc/postgresql/$ver/$name/postgresql.conf" \
           -o "-c listen_addresses=127.0.0.1" start >&2
  fi
  for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p "$port" && { echo "$port"; return 0; }
    sleep 0.5
  done
  log "server did not accept connections on 127.0.0.1:$port within 30 s"
  return 1
}

create_database() {
  local port="$1"
  local psql=(psql -X -q -v ON_ERROR_STOP=1 -p "$port" -d postgres)
  # role: create once, (re)set the test password every time
  as_postgres "${psql[@]}" >&2 <<SQL
SELECT format('CREATE ROLE %I LOGIN', '$PG_ROLE')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$PG_ROLE')\gexec
ALTER ROLE "$PG_ROLE" LOGIN PASSWORD '$PG_PASSWORD';
SELECT format('CREATE DATABASE %I OWNER %I', '$PG_DB', '$PG_ROLE')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$PG_DB')\gexec
SQL
  # PostGIS is not a trusted extension: the superuser enables it in the test database
  as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$port" -d "$PG_DB" \
    -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS postgis" >&2
}

main() {
  install_packages
  local ver port
  ver="$(newest_version)"
  ensure_cluster "$ver"
  port="$(start_cluster "$ver")"
  create_database "$port"
  ATLAS_TEST_PG_URL="postgresql://$PG_ROLE:$PG_PASSWORD@127.0.0.1:$port/$PG_DB"
  export ATLAS_TEST_PG_URL
  log "PostgreSQL $ver with PostGIS ready on 127.0.0.1:$port, database $PG_DB"
  echo "$ATLAS_TEST_PG_URL"
}

main
