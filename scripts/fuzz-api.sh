#!/usr/bin/env bash
# API fuzzing (schemathesis), bounded: a live server on a fresh SQLite database with a small township,
# every operation of /api/openapi.json, a fixed number of examples per operation and a fixed seed,
# as two roles (a working-group member and a village cadre, each with an API token).
#
# Fails on any server error (5xx), any response outside its documented schema, any undocumented
# status code or content type, and any request without authentication that is not refused.
# Prints the figures: operations, requests, 5xx, failures by check.
#
#   scripts/fuzz-api.sh                  (also a step of scripts/test.sh)
#   FUZZ_EXAMPLES=50 FUZZ_SEED=7 scripts/fuzz-api.sh
#
# Environment: FUZZ_EXAMPLES (examples per operation, default 10), FUZZ_SEED (default 20261203),
# FUZZ_PORT (default: a free port on 127.0.0.1), FUZZ_KEEP=1 keeps the work directory (logs, reports).
set -euo pipefail

cd "$(dirname "$0")/.."

ROOT="$(pwd)"
PY=.venv/bin/python
EXAMPLES="${FUZZ_EXAMPLES:-10}"
SEED="${FUZZ_SEED:-20261203}"
PORT="${FUZZ_PORT:-$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
WORK="$(mktemp -d -t lianxin-fuzz.XXXXXX)"
SERVER=""

cleanup() {
  if [[ -n "$SERVER" ]]; then
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
  fi
  if [[ "${FUZZ_KEEP:-0}" == 1 ]]; then
    echo "fuzz: work directory kept: $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT INT TERM

# A database, keys and static files of its own: the developer's var/ is never touched.
unset DATABASE_URL REDIS_URL
export DJANGO_SETTINGS_MODULE=config.settings.dev DJANGO_DEBUG=0
export LIANXIN_VAR_DIR="$WORK/var" LIANXIN_STATIC_ROOT="$WORK/static"
mkdir -p "$LIANXIN_VAR_DIR"

start=$SECONDS
$PY manage.py migrate --noinput --verbosity 0
$PY manage.py collectstatic --noinput --verbosity 0
$PY tests/fuzz/prepare.py "$WORK/tokens"  # a small township and the two roles' tokens
echo "fuzz: database ready in $((SECONDS - start))s"

# --limit-request-line 0: a fuzzed query string can pass gunicorn's 4 KB request line, and gunicorn's
# own HTML 414 (before the application) is the HTTP server's, not the API's; let the API answer it.
.venv/bin/gunicorn config.wsgi:application \
  --bind "127.0.0.1:$PORT" --workers 2 --limit-request-line 0 \
  --access-logfile "$WORK/access.log" --access-logformat '%(s)s %(m)s %(U)s' \
  --error-logfile "$WORK/server.log" &
SERVER=$!
for _ in $(seq 1 60); do
  if $PY -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$PORT/accounts/login/', timeout=2)" 2>/dev/null; then
    break
  fi
  sleep 0.5
done

CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
CHECKS+=,response_headers_conformance,negative_data_rejection,missing_required_header,ignored_auth
status=0
for role in workgroup cadre; do
  echo
  echo "==> schemathesis as $role ($EXAMPLES examples per operation, seed $SEED)"
  # Run from the work directory: schemathesis keeps its replay data in ./.schemathesis.
  (cd "$WORK" && "$ROOT/.venv/bin/schemathesis" run "http://127.0.0.1:$PORT/api/openapi.json" \
    --header "Authorization: Bearer $(cat "$WORK/tokens/$role.token")" \
    --checks "$CHECKS" \
    --max-examples "$EXAMPLES" --seed "$SEED" --workers 1 --no-shrink --request-timeout 30 \
    --suppress-health-check all --warnings off --generation-database none \
    --report json --report-dir "$WORK/report-$role") >"$WORK/schemathesis-$role.txt" 2>&1 || status=1
  tail -n 30 "$WORK/schemathesis-$role.txt"
done

kill "$SERVER" 2>/dev/null || true
wait "$SERVER" 2>/dev/null || true
SERVER=""

$PY tests/fuzz/summary.py "$WORK" || status=1
if ((status)) && [[ "${FUZZ_KEEP:-0}" != 1 ]]; then
  echo "fuzz: failures above; rerun with FUZZ_KEEP=1 to keep the server log and the reports"
fi
exit "$status"
