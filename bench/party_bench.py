#!/usr/bin/env python
"""Party benchmark: coverage and the development pipeline's due list over 100,000 members and 1,000
organisations, each against the same query in raw SQL in the same run, and the yearly study hours per member
from 1,000,000 attendance rows. See bench/README.md.

    .venv/bin/python bench/party_bench.py                        # SQLite
    .venv/bin/python bench/party_bench.py --db postgres          # PostgreSQL (server of DATABASE_URL, or 127.0.0.1)
    .venv/bin/python bench/party_bench.py --members 20000 --attendance 200000 --runs 5

Figures go to stdout, one per line as ``name: value``; progress and query plans go to stderr. Everything lives
in a throwaway directory (and, with ``--db postgres``, a throwaway database ``lianxin_party_bench_<pid>``).
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

VILLAGES = ["甲马石村", "白革龙村", "里乐村", "者黑村", "阿猛村", "新寨村", "老寨村", "大坪村", "小坪村", "龙树村"]
NUMERALS = "一二三四五六七八九十"
STAGES = (("full", 80), ("probationary", 5), ("candidate", 3), ("activist", 5), ("applicant", 7))
KINDS = ("members_meeting", "committee_meeting", "group_meeting", "party_lesson", "party_day", "training")


def weighted(rng: random.Random, table):
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


# ---------------------------------------------------------------------------------------------
# Data: raw executemany (SQLite) or COPY (PostgreSQL), no model instance per row


def columns_of(model):
    from django.db.models import NOT_PROVIDED

    fields = [f for f in model._meta.concrete_fields if f.column != "id"]
    defaults = {}
    for f in fields:
        if f.default is not NOT_PROVIDED:
            defaults[f.attname] = f.get_default()
        elif f.null:
            defaults[f.attname] = None
        else:
            defaults[f.attname] = ""
    return fields, defaults


def insert(model, rows, vendor: str) -> int:
    """Insert dict rows (attnames) into the model's table in one transaction; returns the number of rows."""
    from django.db import connection

    fields, defaults = columns_of(model)
    names = [f.attname for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)

    def tuples():
        for row in rows:
            values = []
            for name in names:
                value = row.get(name, defaults[name])
                if vendor == "sqlite" and isinstance(value, dt.datetime):
                    value = value.astimezone(dt.UTC).replace(tzinfo=None)
                if vendor == "sqlite" and isinstance(value, Decimal):
                    value = str(value)
                values.append(value)
            yield tuple(values)

    connection.ensure_connection()
    raw = connection.connection
    count = 0
    if vendor == "sqlite":
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(names))})"
        cursor = raw.cursor()
        cursor.execute("BEGIN")
        batch = []
        for values in tuples():
            batch.append(values)
            if len(batch) == 20000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
        cursor.execute("COMMIT")
    else:
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for values in tuples():
                    copy.write_row(values)
                    count += 1
        raw.commit()
    return count


def raw_sql(vendor: str, sql: str, params: list):
    """A hand-written query with the driver's own cursor (no ORM, no model instances)."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    if vendor == "sqlite":
        cursor = raw.cursor()
        cursor.execute(sql.replace("%s", "?"), params)
        rows = cursor.fetchall()
        cursor.close()
        return rows
    with raw.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def execute(vendor: str, sql: str, params: list) -> None:
    """A statement without rows (UPDATE), committed."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    if vendor == "sqlite":
        raw.cursor().execute(sql.replace("%s", "?"), params)
        return
    with raw.cursor() as cursor:
        cursor.execute(sql, params)
    raw.commit()


def explain(vendor: str, sql: str, params: list) -> str:
    prefix = "EXPLAIN QUERY PLAN " if vendor == "sqlite" else "EXPLAIN "
    return "\n".join("    " + " ".join(str(c) for c in row) for row in raw_sql(vendor, prefix + sql, params))


def analyze(vendor: str) -> None:
    from django.db import connection

    raw = connection.connection
    if vendor == "sqlite":
        raw.cursor().execute("ANALYZE")
    else:
        with raw.cursor() as cursor:
            cursor.execute("ANALYZE")
        raw.commit()


