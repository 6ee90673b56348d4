#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on 127.0.0.1; start them (or install
# them with apt) when they don't; create the portal's role and databases.
# Usage: scripts/services.sh [database ...]   (default: angiang)
# Each database also gets its DataStore database <db>_datastore (datastore-db.sh).
set -euo pipefail

PGHOST=127.0.0.1 PGPORT=5432
ROLE=angiang
DATABASES=("${@:-angiang}")

say() { printf 'services: %s\n' "$*" >&2; }
die() { printf 'services: ERROR: %s\n' "$*" >&2; exit 1; }

pg_up() { pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

apt_install() {
  command -v apt-get >/dev/null || die "$* not installed and no apt-get here: install $* by hand"
  [ "$(id -u)" = 0 ] || die "$* not installed; installing needs root: sudo apt-get install -y $*"
  say "installing $* with apt"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 \
    || die "apt-get update failed (network?); install by hand: apt-get install -y $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 \
    || die "apt-get install $* failed; run it by hand to see why"
}

# --- PostgreSQL ---------------------------------------------------------------
if ! command -v pg_ctlcluster >/dev/null || ! command -v pg_isready >/dev/null; then
  apt_install postgresql postgresql-contrib
fi
if ! pg_up; then
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
  [ -n "$version" ] || die "no PostgreSQL cluster in /etc/postgresql; run: apt-get install postgresql"
  say "PostgreSQL is down; starting it: pg_ctlcluster --skip-systemctl-redirect $version main start"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || die "PostgreSQL does not answer on $PGHOST:$PGPORT. Start it with: pg_ctlcluster --skip-systemctl-redirect $version main start"
fi

psql_admin() {
  # trust auth on 127.0.0.1 lets us connect as postgres; fall back to the socket.
  psql -v ON_ERROR_STOP=1 -qtA -h "$PGHOST" -p "$PGPORT" -U postgres "$@" 2>/dev/null \
    || su postgres -c "psql -v ON_ERROR_STOP=1 -qtA $(printf '%q ' "$@")"
}

if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname='$ROLE'")" != "1" ]; then
  say "creating PostgreSQL role $ROLE"
  psql_admin -c "CREATE ROLE $ROLE LOGIN CREATEDB"
fi
for db in "${DATABASES[@]}"; do
  if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname='$db'")" != "1" ]; then
    say "creating database $db"
    psql_admin -c "CREATE DATABASE $db OWNER $ROLE ENCODING 'UTF8' TEMPLATE template0"
  fi
  # The search backend needs unaccent (contrib); it can only be created by a
  # superuser unless trusted, so create it here once.
  psql_admin -d "$db" -c "CREATE EXTENSION IF NOT EXISTS unaccent" >/dev/null
done

# --- Redis --------------------------------------------------------------------
if ! command -v redis-server >/dev/null; then
  apt_install redis-server
fi
if ! redis_up; then
  say "Redis is down; starting it: redis-server --daemonize yes --bind 127.0.0.1 --port 6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
  redis_up || die "Redis does not answer on 127.0.0.1:6379. Start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save \"\" --appendonly no"
fi
# The DataStore of each database (<db>_datastore and its read-only role; needs
# CKAN installed: make install): scripts/datastore-db.sh
for db in "${DATABASES[@]}"; do
  if [ -x "$(dirname "$0")/../.venv/bin/python" ]; then
    "$(dirname "$0")/datastore-db.sh" "$db"
  else
    say "no .venv yet: the DataStore of $db is created by the next scripts/services.sh after make install"
  fi
done
say "PostgreSQL and Redis are up"
