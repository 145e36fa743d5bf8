"""What every benchmark here shares: figures on stdout (`name: value`), progress on stderr, medians,
and a throwaway database (SQLite in the work directory, or PostgreSQL at DATABASE_URL's server or
127.0.0.1) migrated with `bench/settings.py`."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def emit(name: str, value) -> None:
    """One figure a line, `name: value`, so a script can read them."""
    if isinstance(value, float):
        value = f"{value:.4f}" if abs(value) < 10 else f"{value:.1f}"
    print(f"{name}: {value}", flush=True)


def median_seconds(fn, runs: int) -> float:
    fn()  # warm-up: connection, caches, template loading
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def admin_dsn() -> str:
    """libpq DSN of the PostgreSQL server's maintenance database (for CREATE/DROP DATABASE)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        auth = f"user={parts.username or 'postgres'}" + (f" password={parts.password}" if parts.password else "")
        return f"host={parts.hostname or '127.0.0.1'} port={parts.port or 5432} {auth} dbname=postgres"
    return "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def django_setup(db: str, workdir: Path, name: str) -> str:
    """Configure Django on a new database (``name``_<pid> on PostgreSQL), migrate it; returns its URL."""
    if db == "sqlite":
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        import psycopg

        name = f"{name}_{os.getpid()}"
        dsn = admin_dsn()
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
        opts = dict(item.split("=", 1) for item in dsn.split())
        auth = opts["user"] + (f":{opts['password']}" if "password" in opts else "")
        url = f"postgres://{auth}@{opts['host']}:{opts['port']}/{name}"
    django_configure(url, workdir)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def django_configure(url: str, workdir: Path) -> None:
    """Point Django at the database ``url`` (already migrated, or about to be) and set it up."""
    os.environ["DATABASE_URL"] = url
    os.environ["LIANXIN_VAR_DIR"] = str(workdir / "var")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def pg_drop(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(admin_dsn(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
