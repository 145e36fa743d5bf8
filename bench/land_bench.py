#!/usr/bin/env python
"""Land benchmark: a county-scale acquisition ledger (100,000 parcels, 300,000 payments); the
progress page against the same aggregates in raw SQL, the parcel list at page 1 and at a deep
cursor, and the map data selector, all in the same run. See bench/README.md.

    .venv/bin/python bench/land_bench.py                      # 100,000 parcels, SQLite
    .venv/bin/python bench/land_bench.py --db postgres        # PostgreSQL (server of DATABASE_URL, or 127.0.0.1)
    .venv/bin/python bench/land_bench.py --parcels 20000 --payments 60000 --runs 5

Figures go to stdout, one per line as ``name: value``; progress and query plans go to stderr.
Everything lives in a throwaway directory (and, with ``--db postgres``, a throwaway database
``lianxin_land_bench_<pid>``) removed at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
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
PARCELS_PER_HOUSEHOLD = 3
PAGE = 50
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰"


# ---------------------------------------------------------------------------------------------
# Django and the throwaway database


def township_setup():
    """County → township → 10 villages → 100 groups; a working-group member; the alumina project."""
    from lianxin.accounts.roles import Role
    from lianxin.accounts.services import user_create
    from lianxin.enterprises.services import enterprise_create, project_create
    from lianxin.regions.models import Region
    from lianxin.regions.services import region_create

    county = region_create(name="示例县", level=Region.Level.COUNTY, parent=None, stat_code="532622000000")
    town = region_create(name="示范镇", level=Region.Level.TOWNSHIP, parent=county, stat_code="532622100000")
    groups = []
    for n, name in enumerate(VILLAGES, start=1):
        village = region_create(name=name, level=Region.Level.VILLAGE, parent=town, stat_code=f"532622100{n:03d}")
        for g in range(10):
            groups.append(
                region_create(
                    name=f"{name.removesuffix('村')}{NUMERALS[g]}组", level=Region.Level.VILLAGE_GROUP, parent=village
                )
            )
    user, _password = user_create(
        username="workgroup",
        full_name="工作组",
        role=Role.WORKING_GROUP,
        scope_region=town,
        password="Bench-2026-land!",
    )
    user.must_change_password = False
    user.save(update_fields=["must_change_password"])
    from lianxin.enterprises.tests.factories import credit_code

    enterprise = enterprise_create(name="示例铝业有限公司", credit_code=credit_code(1), region=town, actor=user)
    project = project_create(
        enterprise=enterprise,
        name="80万吨/年氧化铝项目",
        region=town,
        land_demand_mu=Decimal("4126.5"),
        investment=Decimal("6000000000"),
    )
    return town, groups, user, project


# ---------------------------------------------------------------------------------------------
# The ledger, raw: executemany (SQLite) or COPY (PostgreSQL); no model instance per row


class Loader:
    def __init__(self, vendor: str) -> None:
        from django.db import connection

        connection.ensure_connection()
        self.vendor = vendor
        self.raw = connection.connection

    def _value(self, value):
        if self.vendor == "sqlite":
            if isinstance(value, dt.datetime):
                return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
            if isinstance(value, dt.date):
                return value.isoformat()
            if isinstance(value, Decimal):
                return str(value)
        return value

    def load(self, table: str, columns: list[str], rows) -> int:
        count = 0
        if self.vendor == "sqlite":
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            cursor = self.raw.cursor()
            cursor.execute("BEGIN")
            batch = []
            for row in rows:
                batch.append(tuple(self._value(v) for v in row))
                if len(batch) == 20000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
            cursor.execute("COMMIT")
            cursor.close()
        else:
            with self.raw.cursor() as cursor:
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
            self.raw.commit()
        return count

    def analyze(self) -> None:
        if self.vendor == "sqlite":
            cursor = self.raw.cursor()
            cursor.execute("ANALYZE")
            cursor.close()
        else:
            autocommit = self.raw.autocommit
            self.raw.commit()  # VACUUM cannot run inside a transaction block
            self.raw.autocommit = True
            with self.raw.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            self.raw.autocommit = autocommit


def _square(lon: float, lat: float, side_deg: float) -> str:
    ring = [
        [round(lon, 7), round(lat, 7)],
        [round(lon + side_deg, 7), round(lat, 7)],
        [round(lon + side_deg, 7), round(lat + side_deg * 0.9, 7)],
        [round(lon, 7), round(lat + side_deg * 0.9, 7)],
        [round(lon, 7), round(lat, 7)],
    ]
    return json.dumps({"type": "Polygon", "coordinates": [ring]}, separators=(",", ":"))


def build_ledger(n_parcels: int, n_payments: int, groups, user, project, vendor: str, seed: int = 20261130) -> dict:
    """Households, heads, parcels (with polygons), holdings, agreements, payments and hand-overs at a
    mid-project state: ~80 % of households signed, most of those paid in instalments, some parcels
    handed over, the rest surveyed (some for months: the stalled list)."""
    from django.utils import timezone

    from lianxin.land.models import LandClass

    rng = random.Random(seed)
    loader = Loader(vendor)
    now = dt.datetime.now(dt.UTC)
    today = timezone.localdate()
    classes = list(LandClass.objects.values_list("pk", flat=True))
    n_households = max(1, n_parcels // PARCELS_PER_HOUSEHOLD)
    t0 = time.perf_counter()

    # households and their heads (the stalled list shows the head's name)
    household_group = [groups[i % len(groups)].pk for i in range(n_households)]
    loader.load(
        "people_household",
        ["created_at", "updated_at", "village_group_id", "number", "address"],
        ((now, now, household_group[i], f"H{i + 1:06d}", "") for i in range(n_households)),
    )
    first_household = _min_id(loader, "people_household")
    household_ids = list(range(first_household, first_household + n_households))
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
                hid,
                rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                "head",
                b"bench",
                f"bench-{hid:012d}",
                "532622********001X",
                "male",
                dt.date(1960, 1, 1),
                "01",  # 汉族 (GB 3304)
                "",
            )
            for hid in household_ids
        ),
    )

    # parcels: three per household, in the household's group, as small squares on a grid
    signed = {hid: rng.random() < 0.8 for hid in household_ids}
    paid_fully = {hid: signed[hid] and rng.random() < 0.75 for hid in household_ids}
    parcel_rows = []
    parcel_owner = []
    for i in range(n_parcels):
        hid = household_ids[i % n_households]
        group_index = (hid - first_household) % len(groups)
        if not signed[hid]:
            status = "surveyed"
        elif paid_fully[hid]:
            status = "handed_over" if rng.random() < 0.3 else "paid"
        else:
            status = "agreed"
        area = Decimal(rng.randint(3000, 25000)) / Decimal(10000)  # 0.3–2.5 mu
        lon = 104.0 + (group_index % 10) * 0.05 + (i // 1000 % 30) * 0.0015
        lat = 24.0 + (group_index // 10) * 0.05 + (i % 1000 // 30) * 0.0012
        surveyed = today - dt.timedelta(days=rng.randint(40, 400))
        parcel_rows.append(
            (
                now,
                now,
                project.pk,
                groups[group_index].pk,
                f"DK{i + 1:06d}",
                rng.choice(classes),
                area,
                _square(lon, lat, 0.0009),
                area,
                status,
                surveyed,
                "",
            )
        )
        parcel_owner.append(hid)
    loader.load(
        "land_parcel",
        [
            "created_at",
            "updated_at",
            "project_id",
            "village_group_id",
            "code",
            "land_class_id",
            "area_mu",
            "geometry",
            "computed_area_mu",
            "status",
            "surveyed_on",
            "note",
        ],
        parcel_rows,
    )
    first_parcel = _min_id(loader, "land_parcel")

    # agreements: one per signed household; total = 55,000 元/mu over its parcels
    area_of = {}
    for index, row in enumerate(parcel_rows):
        area_of.setdefault(parcel_owner[index], Decimal(0))
        area_of[parcel_owner[index]] += row[6]
    signed_households = [hid for hid in household_ids if signed[hid]]
    agreement_rows = []
    totals = {}
    for n, hid in enumerate(signed_households):
        total = (area_of.get(hid, Decimal(1)) * Decimal(55000)).quantize(Decimal("0.01"))
        totals[hid] = total
        signed_on = today - dt.timedelta(days=rng.randint(20, 360))
        agreement_rows.append(
            (
                now,
                now,
                project.pk,
                hid,
                household_group[hid - first_household],
                f"ZD-{n + 1:06d}",
                signed_on,
                total,
                Decimal(0),
                "",
                Decimal(0),
                total,
                Decimal(0),
                None,
                user.pk,
            )
        )
    # payments: instalments spread over the signed households; fully paid ones sum to the total
    base, extra = divmod(n_payments, max(1, len(signed_households)))
    payment_rows = []
    paid_totals = {}
    signed_dates = {row[3]: row[6] for row in agreement_rows}
    for index, hid in enumerate(signed_households):
        total = totals[hid]
        parts = max(1, base + (1 if index < extra else 0))
        # fully paid: the instalments add up to the total; the others stop short of it
        share = (total / (parts if paid_fully[hid] else parts + 2)).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
        paid = Decimal(0)
        for k in range(parts):
            amount = total - paid if paid_fully[hid] and k == parts - 1 else share
            paid += amount
            voucher = f"PZ{len(payment_rows) + 1:07d}"
            payment_rows.append((hid, amount, signed_dates[hid] + dt.timedelta(days=k + 1), voucher))
        paid_totals[hid] = paid
    for row_index, row in enumerate(agreement_rows):
        hid = row[3]
        agreement_rows[row_index] = (*row[:12], paid_totals[hid], row[6] if paid_fully[hid] else None, row[14])
    loader.load(
        "land_agreement",
        [
            "created_at",
            "updated_at",
            "project_id",
            "household_id",
            "village_group_id",
            "number",
            "signed_on",
            "items_total",
            "supplement_amount",
            "supplement_reason",
            "supplementary_total",
            "total_amount",
            "paid_total",
            "fully_paid_on",
            "signed_by_id",
        ],
        agreement_rows,
    )
    first_agreement = _min_id(loader, "land_agreement")
    agreement_of = {hid: first_agreement + n for n, hid in enumerate(signed_households)}
    loader.load(
        "land_contractholding",
        [
            "created_at",
            "updated_at",
            "parcel_id",
            "household_id",
            "share_percent",
            "contract_right_ref",
            "agreement_id",
        ],
        (
            (now, now, first_parcel + i, hid, Decimal(100), "", agreement_of.get(hid))
            for i, hid in enumerate(parcel_owner)
        ),
    )
    loader.load(
        "land_payment",
        [
            "agreement_id",
            "project_id",
            "village_group_id",
            "amount",
            "paid_on",
            "voucher_no",
            "payee_name",
            "bank_account_masked",
            "reason",
            "recorded_by_id",
            "created_at",
        ],
        (
            (
                agreement_of[hid],
                project.pk,
                household_group[hid - first_household],
                amount,
                min(paid_on, today),
                voucher,
                "",
                "6222********0123",
                "",
                user.pk,
                now,
            )
            for hid, amount, paid_on, voucher in payment_rows
        ),
    )
    loader.load(
        "land_handover",
        ["created_at", "updated_at", "parcel_id", "handed_over_on", "override_reason", "recorded_by_id"],
        (
            (now, now, first_parcel + i, today - dt.timedelta(days=rng.randint(1, 200)), "", user.pk)
            for i, row in enumerate(parcel_rows)
            if row[9] == "handed_over"
        ),
    )
    loader.analyze()
    return {
        "households": n_households,
        "parcels": n_parcels,
        "agreements": len(agreement_rows),
        "payments": len(payment_rows),
        "load_seconds": time.perf_counter() - t0,
        "first_parcel": first_parcel,
    }


def _min_id(loader: Loader, table: str) -> int:
    return raw_sql(loader.vendor, f"SELECT MIN(id) FROM {table}", [])[0][0]


# ---------------------------------------------------------------------------------------------
# Measurements


def raw_sql(vendor: str, sql: str, params: list):
    """Run a hand-written query with the driver's own cursor (no ORM, no model instances)."""
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


