"""Members (党员): registering members who joined before (or elsewhere), their details, transfers of the membership
relation (append-only), secondment to temporary branches, household contacts, dues and the yearly evaluation."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.accounts.services import audit_batch
from lianxin.core.audit import acting_as
from lianxin.core.errors import DomainError
from lianxin.people.models import Household, Person

from ..models import (
    BRANCH_KINDS,
    DuesPayment,
    Language,
    Member,
    MemberEvaluation,
    MemberHouseholdLink,
    MembershipTransfer,
    Organization,
)
from ..rules import FARMER_RANGE, check_member_dates
from .common import require, require_organization

DETAIL_FIELDS = (
    "party_post",
    "education",
    "occupation",
    "non_resident",
    "residence",
    "dues_category",
    "monthly_income",
    "dues_fixed",
)


def _check_dues(member: Member) -> None:
    if member.dues_category in (Member.DuesCategory.SALARIED, Member.DuesCategory.RETIRED):
        if member.monthly_income is None or member.monthly_income < 0:
            raise DomainError(_("按工资或离退休费计算党费的,请填写月收入(税后)"), field="monthly_income")
    if member.dues_fixed is not None and not FARMER_RANGE[0] <= member.dues_fixed <= FARMER_RANGE[1]:
        raise DomainError(_("农民党员每月交纳党费0.2元至1元"), field="dues_fixed")


def _check_holding_organization(organization: Organization) -> None:
    if organization.kind not in BRANCH_KINDS or organization.kind == Organization.Kind.TEMPORARY_BRANCH:
        raise DomainError(_("组织关系应在党支部(临时党支部不转组织关系,请用“选派”)"), field="organization")
    if organization.dissolved_on is not None:
        raise DomainError(_("该党支部已撤销"), field="organization")


@transaction.atomic
def member_register(
    *,
    actor,
    person: Person,
    organization: Organization,
    stage: str,
    joined_on: date,
    applied_on: date | None = None,
    full_on: date | None = None,
    extended_months: int = 0,
    languages: Iterable[Language] = (),
    **details,
) -> tuple[Member, list[str]]:
    """Put a member who joined before the system (or elsewhere) on the books, with their dates checked by the
    pipeline's rules (``rules.check_member_dates``). The person is a people.Person: nothing is retyped."""
    require_organization(actor, organization, "party.add_member")
    _check_holding_organization(organization)
    if Member.objects.filter(person=person).exists():
        raise DomainError(_("%(name)s已登记,不能重复登记") % {"name": person.name}, field="person")
    warnings = check_member_dates(
        birth_date=person.birth_date,
        stage=stage,
        applied_on=applied_on,
        joined_on=joined_on,
        full_on=full_on,
        extended_months=extended_months or 0,
        today=timezone.localdate(),
    )
    member = Member(
        person=person,
        organization=organization,
        stage=stage,
        applied_on=applied_on,
        joined_on=joined_on,
        probation_ends_on=None,
        full_on=full_on,
        extended_months=extended_months or 0,
        **{k: v for k, v in details.items() if k in DETAIL_FIELDS},
    )
    from ..rules import add_months, add_years

    member.probation_ends_on = add_months(add_years(joined_on, 1), member.extended_months)
    _check_dues(member)
    member.full_clean(exclude=["person", "organization", "languages"])
    with acting_as(actor):
        try:
            member.save()
        except IntegrityError as exc:
            raise DomainError(_("%(name)s已登记,不能重复登记") % {"name": person.name}, field="person") from exc
        member.languages.set(list(languages))
        from .pipeline import pipeline_refresh, timeline_of

        pipeline_refresh(member, timeline=timeline_of(member, steps=[]))
    return member, warnings


@transaction.atomic
def member_update(*, actor, member: Member, languages: Iterable[Language] | None = None, **details) -> Member:
    """Change a member's details: post, education, occupation, languages, residence, dues basis."""
    require_organization(actor, member.organization, "party.change_member")
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise DomainError(_("不能在此修改:%(fields)s") % {"fields": "、".join(sorted(unknown))})
    for name, value in details.items():
        setattr(member, name, value)
    _check_dues(member)
    member.full_clean(exclude=["person", "organization", "languages"])
    with acting_as(actor):
        member.save()
        if languages is not None:
            member.languages.set(list(languages))
    return member


def member_account_set(*, actor, member: Member, account) -> Member:
    """Link a member to their own account (or unlink with None), so what is handed to them reaches their 待办."""
    require_organization(actor, member.organization, "party.change_member")
    if account is not None and Member.objects.filter(account=account).exclude(pk=member.pk).exists():
        raise DomainError(_("该账号已关联另一名党员"), field="account")
    member.account = account
    with acting_as(actor):
        member.save(update_fields=["account", "updated_at"])
    return member


