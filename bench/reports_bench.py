#!/usr/bin/env python
"""Reports benchmark: a county-scale township (500,000 persons, 100,000 parcels, 1,000,000 cases);
every figure of the catalogue against its own SQL run raw, the leader's dashboard against the raw
SQL of its figures, and the yearly work report's server time (.docx included). See bench/README.md.

    .venv/bin/python bench/reports_bench.py                     # SQLite
    .venv/bin/python bench/reports_bench.py --db postgres       # PostgreSQL (DATABASE_URL's server or 127.0.0.1)
    .venv/bin/python bench/reports_bench.py --persons 50000 --parcels 10000 --cases 100000 --runs 3

Figures go to stdout, one per line as ``name: value``; progress goes to stderr. Everything lives in a
throwaway directory (and, with ``--db postgres``, a throwaway database ``lianxin_reports_bench_<pid>``)
removed at the end. The data comes from the generators of the land and cases benchmarks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import django_setup, emit, log, median_seconds, pg_drop  # noqa: E402

ENTERPRISES = 60
HEAVY_SECONDS = 0.010


def build(args, vendor: str):
    """The township of the cases benchmark, the land ledger of the land benchmark on it, persons up
    to ``--persons``, a park touching every village, enterprises with two years of indicators."""
    from django.utils import timezone

    from bench import cases_bench, land_bench
    from lianxin.enterprises.services import enterprise_create, indicator_record, project_create
    from lianxin.enterprises.tests.factories import credit_code
    from lianxin.regions.models import Region
    from lianxin.regions.services import park_create

    today = timezone.localdate()
    town, villages, groups, people, handlers = cases_bench.township_setup()
    workgroup = people["workgroup"]
    park_create(name="示范工业园区", township=town, area_km2=Decimal("45.57"), villages=villages)
    t = time.perf_counter()
    enterprises = []
    rng = random.Random(20261203)
    for i in range(ENTERPRISES):
        enterprise = enterprise_create(
            name=f"园区企业{i + 1:03d}有限公司", credit_code=credit_code(i + 10), region=town, actor=workgroup
        )
        enterprises.append(enterprise)
        for year, factor in ((today.year - 1, Decimal(1)), (today.year - 2, Decimal("0.86"))):
            output = Decimal(rng.randint(5_000_000, 90_000_000)) * factor
            jobs = rng.randint(20, 900)
            indicator_record(
                enterprise=enterprise,
                year=year,
                output_value=output.quantize(Decimal("0.01")),
                tax_paid=(output * Decimal("0.12")).quantize(Decimal("0.01")),
                employees=jobs,
                local_employees=jobs * rng.randint(30, 80) // 100,
            )
    project = project_create(
        enterprise=enterprises[0],
        name="80万吨/年氧化铝项目",
        region=town,
        land_demand_mu=Decimal("4126.5"),
        investment=Decimal("6000000000"),
    )
    log(f"land ledger: {args.parcels} parcels, {args.payments} payments")
    ledger = land_bench.build_ledger(args.parcels, args.payments, groups, workgroup, project, vendor)
    extra = max(0, args.persons - ledger["households"])
    log(f"{extra} more persons (the heads are the ledger's)")
    loader = land_bench.Loader(vendor)
    now = dt.datetime.now(dt.UTC)
    first = land_bench.raw_sql(vendor, "SELECT MIN(id), MAX(id) FROM people_household", [])[0]
    households = list(range(first[0], first[1] + 1))
    loader.load(
        "people_person",
        [
            "created_at",
            "updated_at",
            "household_id",
            "name",
            "relation",
            "resident_id_ciphertext",
            "resident_id_digest",
            "resident_id_masked",
            "gender",
            "birth_date",
            "ethnicity",
            "phone_masked",
        ],
        (
            (
                now,
                now,
                households[i % len(households)],
                "家庭成员",
                "child",
                b"bench",
                f"bench-member-{i:09d}",
                "532622********002X",
                "female",
                dt.date(1990, 1, 1),
                "01",
                "",
            )
            for i in range(extra)
        ),
    )
    loader.analyze()
    emit("build_seconds_land_people", time.perf_counter() - t)
    log(f"{args.cases} cases")
    seconds = cases_bench.load_cases(args.cases, today, groups, handlers, vendor)
    emit("build_seconds_cases", seconds)
    counts = land_bench.raw_sql(
        vendor,
        "SELECT (SELECT COUNT(*) FROM people_person), (SELECT COUNT(*) FROM land_parcel), "
        "(SELECT COUNT(*) FROM cases_case), (SELECT COUNT(*) FROM land_payment)",
        [],
    )[0]
    emit("persons", counts[0])
    emit("parcels", counts[1])
    emit("cases", counts[2])
    emit("payments", counts[3])
    assert Region.objects.filter(level=Region.Level.VILLAGE_GROUP).count() == len(groups)
    return people["leader"]


def captured(fn):
    """Run ``fn`` once and return the SQL statements it sent, as the driver received them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        fn()
    return [q["sql"] for q in context.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]