def build(args, vendor: str, today: dt.date):
    """County → township → 10 villages → 100 groups; a Party officer; persons and households; 1,000
    organisations covering most groups; one member row per person; activities and attendance."""
    from lianxin.accounts.roles import Role
    from lianxin.accounts.services import user_create
    from lianxin.party.models import Activity, Attendance, Member, Organization
    from lianxin.people.models import Household, Person
    from lianxin.regions.models import Region
    from lianxin.regions.services import region_create

    rng = random.Random(20121203)
    county = region_create(name="示例县", level=Region.Level.COUNTY, parent=None, stat_code="532622000000")
    town = region_create(name="示范镇", level=Region.Level.TOWNSHIP, parent=county, stat_code="532622100000")
    groups = []
    for n, name in enumerate(VILLAGES, start=1):
        village = region_create(name=name, level=Region.Level.VILLAGE, parent=town, stat_code=f"532622100{n:03d}")
        for g in range(10):
            groups.append(
                region_create(name=f"{name}{NUMERALS[g]}组", level=Region.Level.VILLAGE_GROUP, parent=village)
            )
    officer, _password = user_create(
        username="party", full_name="党务干部", role=Role.PARTY_OFFICER, scope_region=town, password="Bench-2026-party!"
    )
    officer.must_change_password = False
    officer.save(update_fields=["must_change_password"])

    now = dt.datetime.now(dt.UTC)
    t = time.perf_counter()
    households = args.members // 4
    insert(
        Household,
        (
            {"created_at": now, "updated_at": now, "village_group_id": groups[i % 100].pk, "number": f"H{i:07d}"}
            for i in range(households)
        ),
        vendor,
    )
    first_household = raw_sql(vendor, "SELECT MIN(id) FROM people_household", [])[0][0]
    insert(
        Person,
        (
            {
                "created_at": now,
                "updated_at": now,
                "household_id": first_household + i // 4,
                "name": f"党员{i}",
                "relation": "head" if i % 4 == 0 else "other",
                "resident_id_ciphertext": b"x",
                "resident_id_digest": f"{i:064d}",
                "resident_id_masked": "532622********0000",
                "gender": "male",
                "birth_date": dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
                "ethnicity": "01",
            }
            for i in range(households * 4)
        ),
        vendor,
    )
    first_person = raw_sql(vendor, "SELECT MIN(id) FROM people_person", [])[0][0]
    emit("load_people_seconds", time.perf_counter() - t)

    t = time.perf_counter()
    committee = Organization.objects.create(
        name="示范镇党委", kind="committee", region=town, founded_on=dt.date(1990, 1, 1), term_years=5
    )
    Organization.objects.filter(pk=committee.pk).update(path=f"{committee.pk}/")
    villages = {g.parent_id for g in groups}
    village_list = sorted(villages)
    insert(
        Organization,
        (
            {
                "created_at": now,
                "updated_at": now,
                "name": f"第{i}党支部",
                "kind": "branch",
                "parent_id": committee.pk,
                "region_id": village_list[i % len(village_list)],
                "founded_on": dt.date(2000, 1, 1),
                "term_years": 5,
                "path": "",
            }
            for i in range(args.organizations - 1)
        ),
        vendor,
    )
    execute(
        vendor,
        "UPDATE party_organization SET path = %s || id || '/' WHERE parent_id = %s",
        [f"{committee.pk}/", committee.pk],
    )
    branch_ids = [
        pk for (pk,) in raw_sql(vendor, "SELECT id FROM party_organization WHERE kind = 'branch' ORDER BY id", [])
    ]
    # about four groups in five are covered, by one to three branches
    through = Organization.covered_groups.through
    links = set()
    for group in groups:
        if rng.random() < 0.8:
            for _i in range(rng.randint(1, 3)):
                links.add((rng.choice(branch_ids), group.pk))
    insert(through, ({"organization_id": o, "region_id": g} for o, g in sorted(links)), vendor)

    def members():
        for i in range(args.members):
            stage = weighted(rng, STAGES)
            pipeline = stage != "full"
            due = today + dt.timedelta(days=rng.randint(-200, 365)) if pipeline else None
            yield {
                "created_at": now,
                "updated_at": now,
                "person_id": first_person + i,
                "stage": stage,
                "status": "active" if rng.random() < 0.97 else "transferred_out",
                "organization_id": rng.choice(branch_ids),
                "joined_on": dt.date(2000 + i % 24, 1 + i % 12, 1) if stage in ("full", "probationary") else None,
                "non_resident": rng.random() < 0.02,
                "next_step": "application_talk" if pipeline else "",
                "next_due_on": due,
                "extended_months": 0,
                "dues_category": "farmer",
            }

    insert(Member, members(), vendor)
    first_member = raw_sql(vendor, "SELECT MIN(id) FROM party_member", [])[0][0]
    emit("load_members_seconds", time.perf_counter() - t)

    t = time.perf_counter()
    activities = args.attendance // 50
    start = today - dt.timedelta(days=730)
    plan = []
    for _i in range(activities):
        plan.append((start + dt.timedelta(days=rng.randrange(730)), Decimal(rng.choice(("1.0", "1.5", "2.0", "4.0")))))
    insert(
        Activity,
        (
            {
                "created_at": now,
                "updated_at": now,
                "kind": KINDS[i % len(KINDS)],
                "title": "基准测试活动",
                "organization_id": branch_ids[i % len(branch_ids)],
                "held_on": held_on,
                "place": "活动室",
                "hours": hours,
                "non_member_count": 0,
            }
            for i, (held_on, hours) in enumerate(plan)
        ),
        vendor,
    )
    first_activity = raw_sql(vendor, "SELECT MIN(id) FROM party_activity", [])[0][0]

    def attendance():
        for i, (held_on, hours) in enumerate(plan):
            for member in rng.sample(range(args.members), 50):
                present = rng.random() < 0.85
                yield {
                    "activity_id": first_activity + i,
                    "member_id": first_member + member,
                    "status": "present" if present else "leave",
                    "leave_reason": "" if present else "外出",
                    "held_on": held_on,
                    "hours": hours if present else Decimal("0"),
                }

    rows = insert(Attendance, attendance(), vendor)
    emit("load_attendance_seconds", time.perf_counter() - t)
    analyze(vendor)
    return town, officer, rows


