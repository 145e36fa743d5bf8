"""The livelihood side of the demo township (抓发展), with the seed report's figures as rows:

- earlier acquisitions of the park's other enterprises (electrolytic aluminium, power, building materials: one
  parcel per household, agreed, paid and handed over years ago), so that the register — derived from the land
  ledger under the local rule (人均剩余耕地低于0.3亩或被征地70%以上) — holds most households of the park's villages;
- 4,000+ landless farmers at work in the park through placements (enterprise posts in proportion to each
  enterprise's local jobs; public-welfare posts for the older ones), with job seekers, a few proposals waiting
  for the alumina plant's liaison and two declined;
- a baseline survey and two yearly surveys per landless household, a handful worse off (on the alert list, one
  with a follow-up case); skills trainings and certificates; a few dozen small businesses of the kinds the report
  names; insurance enrolment with 低保;
- village projects in 干塘子, 甲马石 and 白革龙 of 5 m+ yuan, the plant's road upgrades for 白革龙 and 幕菲新寨 (村企结对),
  indicators with 124 fighting cattle, 3,000+ mu of corn (and sugarcane, tobacco) and the 2012-style targets
  (62 m total rural income, 18 m net income, 3,600 yuan per person) for the demo's year.

Rows are made in bulk (``bulk_create``, as the land demo does), the rule, village projects, pairings and the
follow-up case through the services. Deterministic (a seeded RNG); skipped when the rule exists.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from lianxin.accounts.models import User
from lianxin.accounts.roles import Role
from lianxin.core import crypto
from lianxin.enterprises.models import Enterprise, EnterpriseIndicator, Project
from lianxin.enterprises.services import project_create
from lianxin.land import services as land_services
from lianxin.land.models import Agreement, ContractHolding, ContractRight, Handover, LandClass, Parcel, Payment
from lianxin.people.models import Household, Person
from lianxin.regions.models import Park, Region

from . import services
from .models import (
    Business,
    FundContribution,
    HiringQuota,
    IncomeSurvey,
    InsuranceEnrolment,
    JobPosting,
    JobSeeker,
    LandlessRule,
    Placement,
    PlacementEvent,
    SkillsTraining,
    TrainingAttendance,
    VillageIndicator,
    VillageProject,
)
from .selectors.register import age_on, landless_household_ids

RULE_NAME = "示范县被征地农民认定办法(演示)"
CENT = Decimal("0.01")
# village committee → the park enterprise whose earlier project took its land, and how many years ago
EARLIER = {
    "甲马石村委会": ("示范电解铝有限责任公司", "电解铝项目", 5),
    "白革龙村委会": ("园区热电有限公司", "热电联产项目", 4),
    "里乐村委会": ("滇南建材有限公司", "新型建材项目", 3),
}
PRICE_PER_MU = Decimal("36000")
WORSE_OFF = 6
TRAININGS = [
    ("电工上岗培训", "县职业技术学校", "电工", "48", "特种作业操作证(电工)"),
    ("焊工培训", "县职业技术学校", "焊工", "64", "特种作业操作证(焊工)"),
    ("叉车司机培训", "园区劳务服务有限公司", "叉车", "40", "特种设备作业人员证(叉车)"),
    ("氧化铝生产操作工培训", "示范铝业有限公司", "化工操作", "80", "职业技能等级证书(化工总控工)"),
    ("中式烹调培训", "县人社局", "烹饪", "56", "职业技能等级证书(中式烹调师)"),
    ("摩托车维修培训", "县职业技术学校", "摩托车维修", "48", "结业证书"),
    ("家政服务培训", "县妇联", "家政", "32", "结业证书"),
    ("玉米甘蔗种植技术培训", "县农业农村局", "种植", "24", ""),
]
BUSINESSES = [
    (Business.Kind.SHOP, "小卖部", 10),
    (Business.Kind.EATERY, "小餐馆", 8),
    (Business.Kind.MOTORBIKE_REPAIR, "摩托车修理店", 5),
    (Business.Kind.HARDWARE, "五金店", 4),
    (Business.Kind.FOOD, "饮食店", 4),
    (Business.Kind.BUILDING_MATERIALS, "建材店", 3),
    (Business.Kind.SERVICES, "理发店", 2),
    (Business.Kind.TRANSPORT, "货运部", 2),
]
PUBLIC_WELFARE_POSTS = [("园区保洁员", 65), ("道路养护员", 65), ("护林员", 65), ("园区绿化员", 65)]


def build_livelihood(report, *, today: date, township: Region) -> None:
    """Build the livelihood demo (see the module docstring); skipped when its rule exists already."""
    if LandlessRule.objects.filter(name=RULE_NAME).exists():
        return
    actor = User.objects.filter(role=Role.WORKING_GROUP).order_by("pk").first()
    park = Park.objects.filter(township=township).first()
    if actor is None or park is None:
        return
    rng = random.Random(13013)
    villages = list(park.villages.order_by("path"))
    groups = list(Region.objects.filter(parent__in=villages, level=Region.Level.VILLAGE_GROUP).order_by("path"))
    with transaction.atomic():
        services.rule_save(
            actor=actor,
            name=RULE_NAME,
            valid_from=date(today.year - 15, 1, 1),
            valid_to=None,
            max_mu_per_person=Decimal("0.30"),
            min_share_lost_percent=Decimal("70"),
            basis="示范县人民政府关于被征地农民就业和社会保障的实施意见(演示)",
        )
        people = _earlier_acquisitions(report, rng=rng, today=today, actor=actor, villages=villages, groups=groups)
        # The land and people demos write in bulk, past the services: decide every household once.
        services.landless_status_refresh()
        landless = set(
            landless_household_ids(households=Household.objects.filter(village_group__in=groups)).values_list(
                "household_id", flat=True
            )
        )
        worse_off = _employment(report, rng=rng, today=today, actor=actor, people=people, landless=landless)
        _surveys(report, rng=rng, today=today, people=people, landless=landless, worse_off=worse_off)
        _trainings(report, rng=rng, today=today, township=township, people=people, landless=landless)
        _businesses_and_insurance(report, rng=rng, today=today, people=people, landless=landless)
        _village_development(report, today=today, actor=actor, villages=villages, groups=groups)
        # One household of the alert list followed up through the cases app (the others wait on the list).
        worst = min(worse_off, key=lambda pk: pk) if worse_off else None
        if worst is not None:
            household = Household.objects.select_related("village_group").get(pk=worst)
            services.follow_up_register(
                actor=actor, household=household, year=today.year - 1, note="请村委会核实家庭就业情况并推荐公益性岗位。"
            )
            report.count("livelihood follow-up cases")


# --- land taken earlier ------------------------------------------------------------------------------------------


def _earlier_acquisitions(report, *, rng, today, actor, villages, groups) -> dict:
    """Per household: persons and what the land ledger says; earlier projects' parcels, agreements, payments."""
    households = list(
        Household.objects.filter(village_group__in=groups).order_by("pk").values_list("pk", "village_group_id")
    )
    village_of_group = {g.pk: g.parent_id for g in groups}
    village_name = {v.pk: v.name for v in villages}
    persons: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        Person.objects.filter(household__village_group__in=groups)
        .order_by("pk")
        .values_list("pk", "household_id", "birth_date", "gender", "name", "relation")
    ):
        persons[row[1]].append(row)
    rights = dict(
        ContractRight.objects.filter(household__village_group__in=groups).values_list(
            "household_id", "contracted_area_mu"
        )
    )
    lost: dict[int, Decimal] = defaultdict(Decimal)
    for household_id, area, share in ContractHolding.objects.filter(
        household__village_group__in=groups, agreement__isnull=False
    ).values_list("household_id", "parcel__area_mu", "share_percent"):
        lost[household_id] += area * share / 100
    heads = {
        hid: next((p[4] for p in rows if p[5] == Person.Relation.HEAD), rows[0][4])
        for hid, rows in persons.items()
        if rows
    }

    dry_land = LandClass.objects.filter(code="0103").first() or LandClass.objects.order_by("pk").first()
    plans: dict[str, list[tuple[int, int, Decimal]]] = defaultdict(list)  # village name → (household, group, mu)
    new_rights = []
    for household_id, group_id in households:
        n = len(persons.get(household_id, ()))
        if not n:
            continue
        name = village_name[village_of_group[group_id]]
        if household_id in rights:  # an alumina holder: most lost the rest of their land to an earlier project
            kept = rights[household_id] - lost[household_id]
            if rng.random() < 0.9 and kept > Decimal("0.5"):
                leave = Decimal(str(round(rng.uniform(0, 0.2) * n, 2)))
                take = (kept - leave).quantize(CENT)
                if take > 0:
                    plans[name].append((household_id, group_id, take))
            continue
        contracted = Decimal(str(round(rng.uniform(0.45, 0.85) * n, 2)))
        share = rng.uniform(0.78, 0.97) if rng.random() < 0.95 else rng.uniform(0.2, 0.5)
        new_rights.append(
            ContractRight(
                household_id=household_id,
                certificate_no=f"5326221012{household_id:06d}J",
                contracted_area_mu=contracted,
            )
        )
        plans[name].append((household_id, group_id, (contracted * Decimal(str(share))).quantize(CENT)))
    ContractRight.objects.bulk_create(new_rights, batch_size=1000)

    parcels, agreements, holdings, payments, handovers = [], [], [], [], []
    for name, (enterprise_name, project_name, years) in EARLIER.items():
        rows = plans.get(name, [])
        enterprise = Enterprise.objects.filter(name=enterprise_name).first()
        if not rows or enterprise is None:
            continue
        started = date(today.year - years, 3, 1)
        total_mu = sum((mu for _h, _g, mu in rows), Decimal("0"))
        project = project_create(
            actor=actor,
            enterprise=enterprise,
            name=project_name,
            region=next(v for v in villages if v.name == name),
            land_demand_mu=total_mu,
            investment=(total_mu * Decimal("150000")).quantize(CENT),
            status=Project.Status.IN_OPERATION,
            started_on=started + timedelta(days=200),
        )
        for index, (household_id, group_id, mu) in enumerate(rows, start=1):
            signed = started + timedelta(days=rng.randint(0, 120))
            parcel = Parcel(
                project=project,
                village_group_id=group_id,
                code=f"Q{project.pk}-{index:05d}",
                land_class=dry_land,
                area_mu=mu,
                status=Parcel.Status.HANDED_OVER,
                surveyed_on=signed - timedelta(days=rng.randint(30, 90)),
            )
            total = (mu * PRICE_PER_MU).quantize(CENT)
            paid_on = signed + timedelta(days=rng.randint(10, 40))
            agreement = Agreement(
                project=project,
                household_id=household_id,
                village_group_id=group_id,
                number=f"ZD{project.pk}-{signed:%Y}-{index:05d}",
                signed_on=signed,
                items_total=total,
                total_amount=total,
                paid_total=total,
                fully_paid_on=paid_on,
                signed_by=actor,
            )
            parcels.append(parcel)
            agreements.append(agreement)
            account = f"6228{rng.randint(0, 10**15 - 1):015d}"
            payments.append(
                Payment(
                    agreement=agreement,
                    project=project,
                    village_group_id=group_id,
                    amount=total,
                    paid_on=paid_on,
                    voucher_no=f"记-{paid_on:%Y%m}-{index:05d}",
                    payee_name=heads.get(household_id, ""),
                    bank_account_ciphertext=crypto.encrypt(account, purpose=land_services.BANK_ACCOUNT_PURPOSE),
                    bank_account_masked=land_services.mask_bank_account(account),
                    recorded_by=actor,
                )
            )
            holdings.append(
                ContractHolding(
                    parcel=parcel, household_id=household_id, share_percent=Decimal("100"), agreement=agreement
                )
            )
            handovers.append(Handover(parcel=parcel, handed_over_on=paid_on + timedelta(days=30), recorded_by=actor))
    Parcel.objects.bulk_create(parcels, batch_size=1000)
    Agreement.objects.bulk_create(agreements, batch_size=1000)
    for payment, holding, handover in zip(payments, holdings, handovers, strict=True):
        payment.agreement_id = payment.agreement.pk
        holding.parcel_id, holding.agreement_id = holding.parcel.pk, holding.agreement.pk
        handover.parcel_id = handover.parcel.pk
    Payment.objects.bulk_create(payments, batch_size=1000)
    ContractHolding.objects.bulk_create(holdings, batch_size=1000)
    Handover.objects.bulk_create(handovers, batch_size=1000)
    report.count("earlier land agreements", len(agreements))

    first_signed: dict[int, date] = {}
    for household_id, signed in Agreement.objects.filter(household__village_group__in=groups).values_list(
        "household_id", "signed_on"
    ):
        if household_id not in first_signed or signed < first_signed[household_id]:
            first_signed[household_id] = signed
    contracted = dict(
        ContractRight.objects.filter(household__village_group__in=groups).values_list(
            "household_id", "contracted_area_mu"
        )
    )
    group_of = dict(households)
    return {
        "persons": persons,
        "first_signed": first_signed,
        "contracted": contracted,
        "group_of": group_of,
    }


