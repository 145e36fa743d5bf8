#!/usr/bin/env python
"""Load benchmark: the production settings under gunicorn on loopback, many users at once (issue 16).

    .venv/bin/python bench/load_bench.py                          # SQLite, 2 sync workers vs the recommendation
    .venv/bin/python bench/load_bench.py --db postgres            # PostgreSQL at DATABASE_URL's server or 127.0.0.1
    .venv/bin/python bench/load_bench.py --configs 2 5x4 --users 20 50 --seconds 10 --workdir /tmp/lb

What it does: a throwaway directory holds the database (SQLite file, or a database ``lianxin_load_<pid>``),
the var directory (secrets) and the collected static files. It migrates, builds the demo township
(``load_demo``) and opens one working-group account per simulated user (the demo working-group member's
scope), each with a known password and its own authenticator, all with ``config.settings.prod``. Then for each server configuration (``2`` = 2 sync workers, ``5x4`` = 5 gthread
workers of 4 threads) it starts gunicorn on 127.0.0.1 and one ``db_worker`` (as ``make run`` does), signs
in one session per simulated user (password, then the authenticator's code: the prod settings ask the working
group for a second factor; the home page must then answer 200), and for 20 and 50 concurrent users (threads, each with its own
session, no think time) runs each scenario for ``--seconds``:

- home: GET /   list: GET /people/persons/   detail: GET /people/persons/<id>/ (ids in scope, round robin)
- export: GET /people/persons/export/?region=<a village group> (its people as .xlsx), once per user, all at once
- import: each user uploads a small person ledger (10 new people, their own) through the API, waits for the
  background dry run, commits and waits for the commit (one import per user: the end-to-end time).

Requests carry ``X-Forwarded-Proto: https`` as nginx would (the prod settings redirect plain HTTP and mark
cookies secure; the session and CSRF cookies are sent by hand). Figures, one a line, ``name: value``:
``<config>.<users>.<scenario>.rps``, ``.p50_ms``, ``.p95_ms``, ``.errors`` (anything but 2xx — must be 0),
and ``errors_total``. The directory and the PostgreSQL database are removed at the end unless --workdir.
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import admin_dsn, emit, log  # noqa: E402

PYTHON = str(Path(sys.executable))
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
USERNAME, PASSWORD = "workgroup", "Load-bench-2026!"
IMPORT_ROWS = 10
MAX_USERS = 100  # accounts prepared (one per simulated user); --users may not exceed it
# Another invocation on a kept --workdir imports other people (sequence numbers shifted), not the same again.
INVOCATION = os.getpid() % 997


def env_for(url: str, workdir: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DATABASE_URL": url,
        "LIANXIN_VAR_DIR": str(workdir / "var"),
        "LIANXIN_STATIC_ROOT": str(workdir / "static"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "LIANXIN_LOGIN_ADDRESS_FAILURES": "100000",
    }


def manage(env: dict, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


PREPARE = f"""
from lianxin.accounts.models import User
from lianxin.accounts.services import user_create
from django_otp.plugins.otp_totp.models import TOTPDevice
template = User.objects.get(username="{USERNAME}")
# One account per simulated user (a cadre each, as in an office), each with its own authenticator: the prod
# settings ask the working group for a second factor, and a TOTP code is accepted once per account and step.
for n in range({MAX_USERS}):
    name = f"{USERNAME}{{n:03d}}"
    user = User.objects.filter(username=name).first()
    if user is None:
        user, _password = user_create(username=name, full_name=name, role=template.role,
                                      scope_region=template.scope_region, password="{PASSWORD}")
    user.set_password("{PASSWORD}")
    user.must_change_password = False
    user.save()
    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True, key=f"{{n + 1:040x}}")
