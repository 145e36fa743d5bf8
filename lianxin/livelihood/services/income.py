"""Writes of the register's rule and of income: rules (失地农民认定标准), price indices, surveys (收入调查) and the
one-click follow-up of a household whose income fell (a case in the cases app)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.cases.models import Case, CaseParty
from lianxin.cases.services import dispute_register
from lianxin.core.audit import acting_as
from lianxin.core.errors import DomainError
from lianxin.people.models import Household

from ..models import ContactTask, FollowUp, IncomeSurvey, LandlessRule, PriceIndex
from .common import require, require_in_scope
from .register import landless_status_refresh

SOURCES = ("agriculture", "wages", "business", "transfers", "property_income")


def rule_save(
    *,
    actor,
    rule: LandlessRule | None = None,
    name: str,
    valid_from: date,
    valid_to: date | None,
    max_mu_per_person: Decimal | None,
    min_share_lost_percent: Decimal | None,
    working_age_from: int = 16,
    working_age_to_male: int = 60,
    working_age_to_female: int = 55,
    basis: str = "",
) -> LandlessRule:
    """Add or change the landless rule of a date range; ranges may not overlap (one rule applies on any day)."""
    require(actor, "livelihood.change_landlessrule" if rule else "livelihood.add_landlessrule")
    if max_mu_per_person is None and min_share_lost_percent is None:
        raise DomainError(_("人均剩余耕地和被征地比例至少填写一项"), field="max_mu_per_person")
    if valid_to is not None and valid_to < valid_from:
        raise DomainError(_("截止日期不能早于起始日期"), field="valid_to")
    if not working_age_from < min(working_age_to_male, working_age_to_female):
        raise DomainError(_("劳动年龄上限应大于下限"), field="working_age_to_female")
    with transaction.atomic(), acting_as(actor):
        others = LandlessRule.objects.select_for_update().exclude(pk=rule.pk if rule else None)
        for other in others:
            ends = other.valid_to or date.max
            mine_ends = valid_to or date.max
            if other.valid_from <= mine_ends and valid_from <= ends:
                raise DomainError(
                    _("起止日期与认定标准“%(name)s”重叠,同一天只能适用一个标准") % {"name": other.name},
                    field="valid_from",
                )
        rule = rule or LandlessRule()
        rule.name = name.strip()
        rule.valid_from, rule.valid_to = valid_from, valid_to
        rule.max_mu_per_person, rule.min_share_lost_percent = max_mu_per_person, min_share_lost_percent
        rule.working_age_from = working_age_from
        rule.working_age_to_male, rule.working_age_to_female = working_age_to_male, working_age_to_female
        rule.basis = basis.strip()
        rule.full_clean()
        rule.save()
        landless_status_refresh()  # a rule change decides every household again
    return rule


def price_index_set(*, actor, year: int, index: Decimal) -> PriceIndex:
    """The consumer price index of a year (base = 100) for incomes in real terms."""
    require(actor, "livelihood.change_priceindex")
    if index <= 0:
        raise DomainError(_("价格指数必须大于0"), field="index")
    with transaction.atomic(), acting_as(actor):
        row, _created = PriceIndex.objects.get_or_create(year=year, defaults={"index": index})
        if row.index != index:
            row.index = index
            row.full_clean()
            row.save()
    return row


YEAR_MIN, YEAR_MAX = 1990, 2100
PERSONS_MAX = 99


def survey_values_check(
    *, year: int, kind: str, surveyed_on: date, persons: int, values: Mapping[str, Decimal | None]
) -> None:
    """The rules of one survey by itself (收入调查), shared by the page, the API and the import: a known type,
    a year within range, the survey date not before the year surveyed, 1–99 persons, no negative income."""
    for name, value in values.items():
        if value is None or value < 0:
            label = str(IncomeSurvey._meta.get_field(name).verbose_name)
            raise DomainError(_("%(label)s不能为负数") % {"label": label}, field=name)
    if kind not in IncomeSurvey.Kind.values:
        raise DomainError(_("请选择调查类型"), field="kind")
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise DomainError(_("年度应在%(min)s至%(max)s年之间") % {"min": YEAR_MIN, "max": YEAR_MAX}, field="year")
    if surveyed_on.year < year:
        raise DomainError(_("调查日期不能早于所调查的年度"), field="surveyed_on")
    if not 1 <= persons <= PERSONS_MAX:
        raise DomainError(_("家庭人口应在1至%(max)s人之间") % {"max": PERSONS_MAX}, field="persons")


def survey_order_check(*, year: int, kind: str, others: Mapping[int, str]) -> None:
    """The rules of a survey against the household's others (``others``: year → kind, the stored survey of
    ``year`` included): one baseline per household, yearly surveys after the baseline year."""
    base_year = next((y for y, k in others.items() if k == IncomeSurvey.Kind.BASELINE), None)
    if kind == IncomeSurvey.Kind.BASELINE and base_year is not None and base_year != year:
        raise DomainError(_("该户已有%(year)s年的基线调查,每户只有一次基线调查") % {"year": base_year}, field="kind")
    if kind == IncomeSurvey.Kind.YEARLY and base_year is not None and year <= base_year:
        raise DomainError(_("年度调查的年度应晚于基线年度(%(year)s年)") % {"year": base_year}, field="year")
    if kind == IncomeSurvey.Kind.BASELINE and any(
        y <= year for y, k in others.items() if k == IncomeSurvey.Kind.YEARLY
    ):
        raise DomainError(_("基线年度应早于已有的年度调查"), field="year")


def survey_record(
    *,
    actor,
    household: Household,
    year: int,
    kind: str,
    surveyed_on: date,
    persons: int,
    agriculture: Decimal = Decimal("0"),
    wages: Decimal = Decimal("0"),
    business: Decimal = Decimal("0"),
    transfers: Decimal = Decimal("0"),
    property_income: Decimal = Decimal("0"),
    note: str = "",
) -> IncomeSurvey:
    """Record (or correct) a household's income of one year by source; the total is the sum. One baseline per
    household, and yearly surveys come after the baseline year (the import, ``ledger.IncomeSurveyLedger``,
    applies the same two checks)."""
    require(actor, "livelihood.add_incomesurvey")
    require_in_scope(actor, household, field="household", label=_("该户"))
    values = {
        "agriculture": agriculture,
        "wages": wages,
        "business": business,
        "transfers": transfers,
        "property_income": property_income,
    }
    survey_values_check(year=year, kind=kind, surveyed_on=surveyed_on, persons=persons, values=values)
    with transaction.atomic(), acting_as(actor):
        existing = {s.year: s for s in IncomeSurvey.objects.select_for_update().filter(household=household)}
        survey_order_check(year=year, kind=kind, others={y: s.kind for y, s in existing.items()})
        survey = existing.get(year) or IncomeSurvey(household=household, year=year)
        survey.village_group_id = household.village_group_id
        survey.kind = kind
        survey.surveyed_on = surveyed_on
        survey.persons = persons
        survey.note = note.strip()
        for name, value in values.items():
            setattr(survey, name, value)
        survey.total = sum(values.values(), Decimal("0"))
        survey.full_clean()
        survey.save()
    return survey


def follow_up_register(*, actor, household: Household, year: int, note: str = "") -> FollowUp:
    """From the alert list, one click: a case (矛盾纠纷 of category 其他, the household as the applicant) for the
    household whose income fell in ``year``; once per household and year."""
    require(actor, "livelihood.add_followup")
    require(actor, "cases.add_case")
    require_in_scope(actor, household, field="household", label=_("该户"))
    from ..selectors.income import comparison_for

    comparison = comparison_for(household=household, year=year)
    if comparison is None or not comparison.worse_off:
        raise DomainError(_("该户%(year)s年收入未低于基线,无需跟进") % {"year": year}, field="year")
    with transaction.atomic():
        if FollowUp.objects.select_for_update().filter(household=household, year=year).exists():
            raise DomainError(_("该户%(year)s年的收入下降已登记跟进") % {"year": year}, field="year")
        head = household.members.filter(relation="head").first()
        description = _(
            "收入调查显示该户%(year)s年家庭收入%(after)s元,低于征地前基线%(before)s元(下降%(percent)s%%)。%(note)s"
        ) % {
            "year": year,
            "after": comparison.after,
            "before": comparison.before,
            "percent": comparison.change_percent.copy_abs() if comparison.change_percent is not None else "",
            "note": note.strip(),
        }
        case = dispute_register(
            actor=actor,
            title=_("失地农民收入下降跟进:%(household)s户") % {"household": household.number or household.pk},
            description=description,
            region=household.village_group,
            category=Case.DisputeCategory.OTHER,
            parties=[(CaseParty.Role.APPLICANT, head or household)],
        )
        with acting_as(actor):
            follow_up = FollowUp(
                household=household,
                village_group_id=household.village_group_id,
                year=year,
                case=case,
                created_by=actor,
            )
            follow_up.full_clean()
            follow_up.save()
    return follow_up


def contact_task_create(*, actor, household: Household, year: int, note: str = "") -> ContactTask:
    """From the alert list, the second one click: hand the follow-up of a household whose income fell in ``year`` to
    its contact member (联户党员, the active ``party.MemberHouseholdLink``); once per household and year. It reaches
    the member's 待办 when the member has an account."""
    require(actor, "livelihood.add_contacttask")
    require_in_scope(actor, household, field="household", label=_("该户"))
    from lianxin.party.models import MemberHouseholdLink

    from ..selectors.income import comparison_for

    comparison = comparison_for(household=household, year=year)
    if comparison is None or not comparison.worse_off:
        raise DomainError(_("该户%(year)s年收入未低于基线,无需跟进") % {"year": year}, field="year")
    link = (
        MemberHouseholdLink.objects.filter(household=household, until__isnull=True)
        .select_related("member__person")
        .first()
    )
    if link is None:
        raise DomainError(_("该户没有联户党员,请先在党建模块确定联户党员或登记跟进案件"), field="household")
    with transaction.atomic(), acting_as(actor):
        if ContactTask.objects.select_for_update().filter(household=household, year=year).exists():
            raise DomainError(_("该户%(year)s年的收入下降已交联户党员跟进") % {"year": year}, field="year")
        task = ContactTask(
            household=household,
            village_group_id=household.village_group_id,
            year=year,
            member=link.member,
            note=note.strip(),
            created_by=actor,
        )
        task.full_clean()
        task.save()
    return task


def contact_task_done(*, actor, task: ContactTask, result: str, done_on: date) -> ContactTask:
    """The contact member (through their account) or a cadre of the village records the visit: the task is done."""
    own = getattr(task.member, "account_id", None) == getattr(actor, "pk", None)
    if not own:
        require(actor, "livelihood.change_contacttask")
        require_in_scope(actor, task, field="task", label=_("该跟进事项"))
    if not (result or "").strip():
        raise DomainError(_("请填写跟进情况"), field="result")
    if done_on > timezone.localdate():
        raise DomainError(_("跟进日期不能晚于今天"), field="done_on")
    with transaction.atomic(), acting_as(actor):
        task = ContactTask.objects.select_for_update().get(pk=task.pk)
        if task.status == ContactTask.Status.DONE:
            raise DomainError(_("该跟进事项已办结"), field="task")
        task.status, task.result, task.done_on = ContactTask.Status.DONE, result.strip(), done_on
        task.full_clean()
        task.save()
    return task