def explain(vendor: str, sql: str, params: list) -> str:
    prefix = "EXPLAIN QUERY PLAN " if vendor == "sqlite" else "EXPLAIN ANALYZE "
    rows = raw_sql(vendor, prefix + sql, params)
    return "\n".join("    " + " ".join(str(c) for c in row) for row in rows)


def _month(vendor: str, column: str) -> str:
    return f"strftime('%%Y-%%m', {column})" if vendor == "sqlite" else f"date_trunc('month', {column})"


def progress_sql(vendor: str) -> list[tuple[str, str]]:
    """The progress page's aggregates, written by hand: the same numbers for a township user
    (the jurisdiction is the region path prefix, as the page applies it)."""
    scope = "JOIN regions_region r ON r.id = {t}.village_group_id AND r.path LIKE %s"
    month = lambda column: _month(vendor, column)  # noqa: E731
    return [
        (
            "parcels_by_status",
            "SELECT p.status, COUNT(*), SUM(p.area_mu) FROM land_parcel p "
            + scope.format(t="p")
            + " WHERE p.project_id = %s GROUP BY p.status",
        ),
        (
            "households_signed",
            "SELECT COUNT(DISTINCT h.household_id), COUNT(DISTINCT CASE WHEN h.agreement_id IS NOT NULL "
            "THEN h.household_id END) FROM land_contractholding h JOIN land_parcel p ON p.id = h.parcel_id "
            + scope.format(t="p")
            + " WHERE p.project_id = %s",
        ),
        (
            "money",
            "SELECT COUNT(*), SUM(a.total_amount), SUM(a.paid_total), "
            "SUM(CASE WHEN a.paid_total >= a.total_amount THEN 1 ELSE 0 END) FROM land_agreement a "
            + scope.format(t="a")
            + " WHERE a.project_id = %s",
        ),
        (
            "by_group_parcels",
            "SELECT p.village_group_id, p.status, COUNT(*), SUM(p.area_mu) FROM land_parcel p "
            + scope.format(t="p")
            + " WHERE p.project_id = %s GROUP BY p.village_group_id, p.status",
        ),
        (
            "by_group_money",
            "SELECT a.village_group_id, SUM(a.total_amount), SUM(a.paid_total) FROM land_agreement a "
            + scope.format(t="a")
            + " WHERE a.project_id = %s GROUP BY a.village_group_id",
        ),
        (
            "trend_agreed",
            f"SELECT {month('a.signed_on')} m, SUM(a.total_amount) FROM land_agreement a "
            + scope.format(t="a")
            + " WHERE a.project_id = %s GROUP BY m",
        ),
        (
            "trend_paid",
            f"SELECT {month('y.paid_on')} m, SUM(y.amount) FROM land_payment y "
            + scope.format(t="y")
            + " WHERE y.project_id = %s GROUP BY m",
        ),
        (
            "trend_handed_over",
            f"SELECT {month('o.handed_over_on')} m, SUM(p.area_mu) FROM land_handover o "
            "JOIN land_parcel p ON p.id = o.parcel_id " + scope.format(t="p") + " WHERE p.project_id = %s GROUP BY m",
        ),
        (
            "stalled_page",
            "SELECT hh.id, hh.number, "
            "(SELECT pe.name FROM people_person pe WHERE pe.household_id = hh.id AND pe.relation = 'head' LIMIT 1), "
            "MIN(p.surveyed_on), COUNT(*) FROM land_contractholding h JOIN land_parcel p ON p.id = h.parcel_id "
            "JOIN people_household hh ON hh.id = h.household_id "
            "JOIN regions_region r ON r.id = hh.village_group_id AND r.path LIKE %s "
            "WHERE p.project_id = %s AND h.agreement_id IS NULL AND p.surveyed_on <= %s AND p.status <> 'handed_over' "
            f"GROUP BY hh.id, hh.number ORDER BY hh.id DESC LIMIT {PAGE + 1}",
        ),
    ]


