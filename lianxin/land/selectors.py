"""Reads of the land acquisition ledger (征地台账), always scoped to the user's jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.core import workdays
from lianxin.core.permissions import get_scoped_or_404, scope_to_user
from lianxin.enterprises.models import Project
from lianxin.people.models import Household, Person
from lianxin.regions.models import Region

from .models import (
    Agreement,
    CompensationStandard,
    ContractHolding,
    ContractRight,
    Handover,
    LandClass,
    Parcel,
    Payment,
    ProcedureMilestone,
)

ZERO = Decimal("0")
AREA_STEP = Decimal("0.0001")
PRE_ANNOUNCEMENT_MIN_WORKDAYS = 10
PLAN_ANNOUNCEMENT_MIN_DAYS = 30


# --- parcels, holders ----------------------------------------------------------------------------


def land_class_list() -> QuerySet[LandClass]:
    return LandClass.objects.all()


def land_project_list(*, user) -> QuerySet[Project]:
    """Projects that have land in the user's scope (a village cadre sees the projects touching its villages)."""
    parcels = scope_to_user(Parcel.objects.all(), user, aggregate=True)
    if user.has_perm("land.view_parcel"):
        parcels = parcels | scope_to_user(Parcel.objects.all(), user)
    # EXISTS stops at a project's first parcel; IN (SELECT project_id …) reads every parcel.
    return Project.objects.filter(Exists(parcels.filter(project=OuterRef("pk")))).order_by("name")


def parcel_project_choices(*, user) -> QuerySet[Project]:
    """Projects a user may register parcels for: those the user can see, and those already with land in scope."""
    visible = scope_to_user(Project.objects.all(), user).values("pk")
    return Project.objects.filter(Q(pk__in=visible) | Q(pk__in=land_project_list(user=user).values("pk"))).order_by(
        "name"
    )


def land_village_group_list(*, user, project: Project | None = None) -> QuerySet[Region]:
    """Village groups with parcels in the user's scope, for filters."""
    parcels = scope_to_user(Parcel.objects.all(), user)
    if project:
        parcels = parcels.filter(project=project)
    return Region.objects.filter(pk__in=parcels.values("village_group_id")).select_related("parent").order_by("path")


def land_village_and_group_list(*, user) -> QuerySet[Region]:
    """The village groups with parcels in the user's scope, their villages and townships: a filter that takes a
    village or a township filters its whole subtree."""
    groups = land_village_group_list(user=user)
    return (
        Region.objects.filter(
            Q(pk__in=groups.values("pk"))
            | Q(pk__in=groups.values("parent_id"))
            | Q(pk__in=groups.values("parent__parent_id"), level=Region.Level.TOWNSHIP)
        )
        .select_related("parent")
        .order_by("path")
    )


def _region_filter(qs: QuerySet, region: Region | None, lookup: str) -> QuerySet:
    if region is None:
        return qs
    if region.level == Region.Level.VILLAGE_GROUP:
        return qs.filter(**{lookup: region})
    return qs.filter(**{f"{lookup}__path__startswith": region.path})


def parcel_list(
    *,
    user,
    project: Project | None = None,
    village_group: Region | None = None,
    land_class: LandClass | None = None,
    status: str = "",
    q: str = "",
    mismatch: bool = False,
    reached: str = "",
    handed_over_from: date | None = None,
    handed_over_to: date | None = None,
) -> QuerySet[Parcel]:
    """Parcels in scope with the list filters (project, village group or village, class, status, code);
    ``reached``: the status or a later one (``STATUS_ORDER``); the hand-over dates are inclusive."""
    # The project comes by a second query (a page holds one or two): joined, SQLite sorts the whole
    # filtered table before it can take a keyset page.
    qs = scope_to_user(
        Parcel.objects.select_related("village_group__parent", "land_class")
        .prefetch_related("project")
        .defer("geometry"),
        user,
    )
    if project:
        qs = qs.filter(project=project)
    qs = _region_filter(qs, village_group, "village_group")
    if land_class:
        qs = qs.filter(land_class=land_class)
    if status:
        qs = qs.filter(status=status)
    if reached:
        order = [s.value for s in STATUS_ORDER]
        if reached in order and order.index(reached) > 0:
            qs = qs.filter(status__in=order[order.index(reached) :])
    if handed_over_from:
        qs = qs.filter(handover__handed_over_on__gte=handed_over_from)
    if handed_over_to:
        qs = qs.filter(handover__handed_over_on__lte=handed_over_to)
    if q:
        qs = qs.filter(code__icontains=q.strip())
    if mismatch:
        tolerance = settings.LIANXIN_AREA_TOLERANCE
        qs = qs.filter(computed_area_mu__isnull=False).filter(
            Q(computed_area_mu__gt=F("area_mu") * (1 + tolerance))
            | Q(computed_area_mu__lt=F("area_mu") * (1 - tolerance))
        )
    return qs


