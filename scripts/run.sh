#!/usr/bin/env bash
# Set up (idempotently) and serve Lianxin on http://127.0.0.1:8000 with the embedded SQLite database.
#
#   HOST=0.0.0.0 PORT=8080 scripts/run.sh     (also set DJANGO_ALLOWED_HOSTS for other host names)
#
# First run: creates .venv, installs pinned dependencies, migrates, builds the demo township and
# prints the demo accounts with one-time passwords. Later runs keep data and passwords.
set -euo pipefail

cd "$(dirname "$0")/.."

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.dev}"

scripts/bootstrap.sh

PY=.venv/bin/python
$PY manage.py compilemessages --ignore=.venv --ignore=node_modules --verbosity 0
$PY manage.py migrate --noinput
$PY manage.py collectstatic --noinput --verbosity 0
$PY manage.py load_demo

# Background jobs (imports, reports) run in a database-backed worker: no extra server needed.
$PY manage.py db_worker --queue-name default >var/worker.log 2>&1 &
WORKER=$!
# Scheduled work without cron: the deadline reminders, the personal-data purge and the checkpoint are
# queued for that worker at their times (lianxin.core.schedule); a missed day is caught up once.
$PY manage.py run_scheduler >var/scheduler.log 2>&1 &
SCHEDULER=$!
trap 'kill "$WORKER" "$SCHEDULER" 2>/dev/null || true' EXIT INT TERM

echo "Lianxin: serving on http://$HOST:$PORT/ (Ctrl-C stops; background worker log: var/worker.log, scheduler: var/scheduler.log)"
# gunicorn's control socket defaults to ~/.gunicorn/gunicorn.ctl, shared by every instance the same
# account runs on the host: keep this instance's in its own var directory (gunicorn makes it 0600).
# The access log records the path only: query strings (searches by name or resident ID) and
# referrers may carry personal data, which must not reach the logs. Requests to the integrity-report
# form and endpoint and the tracking page are logged without the client's address (the logger class).
VAR_DIR="${LIANXIN_VAR_DIR:-var}"
.venv/bin/gunicorn config.wsgi:application \
  --bind "$HOST:$PORT" \
  --control-socket "$VAR_DIR/gunicorn.ctl" \
  --workers "${WEB_CONCURRENCY:-2}" \
  --logger-class lianxin.core.logfilters.AddressFreeAccessLogger \
  --access-logfile - \
  --access-logformat '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
