"""The alumina project's land in the demo township (征地演示数据): parcels with polygons in the project's village
groups, holders from the demo households, township compensation standards, agreements and payments at a
mid-project state (most paid, some households stalled for months, a few parcels handed over) and the statutory
procedure done up to payment.

Everything is planned in memory from a seeded RNG and written with bulk inserts, so a load takes seconds; a
second load finds the project's parcels and adds nothing.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count

from lianxin.core import crypto
from lianxin.enterprises.models import Project
from lianxin.people.models import Household, Person
from lianxin.regions.models import Region

from . import services
from .models import (
    Agreement,
    AgreementItem,
    Compensation,
    CompensationStandard,
    ContractHolding,
    ContractRight,
    Handover,
    LandClass,
    Parcel,
    Payment,
    ProcedureMilestone,
    Unit,
)

# The village groups the alumina plant's land lies in (village committee, group).
PROJECT_GROUPS = [
    ("甲马石村委会", "甲马石"),
    ("甲马石村委会", "干塘子"),
    ("甲马石村委会", "大寨"),
    ("甲马石村委会", "小寨"),
    ("白革龙村委会", "白革龙"),
    ("白革龙村委会", "幕菲新寨"),
]
# Land-use mix of the acquired land (class code, weight): mostly dry land and forest on the karst slopes.
CLASS_MIX = [
    ("0103", 46),
    ("0101", 6),
    ("0102", 6),
    ("0201", 5),
    ("0204", 3),
    ("0301", 9),
    ("0305", 6),
    ("0307", 4),
    ("0404", 8),
    ("0702", 3),
    ("1104", 2),
    ("1202", 2),
]
# Township standards (元/亩) of the demo, in force since the plan announcement.
LAND_COMPENSATION = {
    "0101": 42000,
    "0102": 38000,
    "0103": 32000,
    "0201": 32000,
    "0204": 28000,
    "0301": 18000,
    "0305": 15000,
    "0307": 14000,
    "0404": 12000,
    "0702": 32000,
    "1104": 26000,
    "1202": 30000,
}
YOUNG_CROPS = {"0101": 2500, "0102": 2300, "0103": 2000, "0201": 6000, "0204": 3000}
RESETTLEMENT_PER_MU = 20000
SOCIAL_SECURITY_PER_MU = 8000
ATTACHMENT_PRICES = {Unit.TREE: 80, Unit.GRAVE: 3000, Unit.SQUARE_METRE: 600, Unit.WELL: 2000}

# Where the plant's land lies: inside the demo park's boundary (lon 104.30–104.38, lat 23.55–23.62).
ORIGIN_LON, ORIGIN_LAT = 104.305, 23.556
SQUARE_METRES_PER_MU = Decimal(10000) / 15
ROW_WIDTH_M = 1600.0
ROW_HEIGHT_M = 36.0
GAP_M = 4.0


@dataclass
class _PlannedParcel:
    parcel: Parcel
    holders: list[tuple[Household, Decimal]] = field(default_factory=list)


def _geometry(x_m: float, y_m: float, width_m: float, height_m: float) -> dict:
    """A rectangle in lon/lat (CGCS2000) from a local metre grid anchored at the origin."""
    metres_per_degree_lat = 110574.0
    metres_per_degree_lon = 111320.0 * math.cos(math.radians(ORIGIN_LAT))

    def point(x: float, y: float) -> list[float]:
        return [round(ORIGIN_LON + x / metres_per_degree_lon, 7), round(ORIGIN_LAT + y / metres_per_degree_lat, 7)]

    ring = [
        point(x_m, y_m),
        point(x_m + width_m, y_m),
        point(x_m + width_m, y_m + height_m),
        point(x_m, y_m + height_m),
        point(x_m, y_m),
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def _area_function():
    from . import geometry

    return getattr(geometry, "geodesic_area_mu", None) or getattr(geometry, "area_mu", None)


def _alumina_project() -> Project | None:
    return Project.objects.filter(capacity=Decimal("800000")).order_by("pk").first()


def build_standards(township: Region, since: date) -> None:
    """The township's standards (补偿标准) from ``since``, open-ended; skipped when any exist already."""
    if CompensationStandard.objects.filter(region=township).exists():
        return
    classes = {c.code: c for c in LandClass.objects.all()}
    rows = []
    for code, price in LAND_COMPENSATION.items():
        rows.append((Compensation.LAND_COMPENSATION, classes[code], Unit.MU, price))
    for code, price in YOUNG_CROPS.items():
        rows.append((Compensation.YOUNG_CROPS, classes[code], Unit.MU, price))
    rows.append((Compensation.RESETTLEMENT_SUBSIDY, None, Unit.MU, RESETTLEMENT_PER_MU))
    rows.append((Compensation.SOCIAL_SECURITY, None, Unit.MU, SOCIAL_SECURITY_PER_MU))
    for unit, price in ATTACHMENT_PRICES.items():
        rows.append((Compensation.ATTACHMENT, None, unit, price))
    CompensationStandard.objects.bulk_create(
        CompensationStandard(
            region=township,
            land_class=land_class,
            item=item,
            unit=unit,
            unit_price=Decimal(price),
            effective_from=since,
            basis="示范县征地补偿安置方案(演示)",
        )
        for item, land_class, unit, price in rows
    )


