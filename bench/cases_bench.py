#!/usr/bin/env python
"""Cases benchmark: 1,000,000 cases, the filtered list page, the overdue query and the statistics page
against raw SQL in the same run. See bench/README.md.

    .venv/bin/python bench/cases_bench.py                      # 1,000,000 cases, SQLite
    .venv/bin/python bench/cases_bench.py --db postgres        # PostgreSQL (server of DATABASE_URL, or 127.0.0.1)
    .venv/bin/python bench/cases_bench.py --cases 100000 --runs 5

Figures go to stdout, one per line as ``name: value``; progress and query plans go to stderr.
Everything lives in a throwaway directory (and, with ``--db postgres``, a throwaway database
``lianxin_cases_bench_<pid>``) removed at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import django_setup, emit, log, median_seconds, pg_drop  # noqa: E402

VILLAGES = ["甲马石村", "白革龙村", "者黑村", "阿猛村", "新寨村", "老寨村", "大坪村", "小坪村", "龙树村", "河边村"]
NUMERALS = "一二三四五六七八九十"
HANDLERS = 40
YEARS = 3
PAGE = 50
PREFIX = {"dispute": "JF", "enterprise_request": "QS", "integrity_report": "LZ", "security_incident": "ZA"}
KIND_WEIGHTS = (("dispute", 40), ("enterprise_request", 35), ("security_incident", 20), ("integrity_report", 5))
TIME_LIMITS = {"dispute": 30, "enterprise_request": (5, 10, 15, 20), "security_incident": 30, "integrity_report": 60}
OLD_STATES = (("closed", 850), ("revisited", 80), ("resolved", 50), ("in_progress", 15), ("suspended", 5))
NEW_STATES = (
    ("registered", 10),
    ("accepted", 15),
    ("in_progress", 40),
    ("suspended", 5),
    ("resolved", 20),
    ("revisited", 5),
    ("closed", 5),
)
TITLES = (
    "征地补偿款分配纠纷",
    "施工扰民投诉",
    "办理用电报装",
    "工地钢筋被盗",
    "土地界线争议",
    "协调用工招聘",
    "拖欠劳务工资",
)


# ---------------------------------------------------------------------------------------------
# Django and the throwaway database


def township_setup():
    """County → township → 10 villages → 100 groups; a leader, a working-group member, a village cadre, handlers."""
    from lianxin.accounts.roles import Role
    from lianxin.accounts.services import user_create
    from lianxin.regions.models import Region
    from lianxin.regions.services import region_create

    county = region_create(name="示例县", level=Region.Level.COUNTY, parent=None, stat_code="532622000000")
    town = region_create(name="示范镇", level=Region.Level.TOWNSHIP, parent=county, stat_code="532622100000")
    villages, groups = [], []
    for n, name in enumerate(VILLAGES, start=1):
        village = region_create(name=name, level=Region.Level.VILLAGE, parent=town, stat_code=f"532622100{n:03d}")
        villages.append(village)
        for g in range(10):
            groups.append(
                region_create(
                    name=f"{name.removesuffix('村')}{NUMERALS[g]}组", level=Region.Level.VILLAGE_GROUP, parent=village
                )
            )

    def user(username, role, region):
        account, _password = user_create(
            username=username, full_name=username, role=role, scope_region=region, password="Bench-2026-cases!"
        )
        account.must_change_password = False
        account.save(update_fields=["must_change_password"])
        return account

    people = {
        "leader": user("leader", Role.TOWNSHIP_LEADER, town),
        "workgroup": user("workgroup", Role.WORKING_GROUP, town),
        "cadre": user("cadre", Role.VILLAGE_CADRE, villages[0]),
    }
    handlers = [user(f"handler{i:02d}", Role.WORKING_GROUP, town) for i in range(HANDLERS)]
    return town, villages, groups, people, handlers


def township_existing():
    """The township, users and handlers a previous run with the same --workdir created."""
    from django.contrib.auth import get_user_model

    from lianxin.regions.models import Region

    User = get_user_model()
    town = Region.objects.get(level=Region.Level.TOWNSHIP)
    villages = list(Region.objects.filter(level=Region.Level.VILLAGE).order_by("stat_code"))
    groups = list(Region.objects.filter(level=Region.Level.VILLAGE_GROUP).order_by("pk"))
    people = {name: User.objects.get(username=name) for name in ("leader", "workgroup", "cadre")}
    handlers = list(User.objects.filter(username__startswith="handler").order_by("username"))
    return town, villages, groups, people, handlers


# ---------------------------------------------------------------------------------------------
# 1,000,000 cases, raw: executemany (SQLite) or COPY (PostgreSQL)


def weighted(rng: random.Random, table):
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


def case_rows(n: int, today: dt.date, groups, handlers, seed: int = 20261130):
    """``n`` cases registered over the last ``YEARS`` years, oldest first (ids follow registration).

    Every deadline is computed here, before the first row is asked for: the calendar may read the
    holiday table, and on PostgreSQL the connection is busy with COPY while the rows stream.
    """
    from lianxin.core.workdays import add_workdays

    limits = {v for value in TIME_LIMITS.values() for v in (value if isinstance(value, tuple) else (value,))}
    first = today - dt.timedelta(days=YEARS * 365 + 1)
    deadlines = {}
    for offset in range((today - first).days + 4):
        day = first + dt.timedelta(days=offset)
        for days in limits:
            d = add_workdays(day, days)
            deadlines[(day, days)] = (d.date, d.provisional)
    return _case_rows(n, today, groups, handlers, seed, deadlines)


def _case_rows(n, today, groups, handlers, seed, deadlines):
    rng = random.Random(seed)

    def deadline(start: dt.date, days: int) -> tuple[dt.date, bool]:
        return deadlines[(start, days)]

    span = YEARS * 365 * 86400
    start = dt.datetime.combine(today - dt.timedelta(days=YEARS * 365), dt.time(1, 0), tzinfo=dt.UTC)
    offsets = sorted(rng.randrange(span) for _ in range(n))
    now = dt.datetime.now(dt.UTC)
    group_ids = [g.pk for g in groups]
    handler_ids = [h.pk for h in handlers]
    seq = 0
    for offset in offsets:
        seq += 1
        registered_at = start + dt.timedelta(seconds=offset)
        registered_on = (registered_at + dt.timedelta(hours=8)).date()  # Asia/Shanghai
        age = (today - registered_on).days
        kind = weighted(rng, KIND_WEIGHTS)
        state = weighted(rng, OLD_STATES if age > 60 else NEW_STATES)
        row = {
            "created_at": now,
            "updated_at": now,
            "number": f"{PREFIX[kind]}-{registered_on.year}-{seq:07d}",
            "kind": kind,
            "state": state,
            "title": rng.choice(TITLES),
            "description": "基准测试生成的案件",
            "region_id": rng.choice(group_ids),
            "registered_at": registered_at,
        }
        if state != "registered":
            accepted_on = registered_on + dt.timedelta(days=rng.choice((0, 0, 1, 2)))
            limit = TIME_LIMITS[kind]
            limit = rng.choice(limit) if isinstance(limit, tuple) else limit
            due_on, provisional = deadline(accepted_on, limit)
            row.update(
                accepted_on=accepted_on,
                time_limit_workdays=limit,
                due_on=due_on,
                due_provisional=provisional,
                assignee_id=rng.choice(handler_ids),
            )
            if state == "suspended":
                row["suspended_on"] = min(today, accepted_on + dt.timedelta(days=rng.randrange(1, 20)))
            if state in ("resolved", "revisited", "closed"):
                took = rng.randrange(1, int(limit * 1.7) + 2)
                resolved_at = dt.datetime.combine(accepted_on, dt.time(2, 0), tzinfo=dt.UTC) + dt.timedelta(
                    days=took, minutes=rng.randrange(600)
                )
                row["resolved_at"] = min(resolved_at, now)
                row["result"] = "已办结"
                if state == "closed":
                    row["closed_at"] = row["resolved_at"] + dt.timedelta(days=3)
                if kind == "enterprise_request" and state in ("revisited", "closed"):
                    row["satisfaction"] = weighted(rng, ((5, 60), (4, 25), (3, 10), (2, 3), (1, 2)))
        if kind == "dispute":
            row["dispute_category"] = rng.choice(("land_compensation", "boundary", "construction_nuisance", "wages"))
        if kind == "security_incident":
            incident = rng.choice(("theft", "theft", "damage", "obstruction", "fight"))
            solved = rng.random() < 0.6
            row.update(
                incident_type=incident,
                site="氧化铝项目工地",
                occurred_on=registered_on,
                loss_value=Decimal(rng.randrange(100, 50000)).quantize(Decimal("0.01")),
                solved=solved,
                suspects_caught=rng.randrange(1, 4) if solved else 0,
            )
        if kind == "integrity_report":
            row["anonymous"] = rng.random() < 0.5
        yield row


def field_defaults():
    from django.db.models import NOT_PROVIDED

    from lianxin.cases.models import Case

    fields = [f for f in Case._meta.concrete_fields if f.column != "id"]
    defaults = {}
    for f in fields:
        if f.default is not NOT_PROVIDED:
            defaults[f.attname] = f.get_default()
        elif f.null:
            defaults[f.attname] = None
        else:
            defaults[f.attname] = ""
    return fields, defaults


def load_cases(n: int, today: dt.date, groups, handlers, vendor: str) -> float:
    """Insert the cases with the database's fastest plain path; returns seconds."""
    from django.db import connection

    fields, defaults = field_defaults()
    columns = [f.column for f in fields]
    names = [f.attname for f in fields]

    rows = case_rows(n, today, groups, handlers)  # computes the deadlines now, before COPY holds the connection

    def tuples():
        for row in rows:
            values = []
            for name in names:
                value = row.get(name, defaults[name])
                if vendor == "sqlite" and isinstance(value, dt.datetime):
                    value = value.astimezone(dt.UTC).replace(tzinfo=None)  # Django's SQLite storage: naive UTC
                values.append(value)
            yield tuple(values)

    connection.ensure_connection()
    raw = connection.connection
    t = time.perf_counter()
    if vendor == "sqlite":
        sql = f"INSERT INTO cases_case ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        cursor = raw.cursor()
        cursor.execute("BEGIN")
        batch = []
        for values in tuples():
            batch.append(values)
            if len(batch) == 20000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
        cursor.execute("COMMIT")
        cursor.execute("ANALYZE")
    else:
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY cases_case ({', '.join(columns)}) FROM STDIN") as copy:
                for values in tuples():
                    copy.write_row(values)
        raw.commit()
        with raw.cursor() as cursor:
            cursor.execute("ANALYZE")  # every table: the region tree too, or the planner guesses one region
        raw.commit()
    return time.perf_counter() - t


