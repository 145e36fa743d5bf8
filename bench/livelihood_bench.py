#!/usr/bin/env python
"""Livelihood benchmark: the landless-farmer register and the income alert list over a county's persons and
agreements, each against the same question in raw SQL in the same run, and matching a posting against the
registered job seekers. See bench/README.md.

    .venv/bin/python bench/livelihood_bench.py                         # 500,000 persons, 100,000 agreements
    .venv/bin/python bench/livelihood_bench.py --scale 0.2             # a fifth of that (2-core laptops)
    .venv/bin/python bench/livelihood_bench.py --db postgres           # PostgreSQL (DATABASE_URL's server)
    .venv/bin/python bench/livelihood_bench.py --candidates 100000     # job seekers matched (default 100,000 × scale)

Figures go to stdout, one per line as ``name: value``; progress and query plans go to stderr. Everything lives in a
throwaway directory (and, with ``--db postgres``, a throwaway database ``lianxin_livelihood_bench_<pid>``).
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
from bench.party_bench import analyze, explain, insert, raw_sql  # noqa: E402

VILLAGES = ["甲马石村", "白革龙村", "里乐村", "者黑村", "阿猛村", "新寨村", "老寨村", "大坪村", "小坪村", "龙树村"]
NUMERALS = "一二三四五六七八九十"
SKILLS = ["电工", "焊工", "叉车", "化工操作", "驾驶", "烹饪", "保洁", "砌筑"]


def build(args, vendor: str, today: dt.date):
    """County → township → 10 villages → 100 groups; households of 4 persons; every household with land taken
    holds one parcel under one agreement (``agreements`` of them) and its contracted area; a baseline and a
    yearly income survey per affected household; ``candidates`` registered job seekers."""
    from lianxin.accounts.roles import Role
    from lianxin.accounts.services import user_create
    from lianxin.enterprises.models import Enterprise, Project
    from lianxin.land.models import Agreement, ContractHolding, ContractRight, LandClass, Parcel
    from lianxin.livelihood import services
    from lianxin.livelihood.models import IncomeSurvey, JobPosting, JobSeeker
    from lianxin.people.models import Household, Person
    from lianxin.regions.models import Region
    from lianxin.regions.services import region_create

    rng = random.Random(20131203)
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
        username="wg", full_name="工作组", role=Role.WORKING_GROUP, scope_region=town, password="Bench-2026-wg!"
    )
    officer.must_change_password = False
    officer.save(update_fields=["must_change_password"])
    services.rule_save(
        actor=officer,
        name="认定标准",
        valid_from=dt.date(2000, 1, 1),
        valid_to=None,
        max_mu_per_person=Decimal("0.30"),
        min_share_lost_percent=Decimal("70"),
    )
    now = dt.datetime.now(dt.UTC)
    persons = args.persons
    households = persons // 4
    agreements = min(args.agreements, households)

    t = time.perf_counter()
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
                "name": f"村民{i}",
                "relation": "head" if i % 4 == 0 else "other",
                "resident_id_ciphertext": b"x",
                "resident_id_digest": f"{i:064d}",
                "resident_id_masked": "532622********0000",
                "gender": "male" if i % 2 else "female",
                "birth_date": dt.date(1950 + i % 60, 1 + i % 12, 1 + i % 28),
                "ethnicity": "01",
            }
            for i in range(households * 4)
        ),
        vendor,
    )
    first_person = raw_sql(vendor, "SELECT MIN(id) FROM people_person", [])[0][0]
    emit("load_people_seconds", time.perf_counter() - t)

    t = time.perf_counter()
    enterprise = Enterprise.objects.create(
        name="示范铝业有限公司", credit_code="91532622MA6K000000", region=town, industry="C"
    )
    project = Project.objects.create(
        enterprise=enterprise, name="氧化铝项目", region=town, land_demand_mu=Decimal("1"), investment=Decimal("1")
    )
    land_class = LandClass.objects.order_by("pk").first()
    # Affected households spread over every group (every n-th household).
    step = max(households // agreements, 1)
    affected = [first_household + i * step for i in range(agreements)]
    contracted = {h: Decimal(rng.randint(100, 900)) / 100 for h in affected}  # 1–9 mu
    taken = {
        h: (contracted[h] * Decimal(rng.choice((30, 60, 75, 90, 98))) / 100).quantize(Decimal("0.01")) for h in affected
    }
    insert(
        ContractRight,
        (
            {
                "created_at": now,
                "updated_at": now,
                "household_id": h,
                "certificate_no": "",
                "contracted_area_mu": contracted[h],
            }
            for h in affected
        ),
        vendor,
    )
    insert(
        Parcel,
        (
            {
                "created_at": now,
                "updated_at": now,
                "project_id": project.pk,
                "village_group_id": groups[((h - first_household) % households) % 100].pk,
                "code": f"P{i:07d}",
                "land_class_id": land_class.pk,
                "area_mu": taken[h],
                "status": "agreed",
            }
            for i, h in enumerate(affected)
        ),
        vendor,
    )
    first_parcel = raw_sql(vendor, "SELECT MIN(id) FROM land_parcel", [])[0][0]
    signed = {h: dt.date(2015 + rng.randint(0, 9), 1 + rng.randint(0, 11), 1 + rng.randint(0, 27)) for h in affected}
    insert(
        Agreement,
        (
            {
                "created_at": now,
                "updated_at": now,
                "project_id": project.pk,
                "household_id": h,
                "village_group_id": groups[((h - first_household) % households) % 100].pk,
                "number": f"A{i:07d}",
                "signed_on": signed[h],
                "items_total": Decimal("1000"),
                "supplement_amount": Decimal("0"),
                "supplementary_total": Decimal("0"),
                "total_amount": Decimal("1000"),
                "paid_total": Decimal("0"),
            }
            for i, h in enumerate(affected)
        ),
        vendor,
    )
    first_agreement = raw_sql(vendor, "SELECT MIN(id) FROM land_agreement", [])[0][0]
    insert(
        ContractHolding,
        (
            {
                "created_at": now,
                "updated_at": now,
                "parcel_id": first_parcel + i,
                "household_id": h,
                "share_percent": Decimal("100"),
                "agreement_id": first_agreement + i,
            }
            for i, h in enumerate(affected)
        ),
        vendor,
    )
    emit("load_land_seconds", time.perf_counter() - t)

    t = time.perf_counter()

    def surveys():
        for h in affected:
            group = groups[((h - first_household) % households) % 100].pk
            base = Decimal(rng.randint(15000, 40000))
            after = base * Decimal(rng.choice(("0.8", "1.1", "1.2", "1.3", "1.5"))).quantize(Decimal("0.01"))
            for year, kind, total in ((signed[h].year - 1, "baseline", base), (2025, "yearly", after)):
                if kind == "yearly" and year <= signed[h].year - 1:
                    continue
                yield {
                    "created_at": now,
                    "updated_at": now,
                    "household_id": h,
                    "village_group_id": group,
                    "year": year,
                    "kind": kind,
                    "wages": total,
                    "total": total,
                    "persons": 4,
                    "surveyed_on": dt.date(year + 1, 1, 15),
                }

    survey_rows = insert(IncomeSurvey, surveys(), vendor)
    emit("load_surveys_seconds", time.perf_counter() - t)

    t = time.perf_counter()
    candidates = min(args.candidates, households * 4)
    picked = rng.sample(range(households * 4), candidates)
    insert(
        JobSeeker,
        (
            {
                "created_at": now,
                "updated_at": now,
                "person_id": first_person + i,
                "household_id": first_household + i // 4,
                "birth_date": dt.date(1950 + i % 60, 1 + i % 12, 1 + i % 28),  # as the person's, copied
                "village_group_id": groups[(i // 4) % 100].pk,
                "status": "seeking",
                "reason": "land_taken",
                "registered_on": dt.date(2024, 1, 1),
                "skills": ",".join(sorted(set(rng.sample(SKILLS, rng.randint(0, 3))))),
            }
            for i in picked
        ),
        vendor,
    )
    emit("load_job_seekers_seconds", time.perf_counter() - t)
    posting = JobPosting.objects.create(
        enterprise=enterprise,
        region=groups[0],
        title="操作工",
        openings=50,
        skills="电工,叉车",
        wage_min=Decimal("3000"),
        wage_max=Decimal("5000"),
        min_age=18,
        max_age=55,
        starts_on=today,
    )
    # The rows above were inserted past the services: store the register's decision for every household once,
    # as a rule change does (the writes through the land and people services keep it afterwards).
    t = time.perf_counter()
    services.landless_status_refresh()
    emit("landless_status_refresh_seconds", time.perf_counter() - t)
    analyze(vendor)
    return town, officer, posting, survey_rows, candidates


# ---------------------------------------------------------------------------------------------
# The raw SQL the selectors are compared with: the natural hand-written form (derived tables)

REGISTER_SQL = """
SELECT COUNT(*) FROM people_household h
JOIN regions_region g ON g.id = h.village_group_id
JOIN land_contractright cr ON cr.household_id = h.id
JOIN (SELECT ch.household_id, SUM(p.area_mu * ch.share_percent) AS lost100 FROM land_contractholding ch
      JOIN land_parcel p ON p.id = ch.parcel_id WHERE ch.agreement_id IS NOT NULL GROUP BY ch.household_id) l
  ON l.household_id = h.id