def build_procedure(project: Project, today: date) -> None:
    """The statutory steps of the project, done up to payment (hand-over under way)."""
    if ProcedureMilestone.objects.filter(project=project).exists():
        return
    day = lambda n: today + timedelta(days=n)  # noqa: E731
    steps = [
        (ProcedureMilestone.Step.PRE_ANNOUNCEMENT, day(-360), day(-340), False, "预公告张贴于镇、村、组公示栏"),
        (ProcedureMilestone.Step.STATUS_SURVEY, day(-352), day(-300), False, ""),
        (ProcedureMilestone.Step.RISK_ASSESSMENT, day(-345), day(-305), False, "风险等级:低"),
        (ProcedureMilestone.Step.PLAN_ANNOUNCEMENT, day(-298), day(-266), False, "公告期32日,无人申请听证"),
        (ProcedureMilestone.Step.HEARING, None, None, True, "公告期内无人申请听证"),
        (ProcedureMilestone.Step.AGREEMENTS, day(-262), None, False, ""),
        (ProcedureMilestone.Step.APPROVAL, day(-240), day(-200), False, "省政府批准"),
        (ProcedureMilestone.Step.ACQUISITION_ANNOUNCEMENT, day(-196), day(-186), False, ""),
        (ProcedureMilestone.Step.PAYMENT, day(-185), None, False, ""),
    ]
    ProcedureMilestone.objects.bulk_create(
        ProcedureMilestone(project=project, step=step, started_on=start, completed_on=end, not_required=skip, note=note)
        for step, start, end, skip, note in steps
    )


