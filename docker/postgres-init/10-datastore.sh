#!/bin/bash
# The DataStore database and its read-only role (angiang_datastore, Art. 5.2b),
# made by the postgres image on its first start (an empty data volume). The
# permissions are applied by the init service (`ckan datastore set-permissions`).
# An existing volume: run these two statements once by hand (psql as ckan).
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE datastore_ro LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT
  PASSWORD '${DATASTORE_RO_PASSWORD}';
CREATE DATABASE datastore OWNER ${POSTGRES_USER} ENCODING 'UTF8' TEMPLATE template0;
SQL
