"""Writes of employment (就业): job seekers, postings by enterprise liaisons, hiring quotas, and the placement flow
propose → accept (placed) / decline (with the reason) → end. Each step appends to the placement's history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from lianxin.core.audit import acting_as
from lianxin.core.errors import DomainError
from lianxin.enterprises.models import Enterprise
from lianxin.people.models import Person
from lianxin.regions.models import Region

from ..models import HiringQuota, JobPosting, JobSeeker, Placement, PlacementEvent, split_skills
from .common import require, require_in_scope, require_region


def job_seeker_register(*, actor, person: Person, reason: str, registered_on: date, skills: str = "") -> JobSeeker:
    """Register an unemployed working-age person (求职登记) with the reason; once per person."""
    require(actor, "livelihood.add_jobseeker")
    require_in_scope(actor, person, field="person", label=_("该人员"))
    if reason not in JobSeeker.Reason.values:
        raise DomainError(_("请选择失业原因"), field="reason")
    with transaction.atomic(), acting_as(actor):
        if JobSeeker.objects.filter(person=person).exists():
            raise DomainError(_("%(name)s已有求职登记") % {"name": person.name}, field="person")
        seeker = JobSeeker(
            person=person,
            village_group_id=person.household.village_group_id,
            household_id=person.household_id,
            birth_date=person.birth_date,
            reason=reason,
            registered_on=registered_on,
            skills=",".join(sorted(split_skills(skills))),
        )
        seeker.full_clean()
        seeker.save()
    return seeker


def posting_create(
    *,
    actor,
    enterprise: Enterprise | None,
    region: Region,
    title: str,
    openings: int,
    wage_min: Decimal,
    wage_max: Decimal,
    starts_on: date,
    skills: str = "",
    certificate: str = "",
    min_age: int = 16,
    max_age: int = 60,
    public_welfare: bool = False,
) -> JobPosting:
    """A job posting (招聘岗位): an enterprise liaison for their own enterprise; public-welfare posts (公益性岗位)
    by the township without an enterprise."""
    require(actor, "livelihood.add_jobposting")
    if actor.scope_enterprise_id:
        if enterprise is None or enterprise.pk != actor.scope_enterprise_id:
            raise DomainError(_("只能为本企业发布岗位"), field="enterprise", code="permission_denied")
        if public_welfare:
            raise DomainError(_("公益性岗位由镇里发布"), field="public_welfare", code="permission_denied")
    else:
        require_region(actor, region, field="region")
    if enterprise is None and not public_welfare:
        raise DomainError(_("请选择企业,或标明为公益性岗位"), field="enterprise")
    if openings is None or openings < 1:
        raise DomainError(_("招聘人数至少为1"), field="openings")
    if wage_min < 0:
        raise DomainError(_("月工资下限不能为负数"), field="wage_min")
    if wage_max < wage_min:
        raise DomainError(_("月工资上限不能低于下限"), field="wage_max")
    if max_age < min_age:
        raise DomainError(_("最高年龄不能低于最低年龄"), field="max_age")
    if min_age < 16:
        raise DomainError(_("最低年龄不能低于16周岁(禁止使用童工)"), field="min_age")
    with transaction.atomic(), acting_as(actor):
        posting = JobPosting(
            enterprise=enterprise,
            region=region,
            title=title.strip(),
            openings=openings,
            wage_min=wage_min,
            wage_max=wage_max,
            starts_on=starts_on,
            skills=",".join(sorted(split_skills(skills))),
            certificate=certificate.strip(),
            min_age=min_age,
            max_age=max_age,
            public_welfare=public_welfare,
            posted_by=actor,
        )
        posting.full_clean()
        posting.save()
    return posting


def posting_close(*, actor, posting: JobPosting) -> JobPosting:
    require(actor, "livelihood.change_jobposting")
    require_in_scope(actor, posting, field="posting", label=_("该岗位"))
    with transaction.atomic(), acting_as(actor):
        posting.status = JobPosting.Status.CLOSED
        posting.save(update_fields=["status", "updated_at"])
    return posting


def quota_set(*, actor, enterprise: Enterprise, year: int, committed: int, note: str = "") -> HiringQuota:
    """The number of landless farmers an enterprise committed to hire first in a year (优先招用承诺)."""
    require(actor, "livelihood.add_hiringquota")
    require_region(actor, enterprise.region, field="enterprise")
    if committed is None or committed < 0:
        raise DomainError(_("承诺招用人数不能为负数"), field="committed")
    with transaction.atomic(), acting_as(actor):
        quota = HiringQuota.objects.filter(enterprise=enterprise, year=year).first() or HiringQuota(
            enterprise=enterprise, year=year
        )
        quota.region_id = enterprise.region_id
        quota.committed = committed
        quota.note = note.strip()
        quota.full_clean()
        quota.save()
    return quota


def _seeker_status(person_id: int, status: str) -> None:
    """The person's job-seeker registration follows the placement (saved, so the audit trail has it)."""
    seeker = JobSeeker.objects.filter(person_id=person_id).exclude(status=JobSeeker.Status.WITHDRAWN).first()
    if seeker is not None and seeker.status != status:
        seeker.status = status
        seeker.save(update_fields=["status", "updated_at"])