# ---------------------------------------------------------------------------------------------
# Measurements


def raw_sql(vendor: str, sql: str, params: list):
    """Run a hand-written query with the driver's own cursor (no ORM, no model instances)."""
    from django.db import connection

    raw = connection.connection
    if vendor == "sqlite":
        sql = sql.replace("%s", "?")
        cursor = raw.cursor()
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        cursor.close()
        return rows
    with raw.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def explain(vendor: str, sql: str, params: list) -> str:
    prefix = "EXPLAIN QUERY PLAN " if vendor == "sqlite" else "EXPLAIN "
    rows = raw_sql(vendor, prefix + sql, params)
    return "\n".join("    " + " ".join(str(c) for c in row) for row in rows)


LIST_SQL = """
SELECT c.id, c.number, c.kind, c.state, c.title, c.registered_at, c.due_on, c.due_provisional,
       r.name, u.first_name, u.username
FROM cases_case c
JOIN regions_region r ON r.id = c.region_id
LEFT JOIN accounts_user u ON u.id = c.assignee_id
WHERE c.kind IN ('dispute', 'enterprise_request', 'security_incident') AND c.kind = %s AND c.state = %s
  AND r.path LIKE %s {cursor}
ORDER BY c.id DESC
LIMIT 51
"""

OVERDUE_SQL = """
SELECT c.id, c.number, c.title, c.due_on, c.due_provisional, r.name, u.first_name, u.username
FROM cases_case c
JOIN regions_region r ON r.id = c.region_id
LEFT JOIN accounts_user u ON u.id = c.assignee_id
WHERE c.kind IN ('dispute', 'enterprise_request', 'security_incident')
  AND c.state IN ('registered', 'accepted', 'in_progress') AND c.due_on < %s AND r.path LIKE %s
ORDER BY c.due_on, c.id
LIMIT 50
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases generated (1,000,000)")
    parser.add_argument(
        "--db", choices=("sqlite", "postgres"), default=None, help="default: postgres if DATABASE_URL names one"
    )
    parser.add_argument("--runs", type=int, default=7, help="timed runs per figure; the median counts (7)")
    parser.add_argument("--workdir", help="keep the files here instead of a temporary directory")
    parser.add_argument("--keep-db", action="store_true", help="PostgreSQL: keep the database (its URL goes to stderr)")
    parser.add_argument(
        "--reuse", action="store_true", help="SQLite with --workdir: measure the cases a previous run left there"
    )
    args = parser.parse_args()
    db = args.db or ("postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite")

    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="lianxin-cases-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    reuse = bool(args.reuse and args.workdir and db == "sqlite" and (workdir / "bench.sqlite3").exists())
    if not reuse:
        for leftover in workdir.glob("*.sqlite3*"):
            leftover.unlink()
    url = None
    try:
        url = django_setup(db, workdir, "lianxin_cases_bench")
        from django.db import connection
        from django.test import Client
        from django.test.utils import setup_test_environment
        from django.utils import timezone

        setup_test_environment()
        from lianxin.cases import selectors, statistics

        vendor = connection.vendor
        today = timezone.localdate()
        if reuse:
            town, villages, groups, people, handlers = township_existing()
            log("reusing the cases already in " + str(workdir))
            emit("db", vendor)
            emit("cases", raw_sql(vendor, "SELECT COUNT(*) FROM cases_case", [])[0][0])
        else:
            town, villages, groups, people, handlers = township_setup()
            log(f"generating and inserting {args.cases} cases ({vendor})")
            seconds = load_cases(args.cases, today, groups, handlers, vendor)
            emit("db", vendor)
            emit("cases", args.cases)
            emit("load_seconds", seconds)
            emit("load_rows_per_s", args.cases / seconds)

        workgroup, leader = people["workgroup"], people["leader"]
        clients = {}
        for key, account in people.items():
            clients[key] = Client()
            clients[key].force_login(account)

        def page(client, path):
            def fetch():
                response = client.get(path)
                if response.status_code != 200:
                    raise SystemExit(f"{path}: HTTP {response.status_code}")
                return response

            return fetch

        # 1. the filtered list page vs the same query in raw SQL (working group, whole township)
        kind, state = "dispute", "closed"
        town_like = town.path + "%"
        filtered = raw_sql(
            vendor,
            "SELECT id FROM cases_case WHERE kind = %s AND state = %s ORDER BY id DESC",
            [kind, state],
        )
        matching = len(filtered)
        deep_cursor = filtered[int(matching * 0.9)][0]
        emit("list_filter", f"kind={kind}&state={state} ({matching} rows)")
        list_path = f"/cases/?kind={kind}&state={state}"
        t_page = median_seconds(page(clients["workgroup"], list_path), args.runs)
        sql = LIST_SQL.format(cursor="")
        t_raw = median_seconds(lambda: raw_sql(vendor, sql, [kind, state, town_like]), args.runs)
        log("list query plan:\n" + explain(vendor, sql, [kind, state, town_like]))
        from lianxin.core.pagination import keyset_page

        def list_selector(after=None):
            qs = selectors.case_list_page_rows(selectors.case_list(user=workgroup, kind=kind, state=state))
            return keyset_page(qs, after=after, size=PAGE).items

        t_selector = median_seconds(list_selector, args.runs)
        emit("list_page_seconds", t_page)
        emit("list_selector_seconds", t_selector)
        emit("list_raw_seconds", t_raw)
        emit("ratio_list_page_to_raw", t_page / t_raw)
        emit("ratio_list_selector_to_raw", t_selector / t_raw)

        # the same list at 90 % depth (keyset cursor) vs page 1
        t_deep = median_seconds(page(clients["workgroup"], f"{list_path}&after={deep_cursor}"), args.runs)
        sql_deep = LIST_SQL.format(cursor="AND c.id < %s")
        t_raw_deep = median_seconds(lambda: raw_sql(vendor, sql_deep, [kind, state, town_like, deep_cursor]), args.runs)
        emit("list_deep_page_seconds", t_deep)
        emit("ratio_list_deep_to_page1", t_deep / t_page)
        emit("ratio_list_deep_raw_to_raw", t_raw_deep / t_raw)

        # a village cadre's list (one village's subtree) and the unfiltered list
        village_like = villages[0].path + "%"
        t_cadre = median_seconds(page(clients["cadre"], list_path), args.runs)
        t_cadre_raw = median_seconds(lambda: raw_sql(vendor, sql, [kind, state, village_like]), args.runs)
        emit("list_page_village_cadre_seconds", t_cadre)
        emit("ratio_list_page_village_cadre_to_raw", t_cadre / t_cadre_raw)
        t_all = median_seconds(page(clients["workgroup"], "/cases/"), args.runs)
        emit("list_page_unfiltered_seconds", t_all)

        # 2. the overdue query: selector (ORM, 50 rows) vs raw SQL
        def overdue_orm():
            return list(statistics.overdue_cases(user=workgroup, today=today)[:50])

        def overdue_c1():
            return list(selectors.case_overdue(user=workgroup, today=today)[:50])

        overdue_total = len(overdue_orm())
        t_orm = median_seconds(overdue_orm, args.runs)
        t_c1 = median_seconds(overdue_c1, args.runs)
        t_overdue_raw = median_seconds(lambda: raw_sql(vendor, OVERDUE_SQL, [today, town_like]), args.runs)
        log("overdue query plan:\n" + explain(vendor, OVERDUE_SQL, [today, town_like]))
        emit("overdue_rows_in_page", overdue_total)
        emit("overdue_count", statistics.overdue_count(user=workgroup, today=today))
        emit("overdue_orm_seconds", t_orm)
        emit("overdue_list_selector_seconds", t_c1)
        emit("overdue_raw_seconds", t_overdue_raw)
        emit("ratio_overdue_orm_to_raw", t_orm / t_overdue_raw)
        emit("ratio_overdue_list_selector_to_raw", t_c1 / t_overdue_raw)
        t_overdue_page = median_seconds(page(clients["workgroup"], "/cases/?overdue=1"), args.runs)
        emit("overdue_list_page_seconds", t_overdue_page)

        # 3. the inbox badge (on every page) and the inbox page of the township leader
        from lianxin.core.inbox import inbox_badge

        t_badge = median_seconds(lambda: inbox_badge(leader, today), args.runs)
        emit("inbox_badge_leader_seconds", t_badge)
        emit("inbox_badge_leader", inbox_badge(leader, today))
        # a handler's badge: their own cases only (the worst case is a user with none due)
        emit("inbox_badge_handler_seconds", median_seconds(lambda: inbox_badge(handlers[0], today), args.runs))
        emit("inbox_badge_no_cases_seconds", median_seconds(lambda: inbox_badge(workgroup, today), args.runs))
        emit("inbox_page_leader_seconds", median_seconds(page(clients["leader"], "/inbox/"), args.runs))

        # 4. the statistics page (last 12 months) and its selectors alone
        stat_runs = max(3, args.runs // 2)
        t_stats = median_seconds(page(clients["leader"], "/cases/statistics/"), stat_runs)
        period = statistics.Period.last_12_months(today)
        t_figures = median_seconds(lambda: statistics.case_statistics(user=leader, period=period), stat_runs)
        figures = statistics.case_statistics(user=leader, period=period)
        emit("statistics_cases_in_period", figures.total)
        emit("statistics_page_seconds", t_stats)
        emit("statistics_figures_seconds", t_figures)
        emit(
            "statistics_load_seconds",
            median_seconds(lambda: statistics.handler_load(user=leader, today=today), stat_runs),
        )
        t_all_time = median_seconds(
            page(clients["leader"], f"/cases/statistics/?date_from={today.year - YEARS}-01-01"), stat_runs
        )
        emit("statistics_page_all_time_seconds", t_all_time)
    finally:
        if url and db == "postgres" and not args.keep_db:
            pg_drop(url)
        elif url and db == "postgres":
            log(f"kept {url}")
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