def scope_covers_project(*, user, project: Project) -> bool:
    """Whether the user's scope holds every parcel of the project (a township leader) or only some (a village
    cadre): figures are then labelled 全项目 or with the user's scope. Two counts, no rows."""
    everything = Parcel.objects.filter(project=project)
    return _progress_scope(everything, user).count() == everything.count()


def parcel_totals(qs: QuerySet[Parcel]) -> dict:
    """Count and area of a (filtered) parcel list, for its 合计 row."""
    totals = qs.order_by().aggregate(n=Count("*"), area_mu=Sum("area_mu"))
    return {"count": totals["n"], "area_mu": _area(totals["area_mu"])}


def parcel_get(*, user, pk: int) -> Parcel:
    return get_scoped_or_404(
        Parcel.objects.select_related("project", "village_group__parent", "land_class"), user, pk=pk
    )


def holding_list(
    *, user, parcel: Parcel | None = None, household: Household | None = None, project: Project | None = None
) -> QuerySet[ContractHolding]:
    qs = scope_to_user(
        ContractHolding.objects.select_related(
            "parcel__land_class", "parcel__village_group", "household__village_group", "agreement"
        ),
        user,
    ).annotate(head_name=_head_name("household_id"))
    if parcel:
        qs = qs.filter(parcel=parcel)
    if household:
        qs = qs.filter(household=household)
    if project:
        qs = qs.filter(parcel__project=project)
    return qs


def _head_name(household_ref: str):
    return Subquery(
        Person.objects.filter(household_id=OuterRef(household_ref), relation=Person.Relation.HEAD).values("name")[:1]
    )


def household_get(*, user, pk: int) -> Household:
    return get_scoped_or_404(
        Household.objects.select_related("village_group__parent").annotate(head_name=_head_name("pk")), user, pk=pk
    )


def household_search(*, user, q: str, limit: int = 20) -> list[Household]:
    """Households in scope holding land, by household number or head name (for choosing on the agreement form)."""
    qs = scope_to_user(Household.objects.select_related("village_group"), user).filter(
        pk__in=ContractHolding.objects.values("household_id")
    )
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(members__name__icontains=q, members__relation="head"))
    return list(qs.annotate(head_name=_head_name("pk")).order_by("pk").distinct()[:limit])


# --- standards -----------------------------------------------------------------------------------


def standard_list(*, user, item: str = "", on: date | None = None, region: Region | None = None):
    qs = scope_to_user(CompensationStandard.objects.select_related("region", "land_class"), user)
    # A village cadre also needs the township's standards that apply to its villages.
    if user.has_perm("land.view_compensationstandard") and user.scope_region_id:
        ancestors = [int(pk) for pk in user.scope_region.path.strip("/").split("/") if pk]
        qs = qs | CompensationStandard.objects.filter(region_id__in=ancestors).select_related("region", "land_class")
    if item:
        qs = qs.filter(item=item)
    if region:
        qs = qs.filter(region=region)
    if on:
        qs = qs.filter(effective_from__lte=on).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
    return qs.distinct()