def run_raw(statements: list[str]) -> None:
    """The same statements through the driver's cursor: no ORM, no model instance, no Python around."""
    from django.db import connection

    raw = connection.connection
    cursor = raw.cursor()
    for sql in statements:
        cursor.execute(sql)
        cursor.fetchall()
    cursor.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=500_000)
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--payments", type=int, default=300_000)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default=None)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measurement; the median counts (5)")
    parser.add_argument("--workdir", help="keep the files here instead of a temporary directory")
    args = parser.parse_args()
    db = args.db or ("postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite")
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="lianxin-reports-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    for leftover in workdir.glob("*.sqlite3*"):
        leftover.unlink()
    url = None
    try:
        url = django_setup(db, workdir, "lianxin_reports_bench")
        from django.db import connection
        from django.test import Client
        from django.test.utils import setup_test_environment

        setup_test_environment()
        from lianxin.reports import catalogue
        from lianxin.reports.catalogue import FigureScope
        from lianxin.reports.document import render_docx
        from lianxin.reports.periods import Period
        from lianxin.reports.report import work_report_build

        vendor = connection.vendor
        emit("db", vendor)
        leader = build(args, vendor)
        leader.has_perm("accounts.view_dashboard")  # the permission cache, as a request after login has it
        period = Period.last_12_months()
        emit("period", period.code)

        # 1. every figure: the catalogue's selector against the same SQL run raw
        ratios = []
        heavy = []  # figures whose raw SQL takes 10 ms or more: there the ratio is the ORM's cost, not noise
        worst = ("", 0.0)
        for figure in catalogue.figure_list():
            if figure.measure == catalogue.RATIO:
                continue

            def selector(figure=figure):
                return catalogue.figure_value(figure, FigureScope(user=leader, period=period))

            statements = captured(selector)
            t_selector = median_seconds(selector, args.runs)
            t_raw = median_seconds(lambda statements=statements: run_raw(statements), args.runs)
            ratio = t_selector / t_raw if t_raw else 0.0
            ratios.append(ratio)
            if t_raw >= HEAVY_SECONDS:
                heavy.append((figure.name, ratio))
            if ratio > worst[1]:
                worst = (figure.name, ratio)
            emit(f"figure_{figure.name}_ms", t_selector * 1000)
            emit(f"figure_{figure.name}_raw_ms", t_raw * 1000)
            emit(f"figure_{figure.name}_ratio", ratio)
        emit("figures_measured", len(ratios))
        emit("figure_ratio_median", statistics.median(ratios))
        emit("figure_ratio_max", worst[1])
        emit("figure_ratio_max_name", worst[0])
        emit("figures_over_2x", sum(1 for r in ratios if r > 2))
        emit("figures_raw_over_10ms", len(heavy))
        if heavy:
            name, ratio = max(heavy, key=lambda item: item[1])
            emit("heavy_figure_ratio_median", statistics.median(r for _n, r in heavy))
            emit("heavy_figure_ratio_max", ratio)
            emit("heavy_figure_ratio_max_name", name)
            emit("heavy_figures_over_2x", sum(1 for _n, r in heavy if r > 2))

        # 2. the leader's dashboard page against the raw SQL of everything it queried
        client = Client()
        client.force_login(leader)
        path = f"/reports/dashboard/?period={period.code}"

        def dashboard():
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code}")

        statements = captured(dashboard)
        figure_sql = [s for s in statements if not s.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]
        t_page = median_seconds(dashboard, args.runs)
        t_raw = median_seconds(lambda: run_raw(figure_sql), args.runs)
        emit("dashboard_queries", len(statements))
        emit("dashboard_seconds", t_page)
        emit("dashboard_raw_sql_seconds", t_raw)
        emit("dashboard_ratio", t_page / t_raw if t_raw else 0.0)

        # 3. the yearly work report: built, rendered as .docx
        year = Period.year(dt.date.today().year)  # noqa: DTZ011 (a calendar year, no time)

        def report():
            render_docx(work_report_build(FigureScope(user=leader, period=year)))

        runs = max(1, min(args.runs, 3))
        t_report = median_seconds(report, runs)
        emit("report_year", year.code)
        emit("report_queries", len(captured(report)))
        emit("report_seconds", t_report)
        emit("report_under_10s", "yes" if t_report < 10 else "no")
    finally:
        if url and db == "postgres":
            pg_drop(url)
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
