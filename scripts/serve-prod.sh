#!/usr/bin/env bash
# The portal as production serves it: gunicorn with docker/production.ini
# (`make serve-prod`; the Docker image runs the same steps).
#   CKAN_SECRET_KEY     required (the server refuses to start without it)
#   CKAN_INI            default docker/production.ini
#   CKAN_SQLALCHEMY_URL, CKAN_REDIS_URL, CKAN_SITE_URL, CKAN_STORAGE_PATH
#   WEB_CONCURRENCY     workers (default 2 x CPU cores), GUNICORN_BIND (default
#                       127.0.0.1:5000): see ckanext/angiang/serving/gunicorn_conf.py
# Extra arguments go to gunicorn.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
case "$BIN" in /*) ;; *) BIN="$PWD/$BIN" ;; esac
export CKAN_INI=${CKAN_INI:-docker/production.ini}
export PATH="$BIN:$PATH"
# refuse before doing anything when the secret is missing or weak
"$BIN/python" -c 'from ckanext.angiang.serving.wsgi import require_secret; require_secret()'
"$BIN/python" scripts/check_services.py "$CKAN_INI"
# CKAN's JavaScript translations and every webassets bundle, built before the
# workers start: static files are indexed once at start-up (serving/static.py)
"$BIN/ckan" -c "$CKAN_INI" translation js >/dev/null
"$BIN/ckan" -c "$CKAN_INI" asset build >/dev/null
"$BIN/python" scripts/compress_assets.py "$CKAN_INI"
exec "$BIN/gunicorn" -c python:ckanext.angiang.serving.gunicorn_conf "$@"