def _log_queries(title: str, queries: list[dict]) -> None:
    log(f"{title}: {len(queries)} queries, {sum(float(q['time']) for q in queries):.3f} s in SQL")
    for q in sorted(queries, key=lambda q: -float(q["time"]))[:8]:
        log(f"  {float(q['time']):.3f} s  {q['sql'][:600]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--payments", type=int, default=300_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per figure; the median counts (7)")
    parser.add_argument("--explain", action="store_true", help="print the plans of the progress queries to stderr")
    parser.add_argument(
        "--queries", action="store_true", help="print each SQL query of the progress and list pages with its time"
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="lianxin-land-bench-"))
    url = None
    try:
        url = django_setup(args.db, workdir, "lianxin_land_bench")
        from django.conf import settings
        from django.db import connection, reset_queries
        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone

        from lianxin.land import gis, selectors

        town, groups, user, project = township_setup()
        log(f"building the ledger: {args.parcels} parcels, {args.payments} payments ({args.db})")
        built = build_ledger(args.parcels, args.payments, groups, user, project, args.db)
        emit("db", args.db)
        emit("parcels", built["parcels"])
        emit("households", built["households"])
        emit("agreements", built["agreements"])
        emit("payments", built["payments"])
        emit("load_seconds", built["load_seconds"])

        settings.ALLOWED_HOSTS = ["*"]
        client = Client()
        client.force_login(user)
        cutoff = timezone.localdate() - dt.timedelta(days=settings.LIANXIN_LAND_STALLED_DAYS)
        params = {
            "stalled_page": [f"{town.path}%", project.pk, cutoff],
        }

        # -- progress page vs raw aggregates
        progress_url = reverse("land:progress", args=[project.pk])
        response = client.get(progress_url)
        if response.status_code != 200:
            raise SystemExit(f"progress page answered {response.status_code}")
        page = median_seconds(lambda: client.get(progress_url), args.runs)
        queries = progress_sql(args.db)

        def run_raw():
            for name, sql in queries:
                raw_sql(args.db, sql, params.get(name, [f"{town.path}%", project.pk]))

        raw = median_seconds(run_raw, args.runs)
        each = {
            name: median_seconds(
                lambda s=sql, n=name: raw_sql(args.db, s, params.get(n, [f"{town.path}%", project.pk])), 3
            )
            for name, sql in queries
        }
        selectors_only = median_seconds(
            lambda: (
                selectors.land_progress(user=user, project=project),
                selectors.land_progress_by_group(user=user, project=project),
                selectors.land_trend(user=user, project=project),
                list(selectors.stalled_households(user=user, project=project).order_by("-pk")[: PAGE + 1]),
            ),
            args.runs,
        )
        parts = {
            "land_progress": lambda: selectors.land_progress(user=user, project=project),
            "land_progress_by_group": lambda: selectors.land_progress_by_group(user=user, project=project),
            "land_trend": lambda: selectors.land_trend(user=user, project=project),
            "stalled_households": lambda: list(
                selectors.stalled_households(user=user, project=project).order_by("-pk")[: PAGE + 1]
            ),
        }
        for name, fn in parts.items():
            emit(f"selector_{name}_seconds", median_seconds(fn, 3))
        emit("progress_page_seconds", page)
        emit("progress_selectors_seconds", selectors_only)
        emit("progress_raw_seconds", raw)
        for name, seconds in each.items():
            emit(f"raw_{name}_seconds", seconds)
        emit("ratio_progress_to_raw", page / raw)
        emit("ratio_progress_selectors_to_raw", selectors_only / raw)
        if args.explain:
            for name, sql in queries:
                log(f"plan {name}:\n" + explain(args.db, sql, params.get(name, [f"{town.path}%", project.pk])))
        settings.DEBUG = True
        reset_queries()
        client.get(progress_url)
        emit("progress_page_queries", len(connection.queries))
        if args.queries:
            _log_queries("progress page", connection.queries)
            reset_queries()
            client.get(reverse("land:parcel-list"), {"project": project.pk})
            _log_queries("parcel list page 1", connection.queries)
            page_qs = selectors.parcel_list(user=user, project=project).order_by("-pk")[: PAGE + 1]
            log("plan of the list page's rows:\n" + page_qs.explain())
            projects_qs = selectors.land_project_list(user=user)
            log("plan of the project choices:\n" + projects_qs.explain())
        settings.DEBUG = False

        # -- parcel list: page 1 and a deep cursor
        list_url = reverse("land:parcel-list")
        ids = raw_sql(
            args.db,
            "SELECT id FROM land_parcel ORDER BY id DESC LIMIT 1 OFFSET %s",
            [min(90_000, args.parcels - PAGE - 1)],
        )
        deep_cursor = ids[0][0]
        first = median_seconds(lambda: client.get(list_url, {"project": project.pk}), args.runs)
        deep = median_seconds(lambda: client.get(list_url, {"project": project.pk, "after": deep_cursor}), args.runs)
        emit("list_page1_seconds", first)
        emit("list_deep_seconds", deep)
        emit("list_deep_cursor_rows_before", min(90_000, args.parcels - PAGE - 1))
        emit("ratio_list_deep_to_first", deep / first)

        # -- map data: one village group, and the whole project (capped)
        group = groups[0]

        def map_for(**p):
            filters = gis.parcel_filters(user=user, params={"project": project.pk, **p})
            return gis.parcel_map_data(gis.parcel_map_queryset(user=user, filters=filters))

        one_group = map_for(village_group=group.pk)
        emit("map_group_parcels", one_group.count)
        emit("map_group_seconds", median_seconds(lambda: map_for(village_group=group.pk), args.runs))
        whole = map_for()
        emit("map_project_parcels", whole.count)
        emit("map_project_truncated", whole.truncated)
        emit("map_project_mb", len(whole.geojson.encode()) / 2**20)
        emit("map_project_seconds", median_seconds(map_for, max(3, args.runs // 2)))
        map_url = reverse("land:parcel-map-data")
        emit(
            "map_view_group_seconds",
            median_seconds(lambda: client.get(map_url, {"project": project.pk, "village_group": group.pk}), args.runs),
        )
    finally:
        if url and args.db == "postgres":
            pg_drop(url)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
