# Thin wrappers: the scripts hold the logic (see README.md).
.PHONY: run test check vendor messages

run:  ## set up and serve on http://127.0.0.1:8000 (SQLite, demo township)
	scripts/run.sh

test:  ## what CI runs: ruff, migrations check, pytest on SQLite and PostgreSQL, browser tests
	scripts/test.sh

check: test

vendor:  ## refresh static/vendor/ from the npm registry (needs npm)
	scripts/vendor-assets.sh

messages:  ## update the English catalogue for the Chinese source strings, then compile
	scripts/bootstrap.sh dev
	.venv/bin/python manage.py makemessages -l en --no-location --ignore=.venv --ignore=node_modules --ignore=static --ignore=staticfiles --ignore=var --ignore=test-artifacts --ignore=bench
	.venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules
