"""Activities and education (三会一课、主题党日、培训、宣传、服务): recording an activity with its attendance,
materials, and the minority-language work teams."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.core.audit import acting_as
from lianxin.core.errors import DomainError
from lianxin.regions.models import Region

from ..models import Activity, ActivityMaterial, Attendance, Language, LanguageTeam, Member, Organization, Theme
from .common import require_organization
from .files import checked_upload

AttendanceRow = tuple[Member, str, str]  # (member, status, leave reason)


def _check_attendance(rows: list[AttendanceRow]) -> None:
    seen = set()
    for member, status, reason in rows:
        if member.pk in seen:
            raise DomainError(_("%(name)s重复登记出席") % {"name": member.person.name}, field="attendance")
        seen.add(member.pk)
        if status not in Attendance.Status.values:
            raise DomainError(_("未知的出席情况"), field="attendance")
        if status == Attendance.Status.LEAVE and not (reason or "").strip():
            raise DomainError(_("%(name)s请假,请填写请假事由") % {"name": member.person.name}, field="attendance")


@transaction.atomic
def activity_record(
    *,
    actor,
    organization: Organization,
    kind: str,
    title: str,
    held_on: date,
    place: str,
    hours: Decimal,
    attendance: Iterable[AttendanceRow] = (),
    themes: Iterable[Theme] = (),
    languages: Iterable[Language] = (),
    organiser_department: str = "",
    village_group: Region | None = None,
    intensive_training: bool = False,
    publicity_form: str = "",
    language_team: LanguageTeam | None = None,
    non_member_count: int = 0,
    minutes: str = "",
) -> Activity:
    """Record an activity with who attended (present / on leave with the reason / absent), the non-members
    reached, the languages used and the campaign tags. Intensive training counts towards candidates' training."""
    require_organization(actor, organization, "party.add_activity")
    if held_on > timezone.localdate():
        raise DomainError(_("活动日期不能晚于今天"), field="held_on")
    if organization.founded_on > held_on or (organization.dissolved_on and organization.dissolved_on < held_on):
        raise DomainError(_("活动日期不在该党组织存续期间"), field="held_on")
    if intensive_training and kind != Activity.Kind.TRAINING:
        raise DomainError(_("只有培训活动可以计入发展对象集中培训"), field="intensive_training")
    if kind == Activity.Kind.PUBLICITY and not publicity_form:
        raise DomainError(_("请选择宣传形式"), field="publicity_form")
    if village_group is not None and village_group.level != Region.Level.VILLAGE_GROUP:
        raise DomainError(_("请选择村民小组"), field="village_group")
    rows = list(attendance)
    _check_attendance(rows)
    activity = Activity(
        kind=kind,
        title=title.strip(),
        organization=organization,
        organiser_department=organiser_department.strip(),
        held_on=held_on,
        place=place.strip(),
        village_group=village_group,
        hours=hours,
        intensive_training=intensive_training,
        publicity_form=publicity_form if kind == Activity.Kind.PUBLICITY else "",
        language_team=language_team,
        non_member_count=non_member_count,
        minutes=minutes.strip(),
        recorded_by=actor,
    )
    activity.full_clean(exclude=["organization", "recorded_by", "village_group", "language_team"])
    with acting_as(actor):
        activity.save()
        activity.themes.set(list(themes))
        activity.languages.set(list(languages))
        Attendance.objects.bulk_create(
            Attendance(
                activity=activity,
                member=member,
                status=status,
                leave_reason=(reason or "").strip() if status == Attendance.Status.LEAVE else "",
                held_on=held_on,
                hours=hours if status == Attendance.Status.PRESENT else Decimal("0"),
            )
            for member, status, reason in rows
        )
    _refresh_candidates(rows, activity)
    return activity


@transaction.atomic
def attendance_set(*, actor, activity: Activity, attendance: Iterable[AttendanceRow]) -> Activity:
    """Replace an activity's attendance (a sign-in sheet corrected); hours follow the activity."""
    require_organization(actor, activity.organization, "party.change_activity")
    rows = list(attendance)
    _check_attendance(rows)
    with acting_as(actor):
        previous = list(Member.objects.filter(attendance__activity=activity))
        Attendance.objects.filter(activity=activity).delete()
        Attendance.objects.bulk_create(
            Attendance(
                activity=activity,
                member=member,
                status=status,
                leave_reason=(reason or "").strip() if status == Attendance.Status.LEAVE else "",
                held_on=activity.held_on,
                hours=activity.hours if status == Attendance.Status.PRESENT else Decimal("0"),
            )
            for member, status, reason in rows
        )
        activity.save(update_fields=["updated_at"])
    _refresh_candidates(rows + [(m, "", "") for m in previous], activity)
    return activity


def _refresh_candidates(rows: list[AttendanceRow], activity: Activity) -> None:
    """Training counts for candidates' next step: refresh theirs."""
    if not activity.intensive_training:
        return
    from .pipeline import pipeline_refresh

    for member, _status, _reason in rows:
        if member.stage == Member.Stage.CANDIDATE:
            pipeline_refresh(member)


def material_add(*, actor, activity: Activity, upload: UploadedFile) -> ActivityMaterial:
    """Attach a material (JPEG/PNG/PDF by content) to an activity."""
    require_organization(actor, activity.organization, "party.add_activitymaterial")
    content_type, extension = checked_upload(upload)
    material = ActivityMaterial(
        activity=activity, original_name=upload.name[:200], content_type=content_type, size=upload.size
    )
    with transaction.atomic(), acting_as(actor):
        material.file.save(f"{secrets.token_hex(8)}{extension}", upload, save=False)
        material.save()
    return material


@transaction.atomic
def language_team_save(
    *,
    actor,
    organization: Organization,
    name: str,
    language: Language,
    founded_on: date,
    members: Iterable[Member],
    note: str = "",
    team: LanguageTeam | None = None,
) -> LanguageTeam:
    """Set up (or change) a minority-language work team: its working language and members, each of whom must
    speak it (民族语言工作队)."""
    require_organization(actor, organization, "party.change_languageteam" if team else "party.add_languageteam")
    members = list(members)
    speakers = set(
        Member.objects.filter(pk__in=[m.pk for m in members], languages=language).values_list("pk", flat=True)
    )
    for member in members:
        if member.pk not in speakers:
            raise DomainError(
                _("%(name)s未登记会讲%(language)s") % {"name": member.person.name, "language": language.name},
                field="members",
            )
    team = team or LanguageTeam()
    team.organization, team.name, team.language = organization, name.strip(), language
    team.founded_on, team.note = founded_on, note.strip()
    team.full_clean(exclude=["organization", "language"])
    with acting_as(actor):
        team.save()
        team.members.set(members)
    return team