def standard_get(*, user, pk: int) -> CompensationStandard:
    return get_scoped_or_404(CompensationStandard.objects.select_related("region", "land_class"), user, pk=pk)


# --- agreements and payments ---------------------------------------------------------------------


def agreement_list(
    *,
    user,
    project: Project | None = None,
    household: Household | None = None,
    village_group: Region | None = None,
    q: str = "",
    unpaid: bool = False,
    signed_from: date | None = None,
    signed_to: date | None = None,
) -> QuerySet[Agreement]:
    """Agreements in scope; ``q`` finds an agreement or household number, ``unpaid`` keeps those with a balance
    (未兑付完毕); signed within the dates (inclusive)."""
    qs = scope_to_user(
        Agreement.objects.select_related("project", "household", "village_group__parent"), user
    ).annotate(head_name=_head_name("household_id"))
    if project:
        qs = qs.filter(project=project)
    if household:
        qs = qs.filter(household=household)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(household__number=q))
    if unpaid:
        qs = qs.filter(paid_total__lt=F("total_amount"))
    if signed_from:
        qs = qs.filter(signed_on__gte=signed_from)
    if signed_to:
        qs = qs.filter(signed_on__lte=signed_to)
    return _region_filter(qs, village_group, "village_group")


def agreement_get(*, user, pk: int) -> Agreement:
    return get_scoped_or_404(
        Agreement.objects.select_related("project", "household", "village_group__parent", "signed_by").annotate(
            head_name=_head_name("household_id")
        ),
        user,
        pk=pk,
    )


def payment_list(
    *,
    user,
    agreement: Agreement | None = None,
    project: Project | None = None,
    village_group: Region | None = None,
    q: str = "",
    unpaid: bool = False,
    paid_from: date | None = None,
    paid_to: date | None = None,
) -> QuerySet[Payment]:
    """Payments in scope; ``q`` finds a voucher, agreement or household number, ``unpaid`` keeps the payments
    of agreements that still have a balance (未兑付完毕); paid within the dates (inclusive)."""
    qs = scope_to_user(Payment.objects.select_related("agreement", "recorded_by", "reverses"), user).annotate(
        reversal_id=Subquery(Payment.objects.filter(reverses=OuterRef("pk")).values("pk")[:1])
    )
    if agreement:
        qs = qs.filter(agreement=agreement)
    if project:
        qs = qs.filter(project=project)
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(voucher_no__icontains=q)
            | Q(reverses__voucher_no__icontains=q)
            | Q(agreement__number__icontains=q)
            | Q(agreement__household__number=q)
        )
    if unpaid:
        qs = qs.filter(agreement__paid_total__lt=F("agreement__total_amount"))
    if paid_from:
        qs = qs.filter(paid_on__gte=paid_from)
    if paid_to:
        qs = qs.filter(paid_on__lte=paid_to)
    return _region_filter(qs, village_group, "village_group")


def payment_get(*, user, pk: int) -> Payment:
    return get_scoped_or_404(Payment.objects.select_related("agreement"), user, pk=pk)


# --- per household (for the livelihood module) ---------------------------------------------------


@dataclass
class HouseholdLandFigures:
    """A household's land after acquisition (失地情况)."""

    mu_lost: Decimal
    contracted_area_mu: Decimal | None
    remaining_mu: Decimal | None
    members: int
    per_capita_remaining_mu: Decimal | None
    agreed_total: Decimal = ZERO
    paid_total: Decimal = ZERO
    parcels: int = 0
    extra: dict = field(default_factory=dict)


