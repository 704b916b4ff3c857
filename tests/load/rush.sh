#!/usr/bin/env bash
# The morning rush, end to end: gunicorn with the production settings (TLS served by
# gunicorn itself, as the session cookie is Secure) against a copy of a generated data
# set, then Locust's officers (tests/load/locustfile.py), then the server stopped and
# the copy dropped. The README's "Load test" gives the figures of the last run.
#
#   tests/load/rush.sh SOURCE_DB [USERS] [DURATION] [SPAWN_RATE]
#
# SOURCE_DB: a PostgreSQL database made by `load_demo` and `generate_scale --factor 10`
# (it is copied, never written: each run starts from the same data). Defaults: 200
# officers, 10 minutes, 2 arriving a second. Results: $RUSH_OUT (default /tmp/rush):
# Locust's CSV files and the server's log. WEB_CONCURRENCY, WEB_WORKER_CLASS and
# WEB_THREADS size the web tier as in docker-compose.yml.
set -euo pipefail

SOURCE_DB=${1:?usage: tests/load/rush.sh SOURCE_DB [USERS] [DURATION] [SPAWN_RATE]}
USERS=${2:-200}
DURATION=${3:-10m}
SPAWN_RATE=${4:-2}
PG=${RUSH_PG:-postgres://postgres@127.0.0.1:5432}
PORT=${RUSH_PORT:-18443}
OUT=${RUSH_OUT:-/tmp/rush}
COPY_DB="rush_$$"
cd "$(dirname "$0")/../.."
mkdir -p "$OUT"

# A template database must have no other sessions: wait for them to end.
for attempt in $(seq 30); do
    psql "$PG/postgres" -qc "CREATE DATABASE $COPY_DB TEMPLATE $SOURCE_DB" 2>/dev/null && break
    [ "$attempt" = 30 ] && { echo "$SOURCE_DB is in use: cannot copy it" >&2; exit 1; }
    sleep 2
done
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -keyout "$OUT/key.pem" -out "$OUT/cert.pem" 2>/dev/null

export DJANGO_SETTINGS_MODULE=csp_tracker.settings.production
export DATABASE_URL="$PG/$COPY_DB" REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/7}
export SECRET_KEY="rush-$(date +%s%N)-not-a-real-secret-key-0123456789abcdef"
export ALLOWED_HOSTS=127.0.0.1 TRUSTED_PROXY_COUNT=0 CSP_TODAY=${CSP_TODAY:-2024-01-15}
export STATIC_ROOT="$OUT/static" MEDIA_ROOT="$OUT/media"
uv run python manage.py collectstatic --noinput -v0

# Sized as the image is (csp_tracker/gunicorn_conf.py reads WEB_CONCURRENCY and the rest).
uv run gunicorn -c python:csp_tracker.gunicorn_conf csp_tracker.wsgi:application \
    --bind "127.0.0.1:$PORT" --certfile "$OUT/cert.pem" --keyfile "$OUT/key.pem" \
    >"$OUT/gunicorn.log" 2>&1 &
SERVER=$!
cleanup() {
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $COPY_DB WITH (FORCE)" || true
}
trap cleanup EXIT
for _ in $(seq 60); do
    curl -ksf "https://127.0.0.1:$PORT/accessibility/" >/dev/null && break
    sleep 1
done

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
uv run locust -f tests/load/locustfile.py --headless -u "$USERS" -r "$SPAWN_RATE" \
    -t "$DURATION" --host "https://127.0.0.1:$PORT" --csv "$OUT/rush" --only-summary
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