@transaction.atomic
def member_transfer(
    *,
    actor,
    member: Member,
    direction: str,
    on: date,
    to_organization: Organization | None = None,
    external_unit: str = "",
    letter_number: str = "",
    reason: str = "",
) -> MembershipTransfer:
    """Transfer the membership relation (组织关系转接): between branches of the township, or out of it. The history
    is append-only; the member's relation follows. (Members transferring in are registered with
    ``member_register`` and then recorded here with ``direction=in``.)"""
    member = Member.objects.select_for_update().select_related("person", "organization").get(pk=member.pk)
    require_organization(actor, member.organization, "party.add_membershiptransfer")
    if on > timezone.localdate():
        raise DomainError(_("转接日期不能晚于今天"), field="transferred_on")
    if member.status != Member.Status.ACTIVE:
        raise DomainError(_("%(name)s已不在册") % {"name": member.person.name})
    transfer = MembershipTransfer(
        member=member,
        direction=direction,
        transferred_on=on,
        letter_number=letter_number.strip(),
        reason=reason.strip(),
        recorded_by=actor,
        external_unit=external_unit.strip(),
    )
    if direction == MembershipTransfer.Direction.INTERNAL:
        if to_organization is None:
            raise DomainError(_("请选择转入的党组织"), field="to_organization")
        require_organization(actor, to_organization, "party.add_membershiptransfer")
        _check_holding_organization(to_organization)
        if to_organization.pk == member.organization_id:
            raise DomainError(_("转入党组织与现所在党组织相同"), field="to_organization")
        transfer.from_organization, transfer.to_organization = member.organization, to_organization
        member.organization = to_organization
        if member.seconded_to_id == to_organization.pk:
            member.seconded_to = None
    elif direction == MembershipTransfer.Direction.OUT:
        if not transfer.external_unit:
            raise DomainError(_("请填写转往的镇外党组织"), field="external_unit")
        transfer.from_organization = member.organization
        member.status = Member.Status.TRANSFERRED_OUT
        member.left_on, member.left_reason = on, reason.strip()[:200]
        member.seconded_to = None
    elif direction == MembershipTransfer.Direction.IN:
        if not transfer.external_unit:
            raise DomainError(_("请填写转出的原党组织"), field="external_unit")
        if member.transfers.exists() or member.steps.exists():
            raise DomainError(_("转入只能登记在新登记的党员上"), field="direction")
        transfer.to_organization = member.organization
    else:
        raise DomainError(_("请选择转接类型"), field="direction")
    transfer.full_clean(exclude=["member", "from_organization", "to_organization", "recorded_by"])
    with acting_as(actor):
        member.save()
        transfer.save()
        if direction == MembershipTransfer.Direction.OUT:
            MemberHouseholdLink.objects.filter(member=member, until__isnull=True).update(until=on)
    return transfer


@transaction.atomic
def member_second(*, actor, member: Member, to: Organization | None, on: date) -> Member:
    """Second a member to a temporary branch (选派), or bring them back; the relation stays home."""
    require_organization(actor, member.organization, "party.change_member")
    if to is not None:
        require_organization(actor, to, "party.change_member")
        if to.kind != Organization.Kind.TEMPORARY_BRANCH:
            raise DomainError(_("只能选派到临时党支部;转组织关系请办理组织关系转接"), field="seconded_to")
        if to.dissolved_on is not None:
            raise DomainError(_("该临时党支部已撤销"), field="seconded_to")
        if not member.is_member:
            raise DomainError(_("只能选派党员"), field="seconded_to")
    with acting_as(actor):
        member.seconded_to = to
        member.full_clean(exclude=["person", "organization", "languages"])
        member.save()
    return member


@transaction.atomic
def member_leave(*, actor, member: Member, status: str, on: date, reason: str = "") -> Member:
    """A member leaves the books: deceased, withdrew, expelled. The record stays."""
    require_organization(actor, member.organization, "party.change_member")
    if status not in (Member.Status.DECEASED, Member.Status.WITHDRAWN, Member.Status.EXPELLED):
        raise DomainError(_("请选择离开的原因"), field="status")
    with acting_as(actor):
        member.status, member.left_on, member.left_reason = status, on, reason.strip()[:200]
        member.seconded_to = None
        member.save()
        MemberHouseholdLink.objects.filter(member=member, until__isnull=True).update(until=on)
    return member


# --- member–household contacts (党员联户) ------------------------------------------------------------------