def household_land_figures(household: Household) -> HouseholdLandFigures:
    """Mu lost (shares of parcels under a signed agreement), contracted land remaining (承包面积 less mu lost,
    never below 0; None when the contracted area is unknown) and remaining land per registered person.

    The caller has already scoped ``household`` to its user."""
    lost = ZERO
    parcels = 0
    for area_mu, share in ContractHolding.objects.filter(household=household, agreement__isnull=False).values_list(
        "parcel__area_mu", "share_percent"
    ):
        lost += area_mu * share / 100
        parcels += 1
    lost = lost.quantize(AREA_STEP, rounding=ROUND_HALF_UP)
    right = ContractRight.objects.filter(household=household).first()
    contracted = right.contracted_area_mu if right else None
    remaining = max(contracted - lost, ZERO) if contracted is not None else None
    members = Person.objects.filter(household=household).count()
    per_capita = (
        (remaining / members).quantize(AREA_STEP, rounding=ROUND_HALF_UP) if remaining is not None and members else None
    )
    money = Agreement.objects.filter(household=household).aggregate(t=Sum("total_amount"), p=Sum("paid_total"))
    return HouseholdLandFigures(
        mu_lost=lost,
        contracted_area_mu=contracted,
        remaining_mu=remaining,
        members=members,
        per_capita_remaining_mu=per_capita,
        agreed_total=money["t"] or ZERO,
        paid_total=money["p"] or ZERO,
        parcels=parcels,
    )


# --- procedure -----------------------------------------------------------------------------------


@dataclass
class ProcedureRow:
    step: str
    label: str
    milestone: ProcedureMilestone | None
    done: bool
    warnings: list[str]
    ledger: str = ""  # what the ledger says of this step (签订协议, 补偿兑付, 交付用地), e.g. 已交地 121/1,263 块
    ledger_state: str = ""  # "" (nothing yet), "in_progress" or "done"


def _ledger_progress(project: Project) -> dict[str, tuple[str, str]]:
    """Steps 6, 9 and 10 read from the ledger itself (parcels, agreements, payments, hand-overs): the procedure
    page can never say 未开始 while parcels are handed over. Three aggregates over the project."""
    from lianxin.core import formats

    Step = ProcedureMilestone.Step
    parcels = Parcel.objects.filter(project=project).aggregate(
        total=Count("*"),
        agreed=Count("pk", filter=~Q(status=Parcel.Status.SURVEYED)),
        handed=Count("pk", filter=Q(status=Parcel.Status.HANDED_OVER)),
    )
    money = Agreement.objects.filter(project=project).aggregate(
        n=Count("*"),
        paid_off=Count("pk", filter=Q(total_amount__gt=0, paid_total__gte=F("total_amount"))),
        agreed=Sum("total_amount"),
        paid=Sum("paid_total"),
    )
    total = parcels["total"] or 0

    def state(done: int, whole: int) -> str:
        if not done:
            return ""
        return "done" if whole and done >= whole else "in_progress"

    result = {}
    if total:
        result[Step.AGREEMENTS.value] = (
            _("已签协议地块 %(n)s/%(total)s 块")
            % {"n": formats.number(parcels["agreed"], 0), "total": formats.number(total, 0)},
            state(parcels["agreed"], total),
        )
        result[Step.HANDOVER.value] = (
            _("已交地 %(n)s/%(total)s 块")
            % {"n": formats.number(parcels["handed"], 0), "total": formats.number(total, 0)},
            state(parcels["handed"], total),
        )
    if money["n"]:
        paid, agreed = money["paid"] or ZERO, money["agreed"] or ZERO
        result[Step.PAYMENT.value] = (
            _("兑付完毕协议 %(n)s/%(total)s 份,已兑付 %(paid)s / %(agreed)s 元")
            % {
                "n": formats.number(money["paid_off"], 0),
                "total": formats.number(money["n"], 0),
                "paid": formats.money(paid),
                "agreed": formats.money(agreed),
            },
            state(money["paid_off"], money["n"]) if paid else "",
        )
    return result