# --- employment ---------------------------------------------------------------------------------------------------


def _working(birth: date, gender: str, day: date) -> bool:
    age = age_on(birth, day)
    return 16 <= age < (60 if gender == Person.Gender.MALE else 55)


def _employment(report, *, rng, today, actor, people, landless) -> set[int]:
    """Placements of 4,000+ landless farmers; returns the households left worse off (nobody placed)."""
    persons, first_signed, group_of = people["persons"], people["first_signed"], people["group_of"]
    candidates = sorted(landless)
    # Households whose land went before last year, so last year's survey can show the fall.
    surveyed = [h for h in candidates if first_signed[h].year <= today.year - 2]
    worse_off = set(rng.sample(surveyed, min(WORSE_OFF, len(surveyed))))
    working, older = [], []
    for household_id in candidates:
        if household_id in worse_off:
            continue
        for pk, _h, birth, gender, _name, _rel in persons[household_id]:
            age = age_on(birth, today)
            if _working(birth, gender, today):
                working.append((pk, household_id))
            elif 16 <= age < 66:
                older.append((pk, household_id))
    rng.shuffle(working)
    rng.shuffle(older)
    # About 5% of the working-age stay job seekers (a few wait on proposals); the older ones fill public-welfare posts.
    seeking = working[: max(8, len(working) // 20)]
    placed_working = working[len(seeking) :]
    placed_older = older[: max(0, 4050 - len(placed_working))][: len(older) * 9 // 10]

    enterprises = list(Enterprise.objects.filter(in_park=True).order_by("pk"))
    local = dict(
        EnterpriseIndicator.objects.filter(enterprise__in=enterprises)
        .order_by("enterprise_id", "year")  # the latest year last: it wins
        .values_list("enterprise_id", "local_employees")
    )
    weights = [max(local.get(e.pk, 1), 1) for e in enterprises]
    township_region = enterprises[0].region if enterprises else None
    postings: list[JobPosting] = []
    for enterprise in enterprises:
        postings.append(
            JobPosting(
                enterprise=enterprise,
                region=enterprise.region,
                title="生产操作工" if enterprise.industry in ("B", "C", "D") else "普工",
                openings=1,
                skills="",
                wage_min=Decimal("2800"),
                wage_max=Decimal("5500"),
                min_age=18,
                max_age=55,
                starts_on=today - timedelta(days=3 * 365),
                posted_by=actor,
            )
        )
    welfare = [
        JobPosting(
            enterprise=None,
            region=township_region,
            title=title,
            openings=1,
            wage_min=Decimal("1500"),
            wage_max=Decimal("2200"),
            min_age=40,
            max_age=max_age,
            starts_on=today - timedelta(days=3 * 365),
            public_welfare=True,
            posted_by=actor,
        )
        for title, max_age in PUBLIC_WELFARE_POSTS
    ]
    alumina = enterprises[0] if enterprises else None
    current = JobPosting(
        enterprise=alumina,
        region=alumina.region if alumina else township_region,
        title="氧化铝生产操作工(2期扩招)",
        openings=20,
        skills="化工操作,电工,叉车",
        certificate="职业技能等级证书(化工总控工)",
        wage_min=Decimal("3800"),
        wage_max=Decimal("6000"),
        min_age=18,
        max_age=45,
        starts_on=today + timedelta(days=20),
        posted_by=actor,
    )
    JobPosting.objects.bulk_create([*postings, *welfare, current])

    placements: list[Placement] = []

    def start_for(household_id: int) -> date:
        earliest = max(first_signed.get(household_id, today) + timedelta(days=30), today - timedelta(days=3 * 365))
        span = max((today - timedelta(days=7) - earliest).days, 1)
        return earliest + timedelta(days=rng.randint(0, span))

    for pk, household_id in placed_working:
        posting = rng.choices(postings, weights)[0]
        placements.append((posting, pk, household_id))
    for index, (pk, household_id) in enumerate(placed_older):
        placements.append((welfare[index % len(welfare)], pk, household_id))
    rows, seekers, events = [], [], []
    for index, (posting, pk, household_id) in enumerate(placements, start=1):
        starts = start_for(household_id)
        rows.append(
            Placement(
                posting=posting,
                person_id=pk,
                enterprise_id=posting.enterprise_id,
                village_group_id=group_of[household_id],
                status=Placement.Status.ACCEPTED,
                proposed_on=starts - timedelta(days=rng.randint(5, 20)),
                starts_on=starts,
                wage=Decimal(rng.randrange(int(posting.wage_min), int(posting.wage_max) + 1, 50)),
                contract_no=f"HT{starts:%Y}-{index:05d}",
            )
        )
        seekers.append(
            JobSeeker(
                person_id=pk,
                village_group_id=group_of[household_id],
                status=JobSeeker.Status.PLACED,
                reason=JobSeeker.Reason.LAND_TAKEN,
                registered_on=starts - timedelta(days=rng.randint(20, 60)),
            )
        )
    counts = defaultdict(int)
    for posting, _pk, _h in placements:
        counts[id(posting)] += 1
    for posting in [*postings, *welfare]:
        posting.openings = counts[id(posting)] + rng.randint(0, 8) or 1
    JobPosting.objects.bulk_update([*postings, *welfare], ["openings"])
    # Still looking: working-age people of the households worse off and the 5% above, registered with skills.
    skills_pool = ["电工", "焊工", "叉车", "化工操作", "驾驶", "烹饪", ""]
    for household_id in sorted(worse_off):
        for pk, _h, birth, gender, _n, _r in persons[household_id]:
            if _working(birth, gender, today):
                seeking.append((pk, household_id))
    for pk, household_id in seeking:
        seekers.append(
            JobSeeker(
                person_id=pk,
                village_group_id=group_of[household_id],
                status=JobSeeker.Status.SEEKING,
                reason=JobSeeker.Reason.LAND_TAKEN,
                registered_on=today - timedelta(days=rng.randint(10, 200)),
                skills=",".join(sorted({rng.choice(skills_pool), rng.choice(skills_pool)} - {""})),
            )
        )
    # Waiting for the alumina plant's decision: four proposed, two declined with the reason.
    for index, (pk, household_id) in enumerate(seeking[:6]):
        declined = index >= 4
        rows.append(
            Placement(
                posting=current,
                person_id=pk,
                enterprise_id=current.enterprise_id,
                village_group_id=group_of[household_id],
                status=Placement.Status.DECLINED if declined else Placement.Status.PROPOSED,
                proposed_on=today - timedelta(days=3 + index),
                decline_reason="年龄或体检不符合岗位要求" if declined else "",
            )
        )
    JobSeeker.objects.bulk_create(seekers, batch_size=2000)
    # their household and birth date, copied on the seeker's row as the services do (the matching reads them)
    services.job_seeker_copies_refresh(household_ids=persons.keys())
    Placement.objects.bulk_create(rows, batch_size=2000)
    for placement in rows:
        events.append(
            PlacementEvent(placement=placement, status=Placement.Status.PROPOSED, on=placement.proposed_on, actor=actor)
        )
        if placement.status == Placement.Status.ACCEPTED:
            events.append(
                PlacementEvent(placement=placement, status=placement.status, on=placement.starts_on, actor=actor)
            )
        elif placement.status == Placement.Status.DECLINED:
            events.append(
                PlacementEvent(
                    placement=placement,
                    status=placement.status,
                    on=placement.proposed_on + timedelta(days=2),
                    note=placement.decline_reason,
                    actor=actor,
                )
            )
    PlacementEvent.objects.bulk_create(events, batch_size=4000)
    # Quotas: each enterprise's commitment for this year against the landless farmers it employs.
    per_enterprise = defaultdict(int)
    for placement in rows:
        if placement.status == Placement.Status.ACCEPTED and placement.enterprise_id:
            per_enterprise[placement.enterprise_id] += 1
    HiringQuota.objects.bulk_create(
        [
            HiringQuota(
                enterprise=e,
                region=e.region,
                year=today.year,
                committed=int(per_enterprise[e.pk] * rng.uniform(0.9, 1.12)),
                note="入园协议承诺优先招用失地农民",
            )
            for e in enterprises
            if per_enterprise[e.pk]
        ]
    )
    report.count("placements", sum(1 for r in rows if r.status == Placement.Status.ACCEPTED))
    report.count("job seekers", len(seekers))
    people["placed"] = {r.person_id for r in rows if r.status == Placement.Status.ACCEPTED}
    return worse_off


# --- income --------------------------------------------------------------------------------------------------------


def _surveys(report, *, rng, today, people, landless, worse_off) -> None:
    """A baseline (the year before the first acquisition) and the last two years' surveys of every landless
    household; the households in ``worse_off`` earn less than before."""
    persons, first_signed, contracted = people["persons"], people["first_signed"], people["contracted"]
    group_of, placed = people["group_of"], people["placed"]
    rows = []
    for household_id in sorted(landless):
        members = persons[household_id]
        n = len(members)
        base_year = first_signed[household_id].year - 1
        land = contracted.get(household_id, Decimal("1"))
        before = {
            "agriculture": (land * Decimal(rng.randint(1500, 2200))).quantize(CENT),
            "wages": Decimal(rng.randint(3000, 12000) * max(1, n // 2)),
            "business": Decimal(rng.choice([0, 0, 0, 2000, 5000])),
            "transfers": Decimal(rng.randint(300, 1200)),
            "property_income": Decimal("0"),
        }
        rows.append(_survey_row(household_id, group_of, base_year, IncomeSurvey.Kind.BASELINE, n, before))
        employed = sum(1 for pk, *_rest in members if pk in placed)
        for year in (today.year - 2, today.year - 1):
            if year <= base_year:
                continue
            if household_id in worse_off:
                after = {
                    "agriculture": (before["agriculture"] * Decimal("0.15")).quantize(CENT),
                    "wages": (before["wages"] * Decimal("0.4")).quantize(CENT),
                    "business": Decimal("0"),
                    "transfers": before["transfers"] + 600,
                    "property_income": Decimal(rng.randint(300, 800)),
                }
            else:
                after = {
                    "agriculture": (before["agriculture"] * Decimal("0.2")).quantize(CENT),
                    "wages": Decimal(rng.randint(26000, 42000) * max(employed, 1)),
                    "business": before["business"],
                    "transfers": before["transfers"] + rng.randint(200, 1500),
                    "property_income": Decimal(rng.randint(500, 2500)),
                }
            if household_id not in worse_off:
                # 收入不减少: wages make up what the land no longer brings
                gap = sum(before.values(), Decimal("0")) - sum(after.values(), Decimal("0"))
                if gap >= 0:
                    after["wages"] += gap + rng.randint(800, 6000)
            rows.append(_survey_row(household_id, group_of, year, IncomeSurvey.Kind.YEARLY, n, after))
    IncomeSurvey.objects.bulk_create(rows, batch_size=2000)
    report.count("income surveys", len(rows))


def _survey_row(household_id, group_of, year, kind, n, values) -> IncomeSurvey:
    return IncomeSurvey(
        household_id=household_id,
        village_group_id=group_of[household_id],
        year=year,
        kind=kind,
        persons=n,
        surveyed_on=date(year + 1, 1, 20),
        total=sum(values.values(), Decimal("0")),
        **values,
    )


# --- trainings, businesses, insurance ------------------------------------------------------------------------------


def _trainings(report, *, rng, today, township, people, landless) -> None:
    persons, group_of = people["persons"], people["group_of"]
    adults = [
        (pk, household_id)
        for household_id in sorted(landless)
        for pk, _h, birth, gender, _n, _r in persons[household_id]
        if _working(birth, gender, today)
    ]
    trainings = []
    for index, (course, provider, skill, hours, certificate) in enumerate(TRAININGS):
        starts = today - timedelta(days=90 + index * 110)
        trainings.append(
            SkillsTraining(
                region=township,
                course=course,
                provider=provider,
                skill=skill,
                hours=Decimal(hours),
                starts_on=starts,
                ends_on=starts + timedelta(days=int(hours) // 8 + 2),
                certificate=certificate,
            )
        )
    SkillsTraining.objects.bulk_create(trainings)
    rows = []
    for training in trainings:
        for n, (pk, household_id) in enumerate(rng.sample(adults, min(len(adults), rng.randint(60, 140)))):
            completed = rng.random() < 0.92
            rows.append(
                TrainingAttendance(
                    training=training,
                    person_id=pk,
                    village_group_id=group_of[household_id],
                    completed=completed,
                    certificate_no=f"ZS{training.starts_on:%Y}{training.pk:02d}{n:04d}"
                    if completed and training.certificate
                    else "",
                )
            )
    TrainingAttendance.objects.bulk_create(rows, batch_size=2000)
    report.count("skills trainings", len(trainings))
    report.count("trainees", len(rows))


def _businesses_and_insurance(report, *, rng, today, people, landless) -> None:
    persons, group_of, placed = people["persons"], people["group_of"], people["placed"]
    adults = [
        (row, household_id)
        for household_id in sorted(landless)
        for row in persons[household_id]
        if age_on(row[2], today) >= 16
    ]
    owners = [a for a in adults if a[0][0] not in placed and 25 <= age_on(a[0][2], today) < 65]
    rng.shuffle(owners)
    businesses = []
    bands = [c for c, _l in Business.IncomeBand.choices]
    for kind, label, count in BUSINESSES:
        for _i in range(count):
            if not owners:
                break
            row, household_id = owners.pop()
            businesses.append(
                Business(
                    owner_id=row[0],
                    village_group_id=group_of[household_id],
                    kind=kind,
                    name=f"{row[4][0]}记{label}",
                    opened_on=today - timedelta(days=rng.randint(60, 1400)),
                    employees=rng.randint(1, 4),
                    income_band=rng.choice(bands[:3]),
                    support=rng.choice(["小额担保贷款5万元", "免费技能培训", "减免三年管理费", "创业补贴3000元"]),
                )
            )
    Business.objects.bulk_create(businesses)
    enrolments = []
    for row, household_id in adults:
        if rng.random() >= 0.86:
            continue  # not enrolled yet: the page lists them
        age = age_on(row[2], today)
        enrolments.append(
            InsuranceEnrolment(
                person_id=row[0],
                village_group_id=group_of[household_id],
                enrolled_on=today - timedelta(days=rng.randint(100, 1500)),
                government_share=Decimal("4800.00"),
                collective_share=Decimal("800.00"),
                individual_share=Decimal("2400.00"),
                status=InsuranceEnrolment.Status.RECEIVING if age >= 60 else InsuranceEnrolment.Status.CONTRIBUTING,
                minimum_income_support=rng.random() < 0.03,
            )
        )
    InsuranceEnrolment.objects.bulk_create(enrolments, batch_size=2000)
    report.count("small businesses", len(businesses))
    report.count("insurance enrolments", len(enrolments))


# --- village development ---------------------------------------------------------------------------------------------


def _village_development(report, *, today, actor, villages, groups) -> None:
    by_name = {g.name: g for g in groups}
    alumina = Enterprise.objects.filter(name="示范铝业有限公司").first()
    year = today.year
    pairings = {}
    if alumina is not None:
        for name, commitment, amount in (
            ("白革龙", "出资拓宽白革龙进村道路", Decimal("650000")),
            ("幕菲新寨", "出资拓宽幕菲新寨进村道路", Decimal("550000")),
        ):
            if name not in by_name:
                continue
            signed = date(year - 1, 4, 18)
            pairings[name] = services.pairing_create(
                actor=actor,
                enterprise=alumina,
                village=by_name[name],
                commitment=commitment,
                amount=amount,
                signed_on=signed,
                milestones=[
                    ("签订结对协议", signed),
                    ("开工", signed + timedelta(days=60)),
                    ("完工验收", signed + timedelta(days=240)),
                ],
            )
            for milestone in pairings[name].milestones.all():
                if milestone.planned_on <= today:
                    services.milestone_done(actor=actor, milestone=milestone, done_on=milestone.planned_on)
    S = FundContribution.Source
    projects = [
        (
            "干塘子",
            "干塘子新村民居改造",
            VillageProject.Kind.HOUSING,
            [(S.COUNTY, "1200000"), (S.DEPARTMENT, "400000"), (S.HOUSEHOLDS, "260000")],
        ),
        ("干塘子", "干塘子人畜饮水工程", VillageProject.Kind.WATER, [(S.DEPARTMENT, "380000"), (S.VILLAGE, "40000")]),
        ("甲马石", "甲马石文化活动广场", VillageProject.Kind.SQUARE, [(S.COUNTY, "450000"), (S.ENTERPRISE, "300000")]),
        (
            "甲马石",
            "甲马石村内道路硬化",
            VillageProject.Kind.ROAD,
            [(S.COUNTY, "600000"), (S.VILLAGE, "80000"), (S.HOUSEHOLDS, "70000")],
        ),
        (
            "白革龙",
            "白革龙新村建设",
            VillageProject.Kind.HOUSING,
            [(S.COUNTY, "800000"), (S.DEPARTMENT, "300000"), (S.HOUSEHOLDS, "150000")],
        ),
        ("白革龙", "白革龙进村道路拓宽", VillageProject.Kind.ROAD, [(S.ENTERPRISE, "650000")]),
        ("幕菲新寨", "幕菲新寨进村道路拓宽", VillageProject.Kind.ROAD, [(S.ENTERPRISE, "550000")]),
    ]
    for name, title, kind, funds in projects:
        if name not in by_name:
            continue
        enterprise_funds = [
            (source, Decimal(amount), alumina if source == S.ENTERPRISE else None) for source, amount in funds
        ]
        services.village_project_create(
            actor=actor,
            village=by_name[name],
            name=title,
            kind=kind,
            funds=enterprise_funds,
            status=VillageProject.Status.ACCEPTED,
            started_on=date(year - 2, 3, 1),
            accepted_on=date(year - 1, 11, 30),
            pairing=pairings.get(name) if kind == VillageProject.Kind.ROAD and S.ENTERPRISE in dict(funds) else None,
        )
    report.count("village projects", len(projects))

    # Indicators per village committee: the township's targets of the seed (62 m, 18 m, 3,600 yuan) this year.
    Ind = VillageIndicator.Indicator
    shares = [Decimal("0.42"), Decimal("0.33"), Decimal("0.25")]
    this_year = {
        Ind.TOTAL_INCOME: ("62000000", "63850000"),
        Ind.NET_INCOME: ("18000000", "18620000"),
        Ind.CATTLE: ("120", "124"),
        Ind.CORN: ("3000", "3050"),
        Ind.SUGARCANE: ("400", "420"),
        Ind.TOBACCO: ("350", "380"),
    }
    last_year = {
        Ind.TOTAL_INCOME: ("55000000", "56300000"),
        Ind.NET_INCOME: ("15500000", "15900000"),
        Ind.CATTLE: ("100", "104"),
        Ind.CORN: ("2800", "2870"),
        Ind.SUGARCANE: ("300", "310"),
        Ind.TOBACCO: ("300", "295"),
    }
    population_base = [2150, 1700, 1250]  # 农业人口基数 of the villages' farming households: 5,100
    rows = []
    for index, village in enumerate(villages[:3]):
        share = shares[index]
        for y, table, per_capita in ((year, this_year, ("3600", None)), (year - 1, last_year, ("3100", None))):
            for indicator, (target, actual) in table.items():
                t, a = Decimal(target) * share, Decimal(actual) * share
                if indicator in (Ind.CATTLE, Ind.CORN, Ind.SUGARCANE, Ind.TOBACCO):
                    t, a = t.quantize(Decimal("1")), a.quantize(Decimal("1"))
                    if index == 2:  # the remainders go to the last village, so the township's sums are exact
                        t = Decimal(target) - sum((Decimal(target) * s).quantize(Decimal("1")) for s in shares[:2])
                        a = Decimal(actual) - sum((Decimal(actual) * s).quantize(Decimal("1")) for s in shares[:2])
                rows.append(
                    VillageIndicator(
                        region=village, year=y, indicator=indicator, target=t.quantize(CENT), actual=a.quantize(CENT)
                    )
                )
            rows.append(
                VillageIndicator(
                    region=village, year=y, indicator=Ind.NET_INCOME_PER_CAPITA, target=Decimal(per_capita[0])
                )
            )
            rows.append(
                VillageIndicator(
                    region=village, year=y, indicator=Ind.POPULATION, actual=Decimal(population_base[index])
                )
            )
    VillageIndicator.objects.bulk_create(rows)
    report.count("village indicators", len(rows))