# ---------------------------------------------------------------------------------------------
# The raw SQL the selectors are compared with

GROUPS_SQL = """
SELECT r.id, r.name, p.name FROM regions_region r JOIN regions_region p ON p.id = r.parent_id
WHERE r.level = 'village_group' AND p.stat_code IS NOT NULL AND r.path LIKE %s ORDER BY r.path
"""
COVERING_SQL = """
SELECT cg.region_id, o.id, o.name FROM party_organization_covered_groups cg
JOIN party_organization o ON o.id = cg.organization_id
WHERE cg.region_id IN ({ids}) AND o.founded_on <= %s AND (o.dissolved_on IS NULL OR o.dissolved_on > %s)
ORDER BY o.path
"""
PEOPLE_SQL = """
SELECT h.village_group_id, m.stage, COUNT(*) FROM party_member m
JOIN people_person p ON p.id = m.person_id JOIN people_household h ON h.id = p.household_id
WHERE m.status = 'active' AND m.non_resident = %s AND h.village_group_id IN ({ids})
GROUP BY h.village_group_id, m.stage
"""
OVERDUE_SQL = """
SELECT m.id, p.name, o.name, m.next_step, m.next_due_on FROM party_member m
JOIN people_person p ON p.id = m.person_id JOIN party_organization o ON o.id = m.organization_id
JOIN regions_region r ON r.id = o.region_id
WHERE m.status = 'active' AND m.next_due_on < %s AND NOT m.next_step = '' AND r.path LIKE %s
ORDER BY m.next_due_on, m.id LIMIT 200
"""
DUE_LIST_SQL = """
SELECT m.id, m.stage, m.next_step, m.next_due_on, p.name, h.village_group_id, o.name FROM party_member m
JOIN people_person p ON p.id = m.person_id JOIN people_household h ON h.id = p.household_id
JOIN party_organization o ON o.id = m.organization_id JOIN regions_region r ON r.id = o.region_id
WHERE m.status = 'active' AND m.stage IN ('applicant', 'activist', 'candidate', 'probationary') AND r.path LIKE %s
ORDER BY m.next_due_on, m.id LIMIT 500
"""
STUDY_SQL = """
SELECT member_id, SUM(hours) FROM party_attendance
WHERE status = 'present' AND held_on >= %s AND held_on <= %s GROUP BY member_id
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000, help="members, one per person (100,000)")
    parser.add_argument("--organizations", type=int, default=1_000, help="organisations (1,000)")
    parser.add_argument(
        "--attendance", type=int, default=1_000_000, help="attendance rows, 50 per activity (1,000,000)"
    )
    parser.add_argument(
        "--db", choices=("sqlite", "postgres"), default=None, help="default: postgres if DATABASE_URL names one"
    )
    parser.add_argument("--runs", type=int, default=7, help="timed runs per figure; the median counts (7)")
    parser.add_argument("--workdir", help="keep the files here instead of a temporary directory")
    args = parser.parse_args()
    db = args.db or ("postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite")
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="lianxin-party-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    for leftover in workdir.glob("*.sqlite3*"):
        leftover.unlink()
    url = None
    try:
        url = django_setup(db, workdir, "lianxin_party_bench")
        from django.db import connection
        from django.test import Client
        from django.test.utils import setup_test_environment
        from django.utils import timezone

        setup_test_environment()
        from lianxin.party import selectors

        vendor = connection.vendor
        today = timezone.localdate()
        log(
            f"building {args.members} members, {args.organizations} organisations, {args.attendance} attendance rows ({vendor})"
        )
        town, officer, attendance_rows = build(args, vendor, today)
        emit("db", vendor)
        emit("members", args.members)
        emit("organizations", args.organizations)
        emit("attendance_rows", attendance_rows)
        like = town.path + "%"

        # 1. coverage of the township: the selector (three queries) vs the same three in raw SQL
        def coverage_raw():
            groups = raw_sql(vendor, GROUPS_SQL, [like])
            ids = ", ".join(str(g[0]) for g in groups)
            covering = raw_sql(vendor, COVERING_SQL.format(ids=ids), [today, today])
            people = raw_sql(vendor, PEOPLE_SQL.format(ids=ids), [False])
            return groups, covering, people

        result = selectors.coverage(user=officer, today=today)
        raw_groups, raw_covering, raw_people = coverage_raw()
        assert result.total == len(raw_groups)
        assert sum(g.full + g.probationary + g.activists + g.applicants for g in result.groups) == sum(
            n for *_k, n in raw_people
        )
        emit("coverage_groups", result.total)
        emit("coverage_covered", result.covered)
        t_cov = median_seconds(lambda: selectors.coverage(user=officer, today=today), args.runs)
        t_cov_raw = median_seconds(coverage_raw, args.runs)
        ids = ", ".join(str(g[0]) for g in raw_groups)
        log("coverage people plan:\n" + explain(vendor, PEOPLE_SQL.format(ids=ids), [False]))
        emit("coverage_selector_seconds", t_cov)
        emit("coverage_raw_seconds", t_cov_raw)
        emit("ratio_coverage_to_raw", t_cov / t_cov_raw)
        client = Client()
        client.force_login(officer)

        def coverage_page():
            response = client.get("/party/coverage/")
            if response.status_code != 200:
                raise SystemExit(f"coverage page: HTTP {response.status_code}")

        emit("coverage_page_seconds", median_seconds(coverage_page, max(3, args.runs // 2)))

        # 2. the pipeline's overdue steps (the 待办 provider, 200 rows) and the due list's first page (500 rows)
        overdue = selectors.pipeline_overdue_for(officer, today)
        emit("pipeline_overdue_rows", len(overdue))
        assert len(overdue) == len(raw_sql(vendor, OVERDUE_SQL, [today, like]))
        t_over = median_seconds(lambda: selectors.pipeline_overdue_for(officer, today), args.runs)
        t_over_raw = median_seconds(lambda: raw_sql(vendor, OVERDUE_SQL, [today, like]), args.runs)
        log("overdue plan:\n" + explain(vendor, OVERDUE_SQL, [today, like]))
        emit("pipeline_overdue_selector_seconds", t_over)
        emit("pipeline_overdue_raw_seconds", t_over_raw)
        emit("ratio_pipeline_overdue_to_raw", t_over / t_over_raw)

        def due_list():
            return selectors.pipeline_due_rows(user=officer, limit=500)

        t_due = median_seconds(due_list, args.runs)
        t_due_raw = median_seconds(lambda: raw_sql(vendor, DUE_LIST_SQL, [like]), args.runs)
        log("due list plan:\n" + explain(vendor, DUE_LIST_SQL, [like]))
        emit("pipeline_due_list_selector_seconds", t_due)
        emit("pipeline_due_list_raw_seconds", t_due_raw)
        emit("ratio_pipeline_due_list_to_raw", t_due / t_due_raw)

        # 3. yearly study hours per member from the attendance rows
        year = today.year
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        hours = selectors.study_hours_by_member(year=year)
        assert len(hours) == len(raw_sql(vendor, STUDY_SQL, [first, last]))
        emit("study_hours_members", len(hours))
        t_study = median_seconds(lambda: selectors.study_hours_by_member(year=year), args.runs)
        t_study_raw = median_seconds(lambda: raw_sql(vendor, STUDY_SQL, [first, last]), args.runs)
        log("study hours plan:\n" + explain(vendor, STUDY_SQL, [first, last]))
        emit("study_hours_selector_seconds", t_study)
        emit("study_hours_raw_seconds", t_study_raw)
        emit("ratio_study_hours_to_raw", t_study / t_study_raw)
        from lianxin.party.services import rules_current

        rules = rules_current()
        t_scoped = median_seconds(
            lambda: selectors.study_hours(user=officer, year=year, rules=rules), max(3, args.runs // 2)
        )
        emit("study_hours_scoped_with_members_seconds", t_scoped)
    finally:
        if url and db == "postgres":
            pg_drop(url)
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
