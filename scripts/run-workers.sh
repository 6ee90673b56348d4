#!/usr/bin/env bash
# The harvesting workers of a CKAN site (ckanext-harvest with Redis queues):
#   - one gather consumer   (ckan angiang-harvest gather-consumer)
#   - N fetch consumers      (ckan angiang-harvest fetch-consumer; N = HARVEST_FETCH_CONSUMERS, default 2;
#                            they claim objects in PostgreSQL, never doing one twice)
#   - the scheduler          (ckan angiang-harvest scheduler, every HARVEST_SCHEDULER_INTERVAL s,
#                            default ckanext.angiang.harvest.scheduler_interval): starts the jobs of
#                            sources whose frequency is due and marks finished jobs as Finished
#                            (Art. 8.1, 8.3: data updated on the catalogue's schedule)
#   - a CKAN jobs worker (ckan jobs worker: xloader's DataStore loads of CSV/XLSX files, Art. 5.2b,
#     and the daily freshness job) and the freshness scheduler (ckan angiang freshness-scheduler: the
#     daily freshness job of angiang_catalogue, Art. 8.3, 12.2)
# These are ckanext-harvest's queues and callbacks in loops that survive Redis timeouts and
# harvester errors (ckanext/angiang/harvesters/workers.py); the plugin angiang_harvest must be
# enabled. Each worker is also restarted if it ever exits. SIGINT/SIGTERM stops them all.
# Usage: scripts/run-workers.sh [CKAN_INI]   (default: ckan.ini); logs go to stderr
# or to HARVEST_LOG_DIR/<worker>.log when that is set.
set -uo pipefail

cd "$(dirname "$0")/.."
INI=${1:-ckan.ini}
CKAN=${CKAN:-.venv/bin/ckan}
FETCH_CONSUMERS=${HARVEST_FETCH_CONSUMERS:-2}
INTERVAL=${HARVEST_SCHEDULER_INTERVAL:-}
LOG_DIR=${HARVEST_LOG_DIR:-}

say() { printf 'workers: %s\n' "$*" >&2; }
[ -f "$INI" ] || { say "no such config: $INI"; exit 2; }
[ -n "$LOG_DIR" ] && mkdir -p "$LOG_DIR"

pids=()
stopping=0

stop() {
  stopping=1
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  wait 2>/dev/null
  say "stopped"
  exit 0
}
trap stop INT TERM

# supervise NAME CMD...: run CMD, restart it (after 5 s) whenever it exits.
supervise() {
  local name=$1; shift
  (
    child=0
    trap 'kill -TERM $child 2>/dev/null; wait $child 2>/dev/null; exit 0' INT TERM
    while true; do
      if [ -n "$LOG_DIR" ]; then "$@" >>"$LOG_DIR/$name.log" 2>&1 & else "$@" & fi
      child=$!
      wait $child
      code=$?
      say "$name exited with status $code; restarting in 5 s"
      sleep 5 & wait $!
    done
  ) &
  pids+=($!)
}

supervise gather-consumer "$CKAN" -c "$INI" angiang-harvest gather-consumer
for i in $(seq 1 "$FETCH_CONSUMERS"); do
  supervise "fetch-consumer-$i" "$CKAN" -c "$INI" angiang-harvest fetch-consumer
done
supervise scheduler "$CKAN" -c "$INI" angiang-harvest scheduler ${INTERVAL:+--interval "$INTERVAL"}
# CKAN's background jobs (xloader's DataStore loads, the daily freshness job of
# angiang_catalogue) and the freshness job's scheduler
supervise jobs-worker "$CKAN" -c "$INI" jobs worker
supervise freshness-scheduler "$CKAN" -c "$INI" angiang freshness-scheduler
say "gather consumer, $FETCH_CONSUMERS fetch consumer(s), the harvest scheduler, a jobs worker and the freshness scheduler started for $INI"
wait