def procedure_status(*, project: Project) -> dict:
    """The statutory steps in order with what is done, the next step and warnings (out of order, short
    announcement periods: pre-announcement ≥ 10 working days, compensation plan ≥ 30 days)."""
    by_step = {m.step: m for m in ProcedureMilestone.objects.filter(project=project)}
    steps = list(ProcedureMilestone.Step)
    rows: list[ProcedureRow] = []
    general: list[str] = []
    next_step = None

    def first_date(m: ProcedureMilestone | None) -> date | None:
        if m is None:
            return None
        return m.started_on or m.completed_on

    ledger = _ledger_progress(project)
    for index, step in enumerate(steps):
        milestone = by_step.get(step.value)
        warnings: list[str] = []
        ledger_text, ledger_state = ledger.get(step.value, ("", ""))
        done = bool(milestone and milestone.is_done) or ledger_state == "done"
        begun = first_date(milestone)
        if begun:
            for earlier in steps[:index]:
                before = by_step.get(earlier.value)
                if before and before.not_required:
                    continue
                if first_date(before) is None:
                    warnings.append(_("前序环节“%(step)s”尚无记录") % {"step": earlier.label})
                elif first_date(before) > begun:
                    warnings.append(
                        _("开始日期早于前序环节“%(step)s”(%(day)s),顺序不当")
                        % {"step": earlier.label, "day": first_date(before)}
                    )
        if milestone and milestone.started_on and milestone.completed_on:
            if step == ProcedureMilestone.Step.PRE_ANNOUNCEMENT:
                posted = workdays.workdays_between(milestone.started_on - timedelta(days=1), milestone.completed_on)
                if posted < PRE_ANNOUNCEMENT_MIN_WORKDAYS:
                    warnings.append(
                        _("预公告期仅%(n)d个工作日,少于法定的%(min)d个工作日")
                        % {"n": posted, "min": PRE_ANNOUNCEMENT_MIN_WORKDAYS}
                    )
            if step == ProcedureMilestone.Step.PLAN_ANNOUNCEMENT:
                days = (milestone.completed_on - milestone.started_on).days + 1
                if days < PLAN_ANNOUNCEMENT_MIN_DAYS:
                    warnings.append(
                        _("补偿安置方案公告期仅%(n)d日,少于法定的%(min)d日")
                        % {"n": days, "min": PLAN_ANNOUNCEMENT_MIN_DAYS}
                    )
        if not done and next_step is None:
            next_step = step
        rows.append(ProcedureRow(step.value, step.label, milestone, done, warnings, ledger_text, ledger_state))
    plan = by_step.get(ProcedureMilestone.Step.PLAN_ANNOUNCEMENT.value)
    first_signed = Agreement.objects.filter(project=project).aggregate(d=Min("signed_on"))["d"]
    if first_signed and (plan is None or plan.completed_on is None or first_signed <= plan.completed_on):
        general.append(_("第一份补偿协议签订于%(day)s,早于补偿安置方案公告期满") % {"day": first_signed})
    first_handover = Handover.objects.filter(parcel__project=project).aggregate(d=Min("handed_over_on"))["d"]
    return {
        "rows": rows,
        "next_step": next_step,
        "warnings": general,
        "warning_count": sum(len(r.warnings) for r in rows) + len(general),
        "first_signed": first_signed,
        "first_handover": first_handover,
    }


# --- progress ------------------------------------------------------------------------------------


def _progress_scope(qs: QuerySet, user) -> QuerySet:
    return scope_to_user(qs, user, aggregate=True)


STATUS_ORDER = [Parcel.Status.SURVEYED, Parcel.Status.AGREED, Parcel.Status.PAID, Parcel.Status.HANDED_OVER]


def _cumulative(by_status: dict[str, tuple[int, Decimal]]) -> list[dict]:
    """Parcels and mu that reached at least each status (a paid parcel is also agreed and surveyed)."""
    rows = []
    for index, status in enumerate(STATUS_ORDER):
        reached = STATUS_ORDER[index:]
        rows.append(
            {
                "status": status.value,
                "label": str(status.label),
                "parcels": sum(by_status.get(s, (0, ZERO))[0] for s in reached),
                "area_mu": sum((by_status.get(s, (0, ZERO))[1] for s in reached), ZERO),
            }
        )
    return rows