JOIN (SELECT household_id, MAX(signed_on) AS acquired_on FROM land_agreement GROUP BY household_id) a
  ON a.household_id = h.id
JOIN (SELECT household_id, COUNT(*) AS n FROM people_person GROUP BY household_id) m ON m.household_id = h.id
WHERE g.path LIKE %s AND l.lost100 > 0 AND a.acquired_on >= %s
  AND (cr.contracted_area_mu * 100 - l.lost100 < m.n * 30 OR l.lost100 >= 70 * cr.contracted_area_mu)
"""
# The register as the selector reads it: the stored decision (LandlessStatus) of the households in scope.
REGISTER_STORED_SQL = """
SELECT COUNT(*) FROM people_household h
JOIN regions_region g ON g.id = h.village_group_id
JOIN livelihood_landlessstatus s ON s.household_id = h.id
WHERE g.path LIKE %s AND s.is_landless
"""
ALERT_SQL = """
SELECT s.household_id, b.total, s.total FROM livelihood_incomesurvey s
JOIN regions_region g ON g.id = s.village_group_id
JOIN livelihood_incomesurvey b ON b.household_id = s.household_id AND b.kind = 'baseline'
WHERE s.kind = 'yearly' AND s.year = %s AND g.path LIKE %s AND s.total < b.total
ORDER BY b.total - s.total DESC, s.household_id
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the county (500,000 persons, …)")
    parser.add_argument("--persons", type=int, help="persons (default 500,000 × scale)")
    parser.add_argument("--agreements", type=int, help="agreements (default 100,000 × scale)")
    parser.add_argument("--candidates", type=int, help="job seekers to match (default 100,000 × scale)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure; the median counts (5)")
    parser.add_argument("--workdir", help="keep the files here instead of a temporary directory")
    args = parser.parse_args()
    args.persons = args.persons or int(500_000 * args.scale)
    args.agreements = args.agreements or int(100_000 * args.scale)
    args.candidates = args.candidates or int(100_000 * args.scale)
    db = args.db or ("postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite")
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="lianxin-livelihood-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    for leftover in workdir.glob("*.sqlite3*"):
        leftover.unlink()
    url = None
    try:
        url = django_setup(db, workdir, "lianxin_livelihood_bench")
        from django.db import connection
        from django.utils import timezone

        from lianxin.livelihood import selectors

        vendor = connection.vendor
        today = timezone.localdate()
        log(f"building {args.persons} persons, {args.agreements} agreements, {args.candidates} job seekers ({vendor})")
        town, user, posting, survey_rows, candidates = build(args, vendor, today)
        emit("db", vendor)
        emit("persons", args.persons)
        emit("agreements", args.agreements)
        emit("income_surveys", survey_rows)
        emit("job_seekers", candidates)
        like = town.path + "%"

        # 1. the register: how many households count (the page's total) — selector vs raw SQL
        register_params = [like, "2000-01-01"]
        count = selectors.register(user=user).count()
        decided = raw_sql(vendor, REGISTER_SQL, register_params)[0][0]
        stored = raw_sql(vendor, REGISTER_STORED_SQL, [like])[0][0]
        assert count == decided == stored, (count, decided, stored)
        emit("register_households", count)
        t_reg = median_seconds(lambda: selectors.register(user=user).count(), args.runs)
        # the fair comparison: the same stored decision read by hand-written SQL
        t_reg_raw = median_seconds(lambda: raw_sql(vendor, REGISTER_STORED_SQL, [like]), args.runs)
        log("register raw plan:\n" + explain(vendor, REGISTER_STORED_SQL, [like]))
        emit("register_selector_seconds", t_reg)
        emit("register_raw_seconds", t_reg_raw)
        emit("ratio_register_to_raw", t_reg / t_reg_raw)
        # what storing the decision saves: deciding it by hand-written SQL at every query
        t_decide = median_seconds(lambda: raw_sql(vendor, REGISTER_SQL, register_params), args.runs)
        emit("register_decision_raw_seconds", t_decide)

        def register_page():
            return selectors.register_rows(list(selectors.register(user=user).order_by("-pk")[:50]))

        emit("register_page_seconds", median_seconds(register_page, args.runs))

        # 2. the income alert list: every household of the year whose income fell, largest fall first
        alert_params = [2025, like]
        alerts = list(selectors.alert_list(user=user, year=2025))
        raw_alerts = raw_sql(vendor, ALERT_SQL, alert_params)
        assert [a.household_id for a in alerts] == [r[0] for r in raw_alerts]
        emit("alert_households", len(alerts))
        t_alert = median_seconds(
            lambda: list(selectors.alert_list(user=user, year=2025).values_list("household_id", "before", "total")),
            args.runs,
        )
        t_alert_raw = median_seconds(lambda: raw_sql(vendor, ALERT_SQL, alert_params), args.runs)
        log("alert raw plan:\n" + explain(vendor, ALERT_SQL, alert_params))
        emit("alert_selector_seconds", t_alert)
        emit("alert_raw_seconds", t_alert_raw)
        emit("ratio_alert_to_raw", t_alert / t_alert_raw)

        # 3. matching a posting against the job seekers (landless first, skills, training, distance, ties by id)
        ranked = selectors.match(user=user, posting=posting, limit=50)
        emit("match_ranked", len(ranked))
        emit("match_first_is_landless", ranked[0].landless if ranked else "")
        emit("match_seconds", median_seconds(lambda: selectors.match(user=user, posting=posting, limit=50), args.runs))
    finally:
        if url and db == "postgres":
            pg_drop(url)
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
