#!/usr/bin/env bash
# Create .venv and install the pinned Python dependencies.
#
#   scripts/bootstrap.sh        runtime dependencies (requirements/base.in)
#   scripts/bootstrap.sh dev    plus test and lint tools (requirements/dev.in)
#
# Versions come from constraints.txt, the one lock file. A stamp file named after a hash of
# the lock file and the requirement files makes a second run a no-op (and work offline).
set -euo pipefail

cd "$(dirname "$0")/.."

MODE="${1:-base}"
case "$MODE" in
  base | dev) ;;
  *) echo "usage: scripts/bootstrap.sh [dev]" >&2; exit 2 ;;
esac

PYTHON="${PYTHON:-python3}"
VENV=.venv

digest() { cat "$@" | sha256sum | cut -c1-16; }
BASE_HASH="$(digest constraints.txt requirements/base.in)"
DEV_HASH="$(digest constraints.txt requirements/base.in requirements/dev.in)"

if [[ "$MODE" == dev ]]; then
  STAMP="$VENV/.installed-dev-$DEV_HASH"
  # What is installed for dev covers base too.
  SATISFIED=("$STAMP")
  REQUIREMENTS=requirements/dev.in
else
  STAMP="$VENV/.installed-base-$BASE_HASH"
  SATISFIED=("$STAMP" "$VENV/.installed-dev-$DEV_HASH")
  REQUIREMENTS=requirements/base.in
fi

if [[ ! -x "$VENV/bin/python" ]]; then
  echo "bootstrap: creating $VENV"
  if ! "$PYTHON" -m venv "$VENV"; then
    rm -rf "$VENV"
    # Debian ships venv/ensurepip separately.
    if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null; then
      echo "bootstrap: installing python3-venv"
      apt-get update -qq && apt-get install -y -qq python3-venv
      "$PYTHON" -m venv "$VENV"
    else
      echo "bootstrap: '$PYTHON -m venv' failed; install python3-venv (as root: apt-get install python3-venv)" >&2
      exit 1
    fi
  fi
fi

for stamp in "${SATISFIED[@]}"; do
  if [[ -f "$stamp" ]]; then
    echo "bootstrap: $MODE dependencies up to date"
    exit 0
  fi
done

echo "bootstrap: installing $REQUIREMENTS (pinned by constraints.txt)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -c constraints.txt -r "$REQUIREMENTS"

rm -f "$VENV"/.installed-"$MODE"-*
touch "$STAMP"
echo "bootstrap: $MODE dependencies installed"