def land_progress(*, user, project: Project, village_group: Region | None = None) -> dict:
    """Progress of a project's acquisition (征地进度), in SQL aggregates only: parcels and mu per status,
    households signed of all holders, money agreed vs paid. Cheap at county scale (indexed GROUP BYs)."""
    parcels = _region_filter(
        _progress_scope(Parcel.objects.filter(project=project), user), village_group, "village_group"
    )
    by_status = {
        row["status"]: (row["n"], _area(row["mu"]))
        for row in parcels.order_by().values("status").annotate(n=Count("*"), mu=Sum("area_mu"))
    }
    holdings = _region_filter(
        _progress_scope(ContractHolding.objects.filter(parcel__project=project), user),
        village_group,
        "parcel__village_group",
    )
    # One row per holder household (GROUP BY), then counted: cheaper than COUNT(DISTINCT) on PostgreSQL.
    # A household counts as signed when every share it holds in the project is under an agreement.
    per_household = (
        holdings.order_by().values("household_id").annotate(held=Count("id"), signed_shares=Count("agreement_id"))
    )
    households = per_household.aggregate(
        total=Count("household_id"), signed=Count("household_id", filter=Q(signed_shares=F("held")))
    )
    agreements = _region_filter(
        _progress_scope(Agreement.objects.filter(project=project), user), village_group, "village_group"
    )
    money = agreements.order_by().aggregate(
        n=Count("*"),
        agreed=Sum("total_amount"),
        paid=Sum("paid_total"),
        fully_paid=Count("id", filter=Q(paid_total__gte=F("total_amount"))),
    )
    agreed, paid = _yuan(money["agreed"]), _yuan(money["paid"])
    statuses = _cumulative(by_status)
    total_mu = statuses[0]["area_mu"]
    for row in statuses:
        row["percent"] = (row["area_mu"] * 100 / total_mu).quantize(Decimal("0.1")) if total_mu else ZERO
    return {
        "statuses": statuses,
        "parcels_total": statuses[0]["parcels"],
        "area_total_mu": total_mu,
        "households_total": households["total"] or 0,
        "households_signed": households["signed"] or 0,
        "agreements": money["n"] or 0,
        "agreements_fully_paid": money["fully_paid"] or 0,
        "money_agreed": agreed,
        "money_paid": paid,
        "money_unpaid": agreed - paid,
        "paid_percent": (paid * 100 / agreed).quantize(Decimal("0.1")) if agreed else ZERO,
    }


def _area(value) -> Decimal:
    # SQLite sums decimals as floats: 4126.49999999999 is 4126.5000 mu.
    return Decimal(value or 0).quantize(AREA_STEP, rounding=ROUND_HALF_UP)


