#!/usr/bin/env bash
# make fuzz: schemathesis against a portal started here, on 127.0.0.1, with the
# demo data in a database of its own. It reads the portal's /api/openapi.json
# and sends generated requests to every documented operation, in two passes:
#   1. anonymous, the read operations (GET), valid and invalid inputs;
#   2. as the demo sysadmin (API token), every operation, writes included.
# Each response must not be a 5xx and must conform to the document (status
# code, content type, headers, body schema). Bounded: FUZZ_MAX_EXAMPLES cases
# per operation and phase, each pass killed after FUZZ_PASS_TIMEOUT seconds.
# Known crashes of CKAN core are left out explicitly (tests/fuzz/hooks.py).
# Reports (JUnit, NDJSON) and the server's log: $FUZZ_REPORT_DIR (var/fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
CONFIG=${FUZZ_CONFIG:-ckan.ini}
DB=${FUZZ_DB:-angiang_api_fuzz}
PORT=${FUZZ_PORT:-5900}
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-6}
PASS_TIMEOUT=${FUZZ_PASS_TIMEOUT:-300}
SEED=${FUZZ_SEED:-62}
OUT=${FUZZ_REPORT_DIR:-var/fuzz}
BASE=http://127.0.0.1:$PORT

export CKAN_SQLALCHEMY_URL=postgresql://angiang@127.0.0.1:5432/$DB
# its DataStore (made by scripts/services.sh beside the database)
export CKAN_DATASTORE_WRITE_URL=postgresql://angiang@127.0.0.1:5432/${DB}_datastore
export CKAN_DATASTORE_READ_URL=postgresql://angiang_datastore_ro@127.0.0.1:5432/${DB}_datastore
export CKAN_REDIS_URL=${FUZZ_REDIS_URL:-redis://127.0.0.1:6379/10}
export CKAN_SITE_URL=$BASE
export CKAN_STORAGE_PATH=$PWD/var/fuzz-storage
export SCHEMATHESIS_HOOKS=$PWD/tests/fuzz/hooks.py

say() { printf 'fuzz: %s\n' "$*" >&2; }
mkdir -p "$OUT"

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  say "port $PORT is taken; choose another with FUZZ_PORT=..."; exit 2
fi

# A fresh database each run: the sysadmin pass writes (creates, patches and
# deletes datasets), and a run must not depend on the one before.
case "$DB" in
  *fuzz*) ;;
  *) say "FUZZ_DB must contain 'fuzz' (it is dropped and created anew): $DB"; exit 2 ;;
esac
for db in "$DB" "${DB}_datastore"; do
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db" 2>/dev/null \
    || su postgres -c "psql -q -c 'DROP DATABASE IF EXISTS $db'"
done
rm -rf var/fuzz-storage
scripts/services.sh "$DB"
say "loading the demo data into $DB"
$BIN/ckan -c "$CONFIG" angiang demo load --upgrade-db >&2
TOKEN=$($BIN/ckan -c "$CONFIG" angiang token 2>/dev/null | tail -n1)

say "starting the portal on $BASE (log: $OUT/server.log)"
$BIN/ckan -c "$CONFIG" run --host 127.0.0.1 --port "$PORT" --disable-reloader --threaded \
  >"$OUT/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 120); do
  curl -sf -o "$OUT/openapi.json" "$BASE/api/openapi.json" && break
  kill -0 $server 2>/dev/null || { say "the portal did not start:"; tail -n 30 "$OUT/server.log" >&2; exit 1; }
  sleep 1
done
[ -s "$OUT/openapi.json" ] || { say "no /api/openapi.json after 120 s"; exit 1; }

CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance

run_pass() {  # name, then schemathesis options
  local name=$1; shift
  say "pass $name"
  timeout "$PASS_TIMEOUT" $BIN/schemathesis --no-color run "$BASE/api/openapi.json" --url "$BASE" \
    --checks "$CHECKS" --max-examples "$MAX_EXAMPLES" --seed "$SEED" \
    --phases examples,coverage,fuzzing --workers 2 --request-timeout 60 \
    --report junit,ndjson --report-dir "$OUT/$name" --no-shrink "$@" 2>&1 | tee "$OUT/$name.log"
  return "${PIPESTATUS[0]}"
}

# "N generated, N passed" or "N generated, F found ..." of each pass's summary
summary() {
  awk '/ generated, /{g+=$1; if ($4 == "found") f+=$3} END{printf "fuzz: %d passed, %d failed\n", g-f, f}' \
    "$OUT"/anonymous.log "$OUT"/sysadmin.log
}

status=0
run_pass anonymous --mode all --include-method GET || status=$?
[ $status -eq 0 ] || { say "pass anonymous failed ($status)"; }
pass2=0
run_pass sysadmin --mode positive -H "Authorization: $TOKEN" || pass2=$?
[ $pass2 -eq 0 ] || { say "pass sysadmin failed ($pass2)"; status=$pass2; }
if grep -q "Traceback" "$OUT/server.log"; then
  say "the server logged exceptions (see $OUT/server.log)"
fi
summary
exit $status
