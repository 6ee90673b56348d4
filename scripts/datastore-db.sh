#!/usr/bin/env bash
# The DataStore of a portal database (Art. 5.2b: the data API and previews):
# a database <db>_datastore owned by the portal's role (the DataStore's write
# user) and the read-only role angiang_datastore_ro, with the permissions
# `ckan datastore set-permissions` prints (the SQL of CKAN's own
# ckanext.datastore.cli.permissions_sql), applied as the PostgreSQL superuser.
# Idempotent. Called by scripts/services.sh for each database it is given.
# Usage: scripts/datastore-db.sh MAIN_DB [DATASTORE_DB]   (default: MAIN_DB_datastore)
set -euo pipefail
cd "$(dirname "$0")/.."

MAIN_DB=${1:?usage: scripts/datastore-db.sh MAIN_DB [DATASTORE_DB]}
DATASTORE_DB=${2:-${MAIN_DB}_datastore}
WRITE_ROLE=angiang
READ_ROLE=angiang_datastore_ro
PYTHON=${PYTHON:-.venv/bin/python}
PGHOST=127.0.0.1 PGPORT=5432

say() { printf 'datastore: %s\n' "$*" >&2; }
die() { printf 'datastore: ERROR: %s\n' "$*" >&2; exit 1; }

psql_admin() {
  psql -v ON_ERROR_STOP=1 -qtA -h "$PGHOST" -p "$PGPORT" -U postgres "$@" 2>/dev/null \
    || su postgres -c "psql -v ON_ERROR_STOP=1 -qtA $(printf '%q ' "$@")"
}

[ -x "$PYTHON" ] || die "no $PYTHON: run make install first (the permissions come from CKAN's datastore package)"

if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname='$READ_ROLE'")" != "1" ]; then
  say "creating the read-only role $READ_ROLE"
  psql_admin -c "CREATE ROLE $READ_ROLE LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT"
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname='$DATASTORE_DB'")" != "1" ]; then
  say "creating database $DATASTORE_DB"
  psql_admin -c "CREATE DATABASE $DATASTORE_DB OWNER $WRITE_ROLE ENCODING 'UTF8' TEMPLATE template0"
fi
# The read-only role sees the DataStore tables and nothing else: no access to
# the portal database, no writes (datastore_search reads through it).
sql=$(mktemp /tmp/datastore-permissions.XXXXXX.sql)
trap 'rm -f "$sql"' EXIT
"$PYTHON" -c "
import sys
from ckanext.datastore.cli import permissions_sql
print(permissions_sql(*sys.argv[1:]))" "$MAIN_DB" "$DATASTORE_DB" "$WRITE_ROLE" "$WRITE_ROLE" "$READ_ROLE" >"$sql"
chmod 644 "$sql"
psql_admin -f "$sql" >/dev/null || die "applying the DataStore permissions to $DATASTORE_DB failed"
psql_admin -c "REVOKE ALL ON DATABASE $MAIN_DB FROM $READ_ROLE" >/dev/null
