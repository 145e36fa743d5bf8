"""Organisations (党组织): founding, changes, coverage, dissolution, committee terms, plans, themes, local rules,
and the branch secretary's scope. Every change leaves a line of history (沿革) and an audit entry."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.core.audit import acting_as
from lianxin.core.errors import DomainError
from lianxin.enterprises.models import Enterprise, Project
from lianxin.regions.models import Region

from ..models import (
    CommitteePost,
    CommitteeTerm,
    DevelopmentPlan,
    Member,
    Organization,
    OrganizationChange,
    PartyRules,
    SecretaryScope,
    Theme,
)
from ..rules import add_years, term_years_for
from .common import require, require_organization, user_label

PARENT_KINDS = {
    Organization.Kind.COMMITTEE: (None, Organization.Kind.COMMITTEE),
    Organization.Kind.GENERAL_BRANCH: (Organization.Kind.COMMITTEE,),
    Organization.Kind.BRANCH: (Organization.Kind.COMMITTEE, Organization.Kind.GENERAL_BRANCH),
    Organization.Kind.JOINT_BRANCH: (Organization.Kind.COMMITTEE, Organization.Kind.GENERAL_BRANCH),
    Organization.Kind.TEMPORARY_BRANCH: (Organization.Kind.COMMITTEE, Organization.Kind.GENERAL_BRANCH),
}


def _history(organization: Organization, kind: str, on: date, description: str, actor) -> OrganizationChange:
    return OrganizationChange.objects.create(
        organization=organization,
        kind=kind,
        on=on,
        description=description,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _check_groups(groups: list[Region]) -> None:
    for group in groups:
        if group.level != Region.Level.VILLAGE_GROUP:
            raise DomainError(
                _("覆盖范围只能选择村民小组(%(name)s不是)") % {"name": group.name}, field="covered_groups"
            )


@transaction.atomic
def organization_create(
    *,
    actor,
    name: str,
    kind: str,
    parent: Organization | None,
    region: Region,
    founded_on: date,
    founding_reason: str = "",
    covered_groups: Iterable[Region] = (),
    projects: Iterable[Project] = (),
    enterprises: Iterable[Enterprise] = (),
    party_groups: int = 0,
    term_years: int | None = None,
) -> Organization:
    """Found an organisation under its parent (党委 → 党总支 → 党支部); a temporary branch states why it exists."""
    if parent is not None:
        require_organization(actor, parent, "party.add_organization")
    else:
        require(actor, "party.add_organization")
    if kind not in Organization.Kind.values:
        raise DomainError(_("请选择党组织类别"), field="kind")
    allowed = PARENT_KINDS[kind]
    parent_kind = parent.kind if parent else None
    if parent_kind not in allowed:
        raise DomainError(
            _("%(kind)s不能设在%(parent)s之下")
            % {"kind": Organization.Kind(kind).label, "parent": parent.name if parent else _("(无上级)")},
            field="parent",
        )
    if parent is not None and parent.dissolved_on is not None:
        raise DomainError(_("上级党组织已撤销"), field="parent")
    if kind == Organization.Kind.TEMPORARY_BRANCH and not founding_reason.strip():
        raise DomainError(_("成立临时党支部须写明原因(执行什么任务、为什么需要)"), field="founding_reason")
    if founded_on > timezone.localdate():
        raise DomainError(_("成立日期不能晚于今天"), field="founded_on")
    if parent is not None and founded_on < parent.founded_on:
        raise DomainError(_("成立日期早于上级党组织的成立日期"), field="founded_on")
    groups = list(covered_groups)
    _check_groups(groups)
    organization = Organization(
        name=name.strip(),
        kind=kind,
        parent=parent,
        region=region,
        founded_on=founded_on,
        founding_reason=founding_reason.strip(),
        party_groups=party_groups,
        term_years=term_years or term_years_for(kind, region.level),
    )
    organization.full_clean(exclude=["path"])
    with acting_as(actor):
        organization.save()
        organization.path = f"{parent.path if parent else ''}{organization.pk}/"
        organization.save(update_fields=["path"])
        organization.covered_groups.set(groups)
        organization.projects.set(list(projects))
        organization.enterprises.set(list(enterprises))
        description = _("成立%(kind)s“%(name)s”") % {"kind": organization.get_kind_display(), "name": organization.name}
        if organization.founding_reason:
            description += _("。原因:%(reason)s") % {"reason": organization.founding_reason}
        _history(organization, OrganizationChange.Kind.FOUNDED, founded_on, description, actor)
    return organization


@transaction.atomic
def organization_update(
    *,
    organization: Organization,
    actor,
    on: date,
    name: str | None = None,
    region: Region | None = None,
    covered_groups: Iterable[Region] | None = None,
    projects: Iterable[Project] | None = None,
    enterprises: Iterable[Enterprise] | None = None,
    party_groups: int | None = None,
    reason: str = "",
) -> Organization:
    """Rename an organisation or change what it covers; the history says what changed, when and why."""
    require_organization(actor, organization, "party.change_organization")
    if organization.dissolved_on is not None:
        raise DomainError(_("已撤销的党组织不能再修改"))
    lines = []
    if name is not None and name.strip() != organization.name:
        lines.append(_("名称由“%(old)s”改为“%(new)s”") % {"old": organization.name, "new": name.strip()})
        organization.name = name.strip()
    if region is not None and region.pk != organization.region_id:
        lines.append(_("所在区域改为%(name)s") % {"name": region.name})
        organization.region = region
    if party_groups is not None and party_groups != organization.party_groups:
        lines.append(_("党小组数改为%(n)d") % {"n": party_groups})
        organization.party_groups = party_groups
    organization.full_clean(exclude=["path"])
    with acting_as(actor):
        organization.save()
        coverage = []
        if covered_groups is not None:
            groups = list(covered_groups)
            _check_groups(groups)
            before = set(organization.covered_groups.values_list("pk", flat=True))
            after = {g.pk for g in groups}
            if before != after:
                organization.covered_groups.set(groups)
                coverage.append(_("覆盖村民小组:%(names)s") % {"names": "、".join(g.name for g in groups) or "—"})
        if projects is not None:
            projects = list(projects)
            if set(organization.projects.values_list("pk", flat=True)) != {p.pk for p in projects}:
                organization.projects.set(projects)
                coverage.append(_("覆盖项目:%(names)s") % {"names": "、".join(p.name for p in projects) or "—"})
        if enterprises is not None:
            enterprises = list(enterprises)
            if set(organization.enterprises.values_list("pk", flat=True)) != {e.pk for e in enterprises}:
                organization.enterprises.set(enterprises)
                coverage.append(_("覆盖单位:%(names)s") % {"names": "、".join(e.name for e in enterprises) or "—"})
        suffix = _("。原因:%(reason)s") % {"reason": reason.strip()} if reason.strip() else ""
        if lines:
            _history(organization, OrganizationChange.Kind.CHANGED, on, ";".join(lines) + suffix, actor)
        if coverage:
            _history(organization, OrganizationChange.Kind.COVERAGE, on, ";".join(coverage) + suffix, actor)
    return organization


@transaction.atomic
def organization_dissolve(*, organization: Organization, actor, on: date, reason: str) -> Organization:
    """Dissolve an organisation (a temporary branch when its task ends): its own members must have moved first;
    members seconded to it return to their home branches only."""
    require_organization(actor, organization, "party.change_organization")
    if organization.dissolved_on is not None:
        raise DomainError(_("该党组织已撤销"))
    if not reason.strip():
        raise DomainError(_("请写明撤销原因"), field="reason")
    if on < organization.founded_on or on > timezone.localdate():
        raise DomainError(_("撤销日期须在成立日期之后、不晚于今天"), field="on")
    if organization.children.filter(dissolved_on__isnull=True).exists():
        raise DomainError(_("请先撤销或调整下属党组织"))
    holding = organization.members.filter(status=Member.Status.ACTIVE).count()
    if holding:
        raise DomainError(
            _("仍有%(n)d人的组织关系在该党组织,请先办理组织关系转接") % {"n": holding}, code="has_members"
        )
    with acting_as(actor):
        returned = list(organization.seconded_members.all())
        for member in returned:
            member.seconded_to = None
            member.save(update_fields=["seconded_to", "updated_at"])
        organization.dissolved_on = on
        organization.dissolution_reason = reason.strip()
        organization.full_clean(exclude=["path"])
        organization.save()
        _history(
            organization,
            OrganizationChange.Kind.DISSOLVED,
            on,
            _("撤销。原因:%(reason)s;%(n)d名选派党员回原党支部") % {"reason": reason.strip(), "n": len(returned)},
            actor,
        )
    return organization


@transaction.atomic
def term_elect(
    *, organization: Organization, actor, elected_on: date, posts: list[tuple[Member, str]], note: str = ""
) -> CommitteeTerm:
    """Record an election (换届): the new term of the committee (or of the secretary) and its posts. Village
    committees serve five years, others three (the organisation's term); one secretary, each member once."""
    require_organization(actor, organization, "party.add_committeeterm")
    if elected_on > timezone.localdate():
        raise DomainError(_("选举日期不能晚于今天"), field="elected_on")
    if not posts:
        raise DomainError(_("请至少填写书记"), field="posts")
    seen = set()
    secretaries = 0
    for member, post in posts:
        if member.pk in seen:
            raise DomainError(_("%(name)s重复任职") % {"name": member.person.name}, field="posts")
        seen.add(member.pk)
        if post not in CommitteePost.Post.values:
            raise DomainError(_("未知的职务"), field="posts")
        secretaries += post == CommitteePost.Post.SECRETARY
        if member.stage != Member.Stage.FULL or member.status != Member.Status.ACTIVE:
            raise DomainError(
                _("%(name)s不是在册的正式党员,不能当选支部委员(预备党员没有被选举权)") % {"name": member.person.name},
                field="posts",
            )
        if member.organization_id != organization.pk and member.seconded_to_id != organization.pk:
            raise DomainError(_("%(name)s不是本组织的党员") % {"name": member.person.name}, field="posts")
    if secretaries != 1:
        raise DomainError(_("每届须有且只有一名书记"), field="posts")
    term = CommitteeTerm(
        organization=organization,
        elected_on=elected_on,
        ends_on=add_years(elected_on, organization.term_years),
        note=note.strip(),
    )
    term.full_clean()
    with acting_as(actor):
        term.save()
        for member, post in posts:
            CommitteePost.objects.create(term=term, member=member, post=post)
        names = "、".join(f"{CommitteePost.Post(post).label}{member.person.name}" for member, post in posts)
        _history(
            organization,
            OrganizationChange.Kind.TERM,
            elected_on,
            _("换届选举,任期至%(end)s:%(names)s") % {"end": term.ends_on.isoformat(), "names": names},
            actor,
        )
    return term


def plan_set(*, organization: Organization, actor, year: int, quota: int) -> DevelopmentPlan:
    """Set a branch's development quota for a year (年度发展党员计划)."""
    require_organization(actor, organization, "party.add_developmentplan")
    if quota < 0 or quota > 999:
        raise DomainError(_("计划发展数须为0至999"), field="quota")
    with transaction.atomic(), acting_as(actor):
        plan, _created = DevelopmentPlan.objects.update_or_create(
            organization=organization, year=year, defaults={"quota": quota}
        )
    return plan


def theme_save(*, actor, name: str, description: str = "", active: bool = True, theme: Theme | None = None) -> Theme:
    """Add or change a campaign tag (三强化、三项教育 …)."""
    require(actor, "party.change_theme" if theme else "party.add_theme")
    theme = theme or Theme()
    theme.name, theme.description, theme.active = name.strip(), description.strip(), active
    theme.full_clean()
    with transaction.atomic(), acting_as(actor):
        theme.save()
    return theme


def rules_update(*, actor, **values) -> PartyRules:
    """Change the township's local rules (公示期、学时要求、三会一课频次 …); audited."""
    require(actor, "party.change_partyrules")
    from .common import rules_current

    rules = rules_current()
    for name, value in values.items():
        setattr(rules, name, value)
    rules.full_clean()
    with transaction.atomic(), acting_as(actor):
        rules.save()
        from .pipeline import pipeline_refresh_all

        pipeline_refresh_all()
    return rules


def secretary_scope_set(*, actor, user, organization: Organization) -> SecretaryScope:
    """Scope a branch secretary's account to an organisation; recorded as a permission change."""
    from lianxin.accounts.models import SecurityEvent
    from lianxin.accounts.roles import Role
    from lianxin.accounts.services import security_event_record

    require(actor, "party.change_secretaryscope")
    if user.role != Role.BRANCH_SECRETARY:
        raise DomainError(_("只有支部书记账号需要设置管辖党组织"), field="user")
    if organization.dissolved_on is not None:
        raise DomainError(_("该党组织已撤销"), field="organization")
    with transaction.atomic(), acting_as(actor):
        scope, _created = SecretaryScope.objects.update_or_create(user=user, defaults={"organization": organization})
        security_event_record(
            kind=SecurityEvent.Kind.PERMISSION_CHANGED,
            user=actor,
            detail={"account": user.username, "party_organization": organization.name, "by": user_label(actor)},
        )
    user.__dict__.pop("scope_organization_ids", None)
    return scope