@transaction.atomic
def household_link_set(
    *, actor, member: Member, households: Iterable[Household], since: date
) -> list[MemberHouseholdLink]:
    """Make ``member`` the contact of each household (a household has one contact at a time: a previous contact's
    link ends the day before)."""
    require_organization(actor, member.organization, "party.add_memberhouseholdlink")
    if not member.is_member or member.status != Member.Status.ACTIVE:
        raise DomainError(_("联户的应是在册党员"), field="member")
    households = list(households)
    current_links = {
        link.household_id: link
        for link in MemberHouseholdLink.objects.select_for_update().filter(household__in=households, until__isnull=True)
    }
    created = []
    with acting_as(actor):
        for household in households:
            current = current_links.get(household.pk)
            if current is not None:
                if current.member_id == member.pk:
                    continue
                current.until = since
                current.save(update_fields=["until", "updated_at"])
            link = MemberHouseholdLink(member=member, household=household, since=since)
            # one active contact per household: the database's constraint (the old link has just ended)
            link.full_clean(exclude=["member", "household"], validate_constraints=False)
            link.save()
            created.append(link)
    return created


def household_link_end(*, actor, link: MemberHouseholdLink, on: date) -> MemberHouseholdLink:
    require_organization(actor, link.member.organization, "party.change_memberhouseholdlink")
    with transaction.atomic(), acting_as(actor):
        link.until = on
        link.save(update_fields=["until", "updated_at"])
    return link


# --- dues (党费) ---------------------------------------------------------------------------------------------


@transaction.atomic
def dues_pay(
    *, actor, member: Member, months: list[date], amount_per_month: Decimal, paid_on: date
) -> list[DuesPayment]:
    """Record dues paid for one or more months (each month its own entry); never for a month before joining."""
    require_organization(actor, member.organization, "party.add_duespayment")
    if not member.is_member:
        raise DomainError(_("预备党员自支部大会通过之日起交纳党费;此人尚未入党"), field="member")
    if amount_per_month <= 0:
        raise DomainError(_("金额须大于0"), field="amount")
    if paid_on > timezone.localdate():
        raise DomainError(_("交纳日期不能晚于今天"), field="paid_on")
    first_month = member.joined_on.replace(day=1) if member.joined_on else None
    rows = []
    for month in sorted({m.replace(day=1) for m in months}):
        if first_month and month < first_month:
            raise DomainError(
                _("%(month)s早于入党月份,无需交纳党费") % {"month": month.strftime("%Y-%m")}, field="months"
            )
        rows.append(
            DuesPayment(member=member, month=month, amount=amount_per_month, paid_on=paid_on, recorded_by=actor)
        )
    DuesPayment.objects.bulk_create(rows)
    audit_batch(
        instance=member,
        actor=actor,
        changes={"dues_paid": ["", "、".join(f"{r.month:%Y-%m} {r.amount}" for r in rows)]},
    )
    return rows


def dues_reverse(*, actor, payment: DuesPayment, reason: str) -> DuesPayment:
    """Correct a dues entry by a reversal (negative) entry; the original stays."""
    require_organization(actor, payment.member.organization, "party.add_duespayment")
    if payment.amount <= 0 or hasattr(payment, "reversal"):
        raise DomainError(_("该笔已冲正或本身是冲正记录"))
    if not reason.strip():
        raise DomainError(_("请写明冲正原因"), field="reason")
    with transaction.atomic(), acting_as(actor):
        return DuesPayment.objects.create(
            member=payment.member,
            month=payment.month,
            amount=-payment.amount,
            paid_on=timezone.localdate(),
            reverses=payment,
            recorded_by=actor,
        )


# --- the yearly democratic evaluation (民主评议党员) ---------------------------------------------------------


@transaction.atomic
def evaluation_record(*, actor, organization: Organization, year: int, grades: dict[Member, tuple[str, str]]) -> int:
    """Record (or correct) a branch's evaluation of its members for a year: grade and note per member."""
    require_organization(actor, organization, "party.add_memberevaluation")
    if year > timezone.localdate().year:
        raise DomainError(_("不能评议未来的年度"), field="year")
    count = 0
    with acting_as(actor):
        for member, (grade, note) in grades.items():
            if member.organization_id != organization.pk:
                raise DomainError(_("%(name)s的组织关系不在本支部") % {"name": member.person.name})
            if not grade:
                continue
            if grade not in MemberEvaluation.Grade.values:
                raise DomainError(_("未知的评议等次"), field="grade")
            MemberEvaluation.objects.update_or_create(
                member=member, year=year, defaults={"grade": grade, "note": (note or "").strip()[:200]}
            )
            count += 1
    return count


__all__ = [
    "DETAIL_FIELDS",
    "dues_pay",
    "dues_reverse",
    "evaluation_record",
    "household_link_end",
    "household_link_set",
    "member_leave",
    "member_register",
    "member_second",
    "member_transfer",
    "member_update",
    "require",
]