def _quantize_area(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def build_land(report, *, today: date, township: Region | None = None, actor=None) -> None:
    """The alumina project's land: ~4,126.5 mu in parcels with polygons, holders, standards, agreements,
    payments and hand-overs (see the module docstring). Idempotent."""
    project = _alumina_project()
    if project is None:
        return
    township = township or project.region
    if actor is None:
        from lianxin.accounts.models import User
        from lianxin.accounts.roles import Role

        actor = (
            User.objects.filter(role=Role.WORKING_GROUP).order_by("pk").first() or User.objects.order_by("pk").first()
        )
    if actor is None or Parcel.objects.filter(project=project).exists():
        return
    with transaction.atomic():
        build_standards(township, today - timedelta(days=400))
        build_procedure(project, today)
        _build_parcels_and_money(report, project=project, today=today, actor=actor)


def _build_parcels_and_money(report, *, project: Project, today: date, actor) -> None:
    rng = random.Random(41265)
    classes = {c.code: c for c in LandClass.objects.all()}
    class_codes = [code for code, _w in CLASS_MIX]
    class_weights = [w for _c, w in CLASS_MIX]
    groups = [
        g
        for village, name in PROJECT_GROUPS
        for g in Region.objects.filter(level=Region.Level.VILLAGE_GROUP, name=name, parent__name=village)
    ]
    if not groups:
        return
    total_mu = project.land_demand_mu
    area_of = _area_function()

    # --- parcels and their holders, laid out row by row, one block of rows per village group --------------
    heads = dict(
        Person.objects.filter(household__village_group__in=groups, relation=Person.Relation.HEAD).values_list(
            "household_id", "name"
        )
    )
    households_by_group = {
        g.pk: [h for h in Household.objects.filter(village_group=g).order_by("pk") if h.pk in heads] for g in groups
    }
    planned: list[_PlannedParcel] = []
    share_of_total = total_mu / len(groups)
    y = 0.0
    for group_index, group in enumerate(groups):
        households = households_by_group[group.pk]
        rng.shuffle(households)
        # About three households in five of each group hold land in the plant's footprint.
        holders = households[: max(1, len(households) * 3 // 5)]
        target = share_of_total
        group_mu = Decimal("0")
        x = 0.0
        index = 0
        while group_mu < target:
            holder = holders[index % len(holders)]
            index += 1
            area = _quantize_area(Decimal(str(round(rng.uniform(1.2, 5.5), 2))))
            area = min(area, _quantize_area(target - group_mu))
            if area <= 0:
                break
            width = float(area * SQUARE_METRES_PER_MU) / ROW_HEIGHT_M
            if x + width > ROW_WIDTH_M:
                x, y = 0.0, y + ROW_HEIGHT_M + GAP_M
            # One parcel in 30 was surveyed a little off its drawing: the map and the list flag it.
            drawn_width = width * (1.06 if rng.random() < 1 / 30 else 1.0)
            shape = _geometry(x, y, drawn_width, ROW_HEIGHT_M)
            x += width + GAP_M
            code = f"ZD-{group_index + 1:02d}-{index:04d}"
            parcel = Parcel(
                project=project,
                village_group=group,
                code=code,
                land_class=classes[rng.choices(class_codes, class_weights)[0]],
                area_mu=area,
                geometry=shape,
                computed_area_mu=area_of(shape) if area_of else None,
                surveyed_on=today - timedelta(days=rng.randint(300, 345)),
            )
            plan = _PlannedParcel(parcel)
            if rng.random() < 0.12 and len(holders) > 1:  # jointly held by two households
                other = holders[(index + len(holders) // 2) % len(holders)]
                plan.holders = (
                    [(holder, Decimal("60")), (other, Decimal("40"))] if other != holder else [(holder, Decimal("100"))]
                )
            else:
                plan.holders = [(holder, Decimal("100"))]
            planned.append(plan)
            group_mu += area
        y += ROW_HEIGHT_M * 3
    # The last parcel absorbs rounding so the project's parcels add up to its land demand exactly.
    surplus = sum((p.parcel.area_mu for p in planned), Decimal("0")) - total_mu
    planned[-1].parcel.area_mu -= surplus

    # --- who signed, who was paid ---------------------------------------------------------------------------
    holdings_by_household: dict[int, list[tuple[_PlannedParcel, Decimal]]] = {}
    household_objects: dict[int, Household] = {}
    for plan in planned:
        for household, share in plan.holders:
            holdings_by_household.setdefault(household.pk, []).append((plan, share))
            household_objects[household.pk] = household
    household_ids = sorted(holdings_by_household)
    rng.shuffle(household_ids)
    stalled = set(household_ids[: max(15, len(household_ids) // 16)])  # about 6%: not signed after 10 months

    finder = services.StandardFinder(today)
    agreements: list[Agreement] = []
    items_by_agreement: list[list[AgreementItem]] = []
    signed_holdings: dict[tuple[int, int], int] = {}  # (parcel code index, household) -> agreement index
    paid_plan: list[tuple[Decimal, date | None, date | None]] = []  # first instalment, first date, second date
    for n, household_id in enumerate(sorted(holdings_by_household)):
        if household_id in stalled:
            continue
        household = household_objects[household_id]
        shares = holdings_by_household[household_id]
        holdings = [
            ContractHolding(parcel=plan.parcel, household=household, share_percent=share) for plan, share in shares
        ]
        attachments = []
        if rng.random() < 0.5:
            attachments.append(services.AttachmentCount(Unit.TREE, Decimal(rng.randint(5, 60)), "果木林木"))
        if rng.random() < 0.08:
            attachments.append(services.AttachmentCount(Unit.GRAVE, Decimal(rng.randint(1, 2)), "坟墓迁移"))
        if rng.random() < 0.15:
            attachments.append(services.AttachmentCount(Unit.SQUARE_METRE, Decimal(rng.randint(10, 80)), "圈舍"))
        signed_on = today - timedelta(days=rng.randint(40, 262))
        quote = services.agreement_quote(
            household=household, holdings=holdings, signed_on=signed_on, attachments=attachments, finder=finder
        )
        supplement = Decimal("0")
        reason = ""
        if rng.random() < 0.05:
            supplement, reason = Decimal(rng.randint(2, 10) * 1000), "困难户过渡安置补助(协商)"
        agreement = Agreement(
            project=project,
            household=household,
            village_group_id=household.village_group_id,
            number=f"ZD{project.pk}-{signed_on:%Y}-{n + 1:05d}",
            signed_on=signed_on,
            items_total=quote.items_total,
            supplement_amount=supplement,
            supplement_reason=reason,
            total_amount=quote.items_total + supplement,
            signed_by=actor,
        )
        # Payment state: 85% paid in full (some in two instalments), 10% a first instalment, 5% not yet.
        roll = rng.random()
        first_day = max(signed_on + timedelta(days=rng.randint(10, 30)), today - timedelta(days=185))
        first_day = min(first_day, today - timedelta(days=2))
        if roll < 0.85:
            if rng.random() < 0.3:
                first = (agreement.total_amount * Decimal("0.6")).quantize(Decimal("0.01"))
                second_day = min(first_day + timedelta(days=rng.randint(20, 60)), today - timedelta(days=1))
            else:
                first, second_day = agreement.total_amount, None
        elif roll < 0.95:
            first, second_day = (agreement.total_amount * Decimal("0.6")).quantize(Decimal("0.01")), None
        else:
            first, first_day, second_day = Decimal("0"), None, None
        agreements.append(agreement)
        items_by_agreement.append(quote.items)
        paid_plan.append((first, first_day, second_day))
        for plan, _share in shares:
            signed_holdings[(id(plan), household_id)] = len(agreements) - 1

    Parcel.objects.bulk_create([p.parcel for p in planned], batch_size=500)
    Agreement.objects.bulk_create(agreements, batch_size=500)

    # Payments (append-only entries, with an encrypted bank account) and each agreement's paid total.
    payments: list[Payment] = []
    for agreement, (first, first_day, second_day) in zip(agreements, paid_plan, strict=True):
        if not first:
            continue
        account = f"6228{rng.randint(0, 10**15 - 1):015d}"
        sealed = crypto.encrypt(account, purpose=services.BANK_ACCOUNT_PURPOSE)
        masked = services.mask_bank_account(account)
        instalments = [(first, first_day)]
        if second_day is not None:
            instalments.append((agreement.total_amount - first, second_day))
        for amount, day in instalments:
            payments.append(
                Payment(
                    agreement=agreement,
                    project=project,
                    village_group_id=agreement.village_group_id,
                    amount=amount,
                    paid_on=day,
                    voucher_no=f"记-{day:%Y%m}-{len(payments) + 1:05d}",
                    payee_name=heads[agreement.household_id],
                    bank_account_ciphertext=sealed,
                    bank_account_masked=masked,
                    recorded_by=actor,
                )
            )
            agreement.paid_total += amount
        if agreement.paid_total >= agreement.total_amount:
            agreement.fully_paid_on = instalments[-1][1]
    Payment.objects.bulk_create(payments, batch_size=1000)
    Agreement.objects.bulk_update(agreements, ["paid_total", "fully_paid_on"], batch_size=500)

    items = []
    for agreement, agreement_items in zip(agreements, items_by_agreement, strict=True):
        for item in agreement_items:
            item.agreement = agreement
            items.append(item)
    AgreementItem.objects.bulk_create(items, batch_size=1000)

    holdings = []
    for plan in planned:
        for household, share in plan.holders:
            index = signed_holdings.get((id(plan), household.pk))
            holdings.append(
                ContractHolding(
                    parcel=plan.parcel,
                    household=household,
                    share_percent=share,
                    contract_right_ref=f"{household.number}-承包",
                    agreement=agreements[index] if index is not None else None,
                )
            )
    ContractHolding.objects.bulk_create(holdings, batch_size=1000)

    # Parcel status from its holders; about one fully paid parcel in eight already handed over.
    by_parcel: dict[int, list[ContractHolding]] = {}
    for holding in holdings:
        by_parcel.setdefault(holding.parcel.pk, []).append(holding)
    handovers = []
    changed = []
    for plan in planned:
        parcel = plan.parcel
        mine = by_parcel[parcel.pk]
        if any(h.agreement is None for h in mine):
            status = Parcel.Status.SURVEYED
        elif all(h.agreement.is_fully_paid for h in mine):
            status = Parcel.Status.PAID
            if rng.random() < 0.12:
                status = Parcel.Status.HANDED_OVER
                paid_on = max(h.agreement.fully_paid_on for h in mine)
                handovers.append(
                    Handover(
                        parcel=parcel,
                        handed_over_on=min(paid_on + timedelta(days=rng.randint(5, 40)), today),
                        recorded_by=actor,
                    )
                )
        else:
            status = Parcel.Status.AGREED
        if status != parcel.status:
            parcel.status = status
            changed.append(parcel)
    Parcel.objects.bulk_update(changed, ["status"], batch_size=1000)
    Handover.objects.bulk_create(handovers, batch_size=1000)

    # Contracted land: what each holder lost plus what it keeps outside the footprint.
    rights = []
    for household_id, shares in holdings_by_household.items():
        lost = sum((plan.parcel.area_mu * share / 100 for plan, share in shares), Decimal("0"))
        rights.append(
            ContractRight(
                household_id=household_id,
                certificate_no=f"5326221012{household_id:06d}J",
                contracted_area_mu=_quantize_area(lost + Decimal(str(round(rng.uniform(0.5, 6.0), 2)))),
            )
        )
    ContractRight.objects.bulk_create(rights, batch_size=1000)

    report.count("parcels", len(planned))
    report.count("land_agreements", len(agreements))
    report.count("land_payments", len(payments))
    report.count("handovers", len(handovers))


def land_demo_summary(project: Project) -> dict:
    """Figures the demo test checks (and a reader may quote)."""
    return {
        "parcels": Parcel.objects.filter(project=project).count(),
        "statuses": dict(
            Parcel.objects.filter(project=project).values_list("status").annotate(n=Count("*")).order_by()
        ),
    }