from lianxin.people.models import Person
from lianxin.core.permissions import scope_to_user
ids = list(scope_to_user(Person.objects.order_by("pk"), template).values_list("pk", flat=True)[:200])
from lianxin.regions.models import Region
group = scope_to_user(Region.objects.filter(level=Region.Level.VILLAGE_GROUP), template).select_related("parent").first()
print("IDS", ",".join(map(str, ids)))
print("GROUP", group.parent.name, "|", group.name, "|", group.pk)
"""


def prepare(env: dict, workdir: Path, fresh: bool) -> tuple[list[int], tuple[str, str], int]:
    if fresh:
        started = time.perf_counter()
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        manage(env, "load_demo")
        emit("setup_seconds", time.perf_counter() - started)
    out = manage(env, "shell", stdin=PREPARE)
    ids = [int(x) for x in re.search(r"IDS (.*)", out).group(1).split(",")]
    village, group, pk = (part.strip() for part in re.search(r"GROUP (.*)", out).group(1).split("|"))
    return ids, (village, group), int(pk)


class Server:
    """gunicorn (the given workers/threads) plus one db_worker, as scripts/run.sh starts them."""

    def __init__(self, env: dict, workdir: Path, port: int, workers: int, threads: int) -> None:
        self.env, self.workdir, self.port, self.workers, self.threads = env, workdir, port, workers, threads
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> Server:
        args = [GUNICORN, "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)]
        args += ["--control-socket", str(self.workdir / "var" / "gunicorn.ctl"), "--timeout", "120"]
        if self.threads > 1:
            args += ["--worker-class", "gthread", "--threads", str(self.threads)]
        logs = open(self.workdir / "gunicorn.log", "a")  # noqa: SIM115 (closed with the process)
        self.processes.append(subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=logs, stderr=logs))
        worker_log = open(self.workdir / "worker.log", "a")  # noqa: SIM115
        self.processes.append(
            subprocess.Popen(
                [PYTHON, str(ROOT / "manage.py"), "db_worker", "--queue-name", "default"],
                cwd=ROOT,
                env=self.env,
                stdout=worker_log,
                stderr=worker_log,
            )
        )
        import requests

        try:
            self._wait_ready(requests)
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_ready(self, requests) -> None:
        for _ in range(240):
            try:
                if requests.get(f"{self.base}/accounts/login/", headers=HTTPS, timeout=60).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.5)
        raise SystemExit("gunicorn did not start: see gunicorn.log in the work directory")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


HTTPS = {"X-Forwarded-Proto": "https"}


class User:
    """One simulated user: a requests session whose (secure) cookies are sent by hand over loopback HTTP."""

    def __init__(self, base: str) -> None:
        import requests

        self.base, self.session, self.cookies = base, requests.Session(), {}

    def _headers(self, extra: dict | None = None) -> dict:
        headers = {
            **HTTPS,
            "Origin": f"https://{self.base.split('//', 1)[1]}",
            "Referer": f"https://{self.base.split('//', 1)[1]}/",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        return {**headers, **(extra or {})}

    def _keep(self, response) -> None:
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value

    def request(self, method: str, path: str, **kw):
        self.session.cookies.clear()
        response = self.session.request(
            method,
            self.base + path,
            headers=self._headers(kw.pop("headers", None)),
            allow_redirects=False,
            timeout=300,
            **kw,
        )
        self._keep(response)
        return response

    def login(self, index: int) -> None:
        """Password, then the authenticator's code (the account's own TOTP key, as PREPARE set it)."""
        from django_otp.oath import TOTP

        username = f"{USERNAME}{index:03d}"
        page = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = self.request(
            "POST", "/accounts/login/", data={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
        )
        if response.status_code != 302:
            raise SystemExit(f"login failed: {response.status_code} {response.text[:300]}")
        if "/verify/" in response.headers.get("Location", ""):
            page = self.request("GET", "/accounts/login/verify/")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            code = f"{TOTP(bytes.fromhex(f'{index + 1:040x}')).token():06d}"
            response = self.request(
                "POST", "/accounts/login/verify/", data={"csrfmiddlewaretoken": token, "code": code}
            )
        home = self.request("GET", "/")  # also a fresh csrftoken cookie for the API's POSTs
        if "sessionid" not in self.cookies or home.status_code != 200:
            raise SystemExit(f"{username} is not signed in: the home page answered {home.status_code}")


def person_ledger(village: str, group: str, *, user: int, run: int) -> bytes:
    """A small person ledger of new people (valid IDs no other user's file holds)."""
    import xlsxwriter
    from stdnum.cn import ric

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["村委会", "村民小组", "户编号", "姓名", "身份证号码", "与户主关系", "民族"])
    # run < 16 (configuration × user count), user < 100: births from 1930 on, all in the past
    born = date(1930, 1, 1) + timedelta(days=(run * 100 + user) * IMPORT_ROWS)
    for i in range(IMPORT_ROWS):
        body = f"532622{born + timedelta(days=i):%Y%m%d}{(user * 7 + i + INVOCATION) % 1000:03d}"
        number = body + ric.calc_check_digit(body + "0")
        ws.write_row(i + 1, 0, [village, group, f"LB{INVOCATION}-{run}-{user}-{i}", "王小明", number, "户主", "汉族"])
    wb.close()
    return buffer.getvalue()


def one_import(user: User, index: int, run: int, where: tuple[str, str]) -> bool:
    """Upload, wait for the dry run, commit, wait for the commit; True if every row went in."""
    content = person_ledger(*where, user=index, run=run)
    response = user.request(
        "POST", "/api/imports/batches", data={"ledger": "persons"}, files={"file": (f"lb{run}-{index}.xlsx", content)}
    )
    if response.status_code != 202:
        return False
    batch = response.json()["id"]

    def wait_for(states: set[str]) -> dict | None:
        for _ in range(1200):
            body = user.request("GET", f"/api/imports/batches/{batch}").json()
            if body["status"] in states:
                return body
            time.sleep(0.25)
        return None

    checked = wait_for({"checked", "failed"})
    if not checked or checked["status"] != "checked" or checked["rejected"]:
        return False
    if user.request("POST", f"/api/imports/batches/{batch}/commit").status_code != 202:
        return False
    done = wait_for({"committed", "failed"})
    return bool(done and done["status"] == "committed")