def _yuan(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def land_progress_by_group(*, user, project: Project, village_group: Region | None = None) -> list[dict]:
    """One row per village group: parcels and mu per status, money agreed and paid (two GROUP BYs)."""
    parcels = _region_filter(
        _progress_scope(Parcel.objects.filter(project=project), user), village_group, "village_group"
    )
    rows: dict[int, dict] = {}
    for row in parcels.order_by().values("village_group_id", "status").annotate(n=Count("*"), mu=Sum("area_mu")):
        entry = rows.setdefault(row["village_group_id"], {"by_status": {}})
        entry["by_status"][row["status"]] = (row["n"], _area(row["mu"]))
    agreements = _region_filter(
        _progress_scope(Agreement.objects.filter(project=project), user), village_group, "village_group"
    )
    money = {
        row["village_group_id"]: row
        for row in agreements.order_by()
        .values("village_group_id")
        .annotate(agreed=Sum("total_amount"), paid=Sum("paid_total"))
    }
    groups = Region.objects.filter(pk__in=rows.keys()).select_related("parent").order_by("path")
    result = []
    for group in groups:
        statuses = _cumulative(rows[group.pk]["by_status"])
        m = money.get(group.pk, {})
        result.append(
            {
                "village_group": group,
                "statuses": statuses,
                "money_agreed": _yuan(m.get("agreed")),
                "money_paid": _yuan(m.get("paid")),
            }
        )
    return result


def land_trend(*, user, project: Project, village_group: Region | None = None) -> dict:
    """Monthly cumulative series (趋势): money agreed, money paid, parcels handed over. Grouped in SQL by month."""
    agreements = _region_filter(
        _progress_scope(Agreement.objects.filter(project=project), user), village_group, "village_group"
    )
    payments = _region_filter(
        _progress_scope(Payment.objects.filter(project=project), user), village_group, "village_group"
    )
    handovers = _region_filter(
        _progress_scope(Handover.objects.filter(parcel__project=project), user), village_group, "parcel__village_group"
    )
    # Grouped by the date column itself (an index scan; TruncMonth costs a function call per row on
    # SQLite), months folded in Python from at most one row per day.
    agreed = _by_month(agreements, "signed_on", Sum("total_amount"), _yuan)
    paid = _by_month(payments, "paid_on", Sum("amount"), _yuan)
    handed = _by_month(handovers, "handed_over_on", Sum("parcel__area_mu"), _area)
    months = sorted({_month(m) for m in [*agreed, *paid, *handed] if m is not None})
    if not months:
        return {"months": [], "agreed": [], "paid": [], "handed_over_mu": []}
    series = {"months": [], "agreed": [], "paid": [], "handed_over_mu": []}
    totals = [ZERO, ZERO, ZERO]
    normalised = [{_month(k): v for k, v in d.items() if k is not None} for d in (agreed, paid, handed)]
    month = months[0]
    while month <= months[-1]:
        for i, d in enumerate(normalised):
            totals[i] += d.get(month) or ZERO
        series["months"].append(f"{month:%Y-%m}")
        series["agreed"].append(str(totals[0]))
        series["paid"].append(str(totals[1]))
        series["handed_over_mu"].append(str(totals[2]))
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return series


def _month(value) -> date:
    return date(value.year, value.month, 1)


def _by_month(qs: QuerySet, day_field: str, total, convert) -> dict[date, Decimal]:
    months: dict[date, Decimal] = {}
    for day, amount in qs.order_by().values_list(day_field).annotate(s=total):
        if day is not None:
            month = _month(day)
            months[month] = months.get(month, ZERO) + convert(amount)
    return months


def stalled_households(
    *, user, project: Project, days: int | None = None, village_group: Region | None = None
) -> QuerySet[Household]:
    """Households holding parcels surveyed more than ``days`` ago (default settings.LIANXIN_LAND_STALLED_DAYS)
    without an agreement for them (久拖未签), each with its oldest survey date, parcel count and area."""
    days = settings.LIANXIN_LAND_STALLED_DAYS if days is None else days
    cutoff = timezone.localdate() - timedelta(days=days)
    stalled = ContractHolding.objects.filter(
        parcel__project=project, agreement__isnull=True, parcel__surveyed_on__lte=cutoff
    ).exclude(parcel__status=Parcel.Status.HANDED_OVER)
    stalled = _region_filter(stalled, village_group, "parcel__village_group")
    per_household = stalled.filter(household_id=OuterRef("pk")).order_by().values("household_id")
    qs = scope_to_user(Household.objects.select_related("village_group__parent"), user).filter(
        pk__in=stalled.values("household_id")
    )
    return qs.annotate(
        head_name=_head_name("pk"),
        stalled_since=Subquery(per_household.annotate(d=Min("parcel__surveyed_on")).values("d")[:1]),
        stalled_parcels=Subquery(per_household.annotate(n=Count("*")).values("n")[:1]),
    )


def stalled_parcel_ids(
    *, project: Project, households: list[Household], days: int | None = None
) -> dict[int, list[int]]:
    """The stalled parcels of a page of households, in one query (for the cases hook)."""
    days = settings.LIANXIN_LAND_STALLED_DAYS if days is None else days
    cutoff = timezone.localdate() - timedelta(days=days)
    result: dict[int, list[int]] = {h.pk: [] for h in households}
    for household_id, parcel_id in ContractHolding.objects.filter(
        household__in=households, parcel__project=project, agreement__isnull=True, parcel__surveyed_on__lte=cutoff
    ).values_list("household_id", "parcel_id"):
        result[household_id].append(parcel_id)
    return result