def _event(placement: Placement, *, actor, on: date, note: str = "") -> None:
    PlacementEvent.objects.create(placement=placement, status=placement.status, on=on, note=note, actor=actor)


def placement_propose(*, actor, posting: JobPosting, person: Person, on: date) -> Placement:
    """A cadre proposes a person for an open posting (推荐); the enterprise then accepts or declines."""
    require(actor, "livelihood.add_placement")
    require_in_scope(actor, person, field="person", label=_("该人员"))
    if posting.status != JobPosting.Status.OPEN:
        raise DomainError(_("岗位“%(title)s”已结束招聘") % {"title": posting.title}, field="posting")
    with transaction.atomic(), acting_as(actor):
        taken = Placement.objects.select_for_update().filter(
            posting=posting, person=person, status__in=[Placement.Status.PROPOSED, Placement.Status.ACCEPTED]
        )
        if taken.exists():
            raise DomainError(_("%(name)s已推荐到该岗位") % {"name": person.name}, field="person")
        placement = Placement(
            posting=posting,
            person=person,
            enterprise_id=posting.enterprise_id,
            village_group_id=person.household.village_group_id,
            proposed_on=on,
        )
        placement.full_clean()
        placement.save()
        _event(placement, actor=actor, on=on)
    return placement


def _decidable(actor, placement: Placement) -> None:
    """The liaison of the posting's enterprise (or the working group), a placement in scope, still proposed.
    Called again under the row lock, so two clicks cannot both decide."""
    require(actor, "livelihood.decide_placement")
    if actor.scope_enterprise_id and actor.scope_enterprise_id != placement.enterprise_id:
        raise DomainError(_("只能决定本企业岗位的推荐人员"), field="placement", code="permission_denied")
    require_in_scope(actor, placement, field="placement", label=_("该推荐"))
    if placement.status != Placement.Status.PROPOSED:
        raise DomainError(
            _("该推荐已是“%(status)s”状态") % {"status": placement.get_status_display()}, field="placement"
        )


def placement_accept(
    *, actor, placement: Placement, starts_on: date, wage: Decimal, contract_no: str = ""
) -> Placement:
    """The enterprise accepts the proposed person (录用): a placement with the start date, wage and contract."""
    _decidable(actor, placement)
    posting = placement.posting
    if starts_on < placement.proposed_on:
        raise DomainError(_("上岗日期不能早于推荐日期"), field="starts_on")
    if wage is None or wage < 0:
        raise DomainError(_("月工资不能为负数"), field="wage")
    with transaction.atomic(), acting_as(actor):
        placement = Placement.objects.select_for_update().get(pk=placement.pk)
        _decidable(actor, placement)
        placed = Placement.objects.filter(posting=posting, status=Placement.Status.ACCEPTED).count()
        if placed >= posting.openings:
            raise DomainError(
                _("岗位“%(title)s”已招满%(n)s人") % {"title": posting.title, "n": posting.openings}, field="placement"
            )
        placement.status = Placement.Status.ACCEPTED
        placement.starts_on, placement.wage, placement.contract_no = starts_on, wage, contract_no.strip()
        placement.full_clean()
        placement.save()
        _event(placement, actor=actor, on=starts_on)
        _seeker_status(placement.person_id, JobSeeker.Status.PLACED)
    return placement


def placement_decline(*, actor, placement: Placement, reason: str, on: date) -> Placement:
    """The enterprise declines the proposed person, always with the reason (未录用原因)."""
    _decidable(actor, placement)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写未录用原因"), field="reason")
    with transaction.atomic(), acting_as(actor):
        placement = Placement.objects.select_for_update().get(pk=placement.pk)
        _decidable(actor, placement)
        placement.status = Placement.Status.DECLINED
        placement.decline_reason = reason[:200]
        placement.full_clean()
        placement.save()
        _event(placement, actor=actor, on=on, note=reason[:200])
    return placement


def placement_end(*, actor, placement: Placement, ends_on: date, note: str = "") -> Placement:
    """A placed person leaves the job (离岗); they can be registered as a job seeker again."""
    require(actor, "livelihood.change_placement")
    require_in_scope(actor, placement, field="placement", label=_("该安置"))
    with transaction.atomic(), acting_as(actor):
        placement = Placement.objects.select_for_update().get(pk=placement.pk)
        if placement.status != Placement.Status.ACCEPTED:
            raise DomainError(_("只有已录用的人员才能离岗"), field="placement")
        if ends_on < placement.starts_on:
            raise DomainError(_("离岗日期不能早于上岗日期"), field="ends_on")
        placement.status = Placement.Status.ENDED
        placement.ends_on = ends_on
        placement.full_clean()
        placement.save()
        _event(placement, actor=actor, on=ends_on, note=note.strip()[:200])
        _seeker_status(placement.person_id, JobSeeker.Status.SEEKING)
    return placement