def run_scenario(users: list[User], seconds: float, action, *, once: bool = False) -> tuple[list[float], int, float]:
    """Every user repeats ``action(user, index, i)`` for ``seconds`` (or runs it ``once``); returns latencies,
    errors and the wall time."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def loop(index: int, user: User) -> None:
        for i in itertools.count():
            if (once and i) or (not once and time.perf_counter() >= deadline):
                return
            started = time.perf_counter()
            try:
                ok = action(user, index, i)
            except Exception as exc:  # noqa: BLE001 (any failure counts as an error, and is shown)
                log(f"error: {exc!r}")
                ok = False
            with lock:
                latencies.append(time.perf_counter() - started)
                errors[0] += not ok

    started = time.perf_counter()
    threads = [threading.Thread(target=loop, args=(i, u)) for i, u in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0], time.perf_counter() - started


def get(path_of):
    """A scenario step: GET the path ``path_of()`` gives; OK on 200."""
    return lambda who, index, i: who.request("GET", path_of()).status_code == 200


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--configs", nargs="+", default=["2", "5x4"], help="WORKERS or WORKERSxTHREADS (gthread)")
    parser.add_argument("--users", nargs="+", type=int, default=[20, 50])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--scenarios", nargs="+", default=["home", "list", "detail", "export", "import"])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workdir", type=Path, help="keep (and reuse) the database and files here")
    args = parser.parse_args()
    if max(args.users) > MAX_USERS:
        parser.error(f"--users: at most {MAX_USERS}")

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="lianxin-load-"))
    workdir.mkdir(parents=True, exist_ok=True)
    pg_name = None
    if args.db == "sqlite":
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        fresh = not (workdir / "bench.sqlite3").exists()
    else:
        import psycopg

        pg_name = f"lianxin_load_{os.getpid()}"
        with psycopg.connect(admin_dsn(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {pg_name}")
        opts = dict(item.split("=", 1) for item in admin_dsn().split())
        auth = opts["user"] + (f":{opts['password']}" if "password" in opts else "")
        url, fresh = f"postgres://{auth}@{opts['host']}:{opts['port']}/{pg_name}", True
    env = env_for(url, workdir)
    emit("cores", os.cpu_count())
    emit("database", args.db)
    try:
        log("preparing: migrate, collectstatic, load_demo (minutes the first time)")
        ids, where, group_pk = prepare(env, workdir, fresh)
        total_errors = 0
        for run, config in enumerate(args.configs):
            workers, _x, threads = config.partition("x")
            with Server(env, workdir, args.port + run, int(workers), int(threads or 1)) as server:
                log(f"{config}: signing in {max(args.users)} users")
                everyone = []
                for index in range(max(args.users)):
                    user = User(server.base)
                    user.login(index)
                    everyone.append(user)
                detail_ids = itertools.cycle(ids)

                actions = {
                    "home": get(lambda: "/"),
                    "list": get(lambda: "/people/persons/"),
                    "detail": get(lambda cycle=detail_ids: f"/people/persons/{next(cycle)}/"),
                    "export": get(lambda: f"/people/persons/export/?region={group_pk}"),
                }
                for count in args.users:
                    users = everyone[:count]
                    for scenario in args.scenarios:
                        name = f"{config}.{count}.{scenario}"
                        if scenario == "export":
                            # one export per user, all at once (an export is seconds, not a page view)
                            latencies, errors, wall = run_scenario(users, 0, actions["export"], once=True)
                        elif scenario == "import":
                            # one import per user, all at once: the end-to-end time of each
                            tag = run * len(args.users) + args.users.index(count)
                            latencies, errors, wall = run_scenario(
                                users, 0, lambda user, index, i, tag=tag: one_import(user, index, tag, where), once=True
                            )
                        else:
                            latencies, errors, wall = run_scenario(users, args.seconds, actions[scenario])
                        total_errors += errors
                        emit(f"{name}.requests", len(latencies))
                        emit(f"{name}.rps", len(latencies) / wall if wall else 0.0)
                        emit(f"{name}.p50_ms", round(statistics.median(latencies) * 1000) if latencies else 0)
                        emit(f"{name}.p95_ms", round(percentile(latencies, 95) * 1000))
                        emit(f"{name}.errors", errors)
        locked = sum(
            (workdir / name).read_text(errors="replace").count("database is locked")
            for name in ("gunicorn.log", "worker.log")
            if (workdir / name).exists()
        )
        emit("database_locked_in_logs", locked)
        emit("errors_total", total_errors)
    finally:
        if pg_name:
            import psycopg

            with psycopg.connect(admin_dsn(), autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
