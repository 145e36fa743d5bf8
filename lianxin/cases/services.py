"""Every change to a case goes through here: registration per kind, the state machine, clocks, parties, files.

Deadlines are counted in Chinese statutory working days (lianxin.core.workdays), including the kinds'
defaults (``LIANXIN_CASE_TIME_LIMITS``): one clock, one unit, so handling times compare across kinds.
"""

import hashlib
import secrets
from collections.abc import Iterable
from contextlib import nullcontext
from datetime import date, datetime

from auditlog.context import disable_auditlog
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.core.audit import acting_as
from lianxin.core.errors import DomainError
from lianxin.enterprises.models import Enterprise
from lianxin.people.models import Household, Person
from lianxin.regions.models import Region

from .models import (
    LEADER_EVENT_TYPES,
    Case,
    CaseAttachment,
    CaseEvent,
    CaseParty,
    CaseSequence,
    CaseSuspension,
    MediationSession,
    PatrolLog,
    ServiceItem,
    ServiceStandardCheck,
)
from .selectors import KIND_VIEW_PERMISSIONS, can_handle, case_visible_to

Kind, State = Case.Kind, Case.State

NUMBER_PREFIX = {
    Kind.DISPUTE: "JF",
    Kind.ENTERPRISE_REQUEST: "QS",
    Kind.INTEGRITY_REPORT: "LZ",
    Kind.SECURITY_INCIDENT: "ZA",
}
# Working days; disputes: people's mediation is normally concluded within about a month (REFERENCE.md).
DEFAULT_TIME_LIMITS = {
    Kind.DISPUTE: 30,
    Kind.ENTERPRISE_REQUEST: 10,
    Kind.INTEGRITY_REPORT: 30,
    Kind.SECURITY_INCIDENT: 30,
}
DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 2**20

# (from, to) → does the transition need a reason?
TRANSITIONS: dict[tuple[str, str], bool] = {
    (State.REGISTERED, State.ACCEPTED): False,
    (State.ACCEPTED, State.IN_PROGRESS): False,
    (State.IN_PROGRESS, State.SUSPENDED): True,
    (State.SUSPENDED, State.IN_PROGRESS): False,
    (State.IN_PROGRESS, State.RESOLVED): True,
    (State.RESOLVED, State.REVISITED): False,
    (State.REVISITED, State.CLOSED): False,
    (State.REVISITED, State.IN_PROGRESS): True,
}


def time_limit_for(kind: str, service_item: ServiceItem | None = None) -> int:
    """The committed time limit in working days: the catalogue item's, else the kind's configurable default."""
    if service_item is not None:
        return service_item.time_limit_workdays
    limits = {**DEFAULT_TIME_LIMITS, **getattr(settings, "LIANXIN_CASE_TIME_LIMITS", {})}
    return int(limits[kind])


def allowed_targets(case: Case, user) -> list[str]:
    """The states this user may move this case to now (the buttons on the detail page)."""
    if not can_handle(user, case):
        return []
    return [to for (frm, to) in TRANSITIONS if frm == case.state]


# --- numbering ---------------------------------------------------------------------------------------------


def _next_number(kind: str, year: int) -> str:
    """JF-2026-0007: prefix per kind, year, 4-digit sequence; the sequence row is locked while counting."""
    prefix = NUMBER_PREFIX[kind]
    for _attempt in range(3):
        try:
            with transaction.atomic():
                row, _created = CaseSequence.objects.select_for_update().get_or_create(prefix=prefix, year=year)
                row.last += 1
                row.save(update_fields=["last"])
                return f"{prefix}-{year}-{row.last:04d}"
        except IntegrityError:  # two first cases of a year raced to create the row; the loser retries
            continue
    raise DomainError(_("案件编号生成失败,请重试"), code="conflict")


# --- registration --------------------------------------------------------------------------------------------


def _event(case: Case, *, type: str, actor, reason: str = "", from_state: str = "", to_state: str = "", at=None):
    user = actor if getattr(actor, "is_authenticated", False) else None
    return CaseEvent.objects.create(
        case=case,
        type=type,
        from_state=from_state,
        to_state=to_state,
        actor=user,
        at=at or timezone.now(),
        reason=reason,
    )


def _check_region(actor, region: Region) -> None:
    if actor is None or actor.is_superuser or actor.scope_enterprise_id:
        return
    if actor.scope_region_id is None or not region.path.startswith(actor.scope_region.path):
        raise DomainError(_("所属区域不在您的管辖范围内"), field="region", code="permission_denied")


def _check_register(actor, kind: str) -> None:
    if kind == Kind.INTEGRITY_REPORT:
        return  # anyone may report, even without an account
    if kind == Kind.ENTERPRISE_REQUEST and actor is not None and actor.has_perm("cases.submit_enterprise_request"):
        return
    if actor is None or not (actor.has_perm("cases.add_case") and actor.has_perm(KIND_VIEW_PERMISSIONS[kind])):
        raise DomainError(_("您的角色无权登记%(kind)s") % {"kind": Kind(kind).label}, code="permission_denied")


def _add_parties(case: Case, parties: Iterable[tuple[str, Person | Household | Enterprise | str]]) -> None:
    """Link the parties: a registered person, household or enterprise, or the name of someone outside the
    registers (a plain string)."""
    for role, party in parties:
        link = CaseParty(case=case, role=role)
        if isinstance(party, Person):
            link.person = party
        elif isinstance(party, Household):
            link.household = party
        elif isinstance(party, Enterprise):
            link.enterprise = party
        elif isinstance(party, str) and party.strip():
            link.name = party.strip()
        else:
            raise DomainError(_("当事人必须是已登记的人员、户或企业,或填写姓名"), field="parties")
        link.full_clean()
        link.save()


@transaction.atomic
def _case_create(
    *,
    kind: str,
    actor,
    title: str,
    description: str,
    region: Region,
    parties: Iterable[tuple[str, Person | Household | Enterprise]] = (),
    parcels: Iterable = (),
    registered_at: datetime | None = None,
    **fields,
) -> Case:
    _check_register(actor, kind)
    _check_region(actor, region)
    registered_at = registered_at or timezone.now()
    case = Case(
        kind=kind,
        title=(title or "").strip(),
        description=(description or "").strip(),
        region=region,
        registered_at=registered_at,
        registered_by=actor if getattr(actor, "is_authenticated", False) else None,
        **fields,
    )
    case.number = "pending"
    case.full_clean(exclude=["number"])
    case.number = _next_number(kind, timezone.localtime(registered_at).year)
    with acting_as(actor):
        case.save()
        _add_parties(case, parties)
        parcels = list(parcels)
        if parcels:
            case.parcels.set(parcels)
        _event(case, type=CaseEvent.Type.TRANSITION, actor=actor, to_state=State.REGISTERED, at=registered_at)
    return case


def dispute_register(
    *, actor, title: str, description: str, region: Region, category: str, parties=(), parcels=(), **fields
) -> Case:
    """Register a dispute (矛盾纠纷) with its category, parties and the parcels it is about."""
    if category not in Case.DisputeCategory.values:
        raise DomainError(_("请选择纠纷类别"), field="dispute_category")
    return _case_create(
        kind=Kind.DISPUTE,
        actor=actor,
        title=title,
        description=description,
        region=region,
        dispute_category=category,
        parties=parties,
        parcels=parcels,
        **fields,
    )


def enterprise_request_submit(
    *, actor, enterprise: Enterprise, service_item: ServiceItem, title: str, description: str, **fields
) -> Case:
    """An enterprise's request (企业诉求) against a catalogue item, whose time limit becomes the case's."""
    if actor is not None and actor.scope_enterprise_id and actor.scope_enterprise_id != enterprise.pk:
        raise DomainError(_("只能为本企业提交诉求"), field="enterprise", code="permission_denied")
    if not service_item.active:
        raise DomainError(_("服务事项“%(item)s”已停用") % {"item": service_item.name}, field="service_item")
    return _case_create(
        kind=Kind.ENTERPRISE_REQUEST,
        actor=actor,
        title=title,
        description=description,
        region=enterprise.region,
        enterprise=enterprise,
        service_item=service_item,
        parties=[(CaseParty.Role.APPLICANT, enterprise)],
        **fields,
    )


def _tracking_digest(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def integrity_report_submit(
    *,
    actor,
    title: str,
    description: str,
    region: Region,
    anonymous: bool = True,
    reporter_name: str = "",
    reporter_phone: str = "",
    reported_cadre=None,
    reported_cadre_name: str = "",
    **fields,
) -> tuple[Case, str, str]:
    """An integrity report (廉政举报), anonymous if the reporter wishes. Returns the case with its tracking code
    and passphrase, shown once: only a digest of the code and a password hash of the passphrase are kept."""
    if not anonymous and not reporter_name.strip():
        raise DomainError(_("实名举报请填写举报人姓名"), field="reporter_name")
    code = "-".join(secrets.token_hex(3).upper() for _i in range(4))
    passphrase = secrets.token_urlsafe(9)
    # Anonymous means anonymous: no registering account on the case, its history or the audit trail
    # (the audit middleware would otherwise name the signed-in reporter and their address).
    quiet = disable_auditlog() if anonymous else nullcontext()
    with quiet:
        case = _case_create(
            kind=Kind.INTEGRITY_REPORT,
            actor=None if anonymous else actor,
            title=title,
            description=description,
            region=region,
            anonymous=anonymous,
            reporter_name="" if anonymous else reporter_name.strip(),
            reporter_phone="" if anonymous else reporter_phone.strip(),
            reported_cadre=reported_cadre,
            reported_cadre_name=reported_cadre_name.strip(),
            tracking_digest=_tracking_digest(code),
            tracking_passphrase=make_password(passphrase),
            **fields,
        )
    return case, code, passphrase


def integrity_report_track(*, code: str, passphrase: str) -> Case | None:
    """The report for a tracking code and passphrase, or None; the passphrase check costs the same either way."""
    case = Case.objects.filter(tracking_digest=_tracking_digest(code or ""), kind=Kind.INTEGRITY_REPORT).first()
    if case is None:
        make_password(passphrase or "")  # same work as a real check: timing reveals nothing
        return None
    return case if check_password(passphrase or "", case.tracking_passphrase) else None


def security_incident_register(
    *,
    actor,
    title: str,
    description: str,
    region: Region,
    incident_type: str,
    site: str = "",
    occurred_on: date | None = None,
    loss_value=None,
    parties=(),
    **fields,
) -> Case:
    """Register a security incident (治安案件) on a site: type, place, date, loss."""
    if incident_type not in Case.IncidentType.values:
        raise DomainError(_("请选择案件类型"), field="incident_type")
    return _case_create(
        kind=Kind.SECURITY_INCIDENT,
        actor=actor,
        title=title,
        description=description,
        region=region,
        incident_type=incident_type,
        site=site,
        occurred_on=occurred_on,
        loss_value=loss_value,
        parties=parties,
        **fields,
    )


# --- the state machine -------------------------------------------------------------------------------------


def _require_handler(case: Case, actor) -> None:
    if not can_handle(actor, case):
        raise DomainError(_("您无权办理案件%(number)s") % {"number": case.number}, code="permission_denied")


def _check_assignable(case: Case, user) -> None:
    if case.reported_cadre_id and user.pk == case.reported_cadre_id:
        raise DomainError(_("被举报干部不能承办举报自己的案件"), field="assignee")
    if not (user.is_active and can_handle(user, case)):
        raise DomainError(
            _("%(name)s无权办理此案件,不能指派") % {"name": user.get_full_name() or user.username}, field="assignee"
        )


def case_transition(
    *, case: Case, to_state: str, actor, reason: str = "", on: date | None = None, assignee=None, **outcome
) -> Case:
    """Move a case one step along registered → accepted → in progress (↔ suspended) → resolved → revisited →
    closed (or back from revisited to in progress), recording who, when and why (办理记录)."""
    today = on or timezone.localdate()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        _require_handler(case, actor)
        key = (case.state, to_state)
        if key not in TRANSITIONS:
            raise DomainError(
                _("案件%(number)s当前为“%(from)s”,不能变更为“%(to)s”")
                % {
                    "number": case.number,
                    "from": State(case.state).label,
                    "to": State(to_state).label if to_state in State.values else to_state,
                },
                field="to_state",
                code="invalid_transition",
            )
        reason = (reason or "").strip()
        if TRANSITIONS[key] and not reason:
            raise DomainError(
                _("变更为“%(to)s”须填写说明") % {"to": State(to_state).label}, field="reason", code="reason_required"
            )
        from_state = case.state
        handler = {
            State.ACCEPTED: _accept,
            State.SUSPENDED: _suspend,
            State.RESOLVED: _resolve,
            State.REVISITED: _revisit,
            State.CLOSED: _close,
            State.IN_PROGRESS: _resume if from_state == State.SUSPENDED else _start,
        }[to_state]
        handler(case, actor=actor, today=today, reason=reason, assignee=assignee, **outcome)
        case.state = to_state
        case.full_clean()
        with acting_as(actor):
            case.save()
            event = _event(
                case,
                type=CaseEvent.Type.TRANSITION,
                actor=actor,
                from_state=from_state,
                to_state=to_state,
                reason=reason,
                at=_moment(today),
            )
            if to_state == State.REVISITED:
                _record_service_standard(case, event, outcome.get("service_standard"), today)
    return case


def _accept(case: Case, *, actor, today: date, assignee=None, **_ignored) -> None:
    from lianxin.core.workdays import add_workdays

    assignee = assignee or (case.assignee if case.assignee_id else actor)
    _check_assignable(case, assignee)
    case.assignee = assignee
    case.accepted_on = today
    case.time_limit_workdays = time_limit_for(case.kind, case.service_item)
    deadline = add_workdays(today, case.time_limit_workdays)
    case.due_on, case.due_provisional = deadline.date, deadline.provisional


def _start(case: Case, **_ignored) -> None:
    case.resolved_at = None


def _suspend(case: Case, *, today: date, reason: str, **_ignored) -> None:
    case.suspended_on = today
    CaseSuspension.objects.create(case=case, started_on=today, reason=reason)


def _resume(case: Case, *, today: date, **_ignored) -> None:
    """The clock stood still while suspended: the deadline moves by the working days of the pause."""
    from lianxin.core.workdays import add_workdays, workdays_between

    paused = workdays_between(case.suspended_on, today) if today > case.suspended_on else 0
    if paused and case.due_on:
        deadline = add_workdays(case.due_on, paused)
        case.due_on = deadline.date
        case.due_provisional = case.due_provisional or deadline.provisional
    case.suspended_workdays += paused
    CaseSuspension.objects.filter(case=case, ended_on__isnull=True).update(ended_on=today, workdays=paused)
    case.suspended_on = None


def _resolve(case: Case, *, reason: str, today: date, outcome: str = "", solved=None, suspects_caught=None, **_ignored):
    if case.kind == Kind.DISPUTE:
        outcome = outcome or case.dispute_outcome
        if outcome not in Case.DisputeOutcome.values:
            raise DomainError(_("办结矛盾纠纷须选择调处结果"), field="outcome")
        case.dispute_outcome = outcome
    if case.kind == Kind.SECURITY_INCIDENT:
        if solved is not None:
            case.solved = bool(solved)
        if suspects_caught is not None:
            case.suspects_caught = int(suspects_caught)
    case.result = reason
    case.resolved_at = _moment(today)


def _revisit(case: Case, *, satisfaction=None, comment: str = "", today: date, **_ignored) -> None:
    if satisfaction not in (None, ""):
        _set_rating(case, int(satisfaction), comment, today)


def _close(case: Case, *, today: date, **_ignored) -> None:
    case.closed_at = _moment(today)


def _moment(day: date) -> datetime:
    """Now for today's actions; noon of the day for actions recorded after the fact (ledgers, demo)."""
    return timezone.now() if day == timezone.localdate() else _noon(day)


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=timezone.get_current_timezone())


def _set_rating(case: Case, satisfaction: int, comment: str, today: date) -> None:
    if not 1 <= satisfaction <= 5:
        raise DomainError(_("满意度须为1至5分"), field="satisfaction")
    case.satisfaction = satisfaction
    case.satisfaction_comment = (comment or "").strip()
    case.rated_at = _moment(today)


def case_rate(
    *,
    case: Case,
    actor,
    satisfaction: int,
    comment: str = "",
    on: date | None = None,
    service_standard: dict[str, bool] | None = None,
) -> Case:
    """The applicant's rating at revisit (回访评价), 1–5 with a comment, and for an enterprise request the
    "六个一" checklist. Rating a resolved case is its revisit."""
    today = on or timezone.localdate()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if not case_visible_to(actor).filter(pk=case.pk).exists():
            raise DomainError(_("您无权评价此案件"), code="permission_denied")
        if not (actor.has_perm("cases.rate_case") or can_handle(actor, case)):
            raise DomainError(_("您无权评价此案件"), code="permission_denied")
        if case.state not in (State.RESOLVED, State.REVISITED) or case.satisfaction is not None:
            raise DomainError(_("只有已办结、尚未评价的事项可以评价"), code="invalid_transition")
        _set_rating(case, satisfaction, comment, today)
        from_state = case.state
        case.state = State.REVISITED
        case.full_clean()
        with acting_as(actor):
            case.save()
            event = _event(
                case,
                type=CaseEvent.Type.RATING,
                actor=actor,
                from_state=from_state,
                to_state=State.REVISITED,
                reason=_("满意度%(score)s分。%(comment)s")
                % {"score": satisfaction, "comment": case.satisfaction_comment},
                at=_moment(today),
            )
            _record_service_standard(case, event, service_standard, today)
    return case


def _record_service_standard(case: Case, event: CaseEvent, items: dict[str, bool] | None, today: date) -> None:
    """The "六个一" checklist of an enterprise request's revisit, for the case's handler and unit at that moment."""
    if items is None or case.kind != Kind.ENTERPRISE_REQUEST:
        return
    names = {name for name, _label in ServiceStandardCheck.ITEMS}
    unknown = set(items) - names
    if unknown:
        raise DomainError(
            _("未知的“六个一”项目:%(items)s") % {"items": "、".join(sorted(unknown))}, field="service_standard"
        )
    check = ServiceStandardCheck(
        case=case,
        event=event,
        handler_id=case.assignee_id,
        unit=(case.service_item.department if case.service_item_id else "")[:60],
        checked_on=today,
        **{name: bool(items.get(name)) for name in names},
    )
    check.full_clean(exclude=["case", "event", "handler"])
    check.save()


def case_assign(*, case: Case, actor, assignee, co_handlers: Iterable = ()) -> Case:
    """Name the handler (承办人) and co-handlers; each must be allowed to handle the case, and a reported cadre never."""
    _require_handler(case, actor)
    co_handlers = list(co_handlers)
    for user in [assignee, *co_handlers]:
        _check_assignable(case, user)
    with transaction.atomic(), acting_as(actor):
        case.assignee = assignee
        case.full_clean()
        case.save(update_fields=["assignee", "updated_at"])
        case.co_handlers.set(co_handlers)
        names = "、".join(u.get_full_name() or u.username for u in [assignee, *co_handlers])
        _event(case, type=CaseEvent.Type.ASSIGNMENT, actor=actor, reason=names)
    return case


def case_comment(*, case: Case, actor, text: str) -> CaseEvent:
    """A note on the case (办理意见) from a handler, or from the enterprise on its own request."""
    text = (text or "").strip()
    if not text:
        raise DomainError(_("请填写内容"), field="text")
    if not case_visible_to(actor).filter(pk=case.pk).exists():
        raise DomainError(_("您无权对此案件发表意见"), code="permission_denied")
    own_request = case.kind == Kind.ENTERPRISE_REQUEST and actor.has_perm("cases.submit_enterprise_request")
    if not (own_request or can_handle(actor, case)):
        raise DomainError(_("您无权对此案件发表意见"), code="permission_denied")
    with transaction.atomic(), acting_as(actor):
        return _event(case, type=CaseEvent.Type.COMMENT, actor=actor, reason=text)


def case_instruct(*, case: Case, actor, type: str, text: str = "") -> CaseEvent:
    """A leader's instruction (批示) or chase (督办) on an open case: a line of the case history that stays in
    the handler's 待办 until the handler answers it or acts on the case."""
    if type not in LEADER_EVENT_TYPES:
        raise DomainError(_("请选择批示或督办"), field="type")
    if actor is None or not actor.has_perm("cases.instruct_case"):
        raise DomainError(_("只有镇领导可以批示或督办案件"), code="permission_denied")
    if not case_visible_to(actor).filter(pk=case.pk).exists():
        raise DomainError(_("您无权批示此案件"), code="permission_denied")
    text = (text or "").strip()
    if type == CaseEvent.Type.CHASE and not text:
        text = _("请抓紧办理,按期办结")
    if not text:
        raise DomainError(_("请填写批示内容"), field="text")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if not case.is_open:
            raise DomainError(
                _("案件%(number)s已“%(state)s”,不能再批示或督办")
                % {"number": case.number, "state": State(case.state).label},
                code="invalid_transition",
            )
        with acting_as(actor):
            return _event(case, type=type, actor=actor, reason=text)


def case_acknowledge(*, case: Case, actor, text: str = "") -> CaseEvent:
    """The handler's answer to a leader's instruction or chase (回复批示/督办); it leaves their 待办."""
    _require_handler(case, actor)
    if not CaseEvent.objects.filter(case=case, type__in=LEADER_EVENT_TYPES).exists():
        raise DomainError(_("此案件没有领导批示或督办"), code="invalid_transition")
    text = (text or "").strip() or _("已阅,正在办理")
    with transaction.atomic(), acting_as(actor):
        return _event(case, type=CaseEvent.Type.ACKNOWLEDGEMENT, actor=actor, reason=text)


def case_link_parcels(*, case: Case, actor, parcels: Iterable) -> Case:
    _require_handler(case, actor)
    with transaction.atomic(), acting_as(actor):
        case.parcels.set(list(parcels))
    return case


def case_add_party(*, case: Case, actor, role: str, party) -> CaseParty:
    _require_handler(case, actor)
    with transaction.atomic(), acting_as(actor):
        _add_parties(case, [(role, party)])
    return case.parties.order_by("-id").first()


def security_incident_update(*, case: Case, actor, solved: bool, suspects_caught: int, loss_value=None) -> Case:
    """Record the investigation's result (破案、抓获) on a security incident."""
    _require_handler(case, actor)
    if case.kind != Kind.SECURITY_INCIDENT:
        raise DomainError(_("只有治安案件有破案情况"))
    if suspects_caught < 0:
        raise DomainError(_("抓获人数不能为负数"), field="suspects_caught")
    case.solved, case.suspects_caught = solved, suspects_caught
    if loss_value is not None:
        case.loss_value = loss_value
    case.full_clean()
    with transaction.atomic(), acting_as(actor):
        case.save()
        _event(
            case,
            type=CaseEvent.Type.COMMENT,
            actor=actor,
            reason=_("破案情况:%(solved)s,抓获嫌疑人%(n)s名")
            % {"solved": _("已破案") if solved else _("侦查中"), "n": suspects_caught},
        )
    return case


def mediation_record(
    *, case: Case, actor, held_on: date, place: str, participants: str, summary: str
) -> MediationSession:
    """Log a mediation session of a dispute (调解): date, place, participants, summary."""
    _require_handler(case, actor)
    if case.kind != Kind.DISPUTE:
        raise DomainError(_("只有矛盾纠纷可以记录调解"))
    if case.state not in (State.ACCEPTED, State.IN_PROGRESS, State.SUSPENDED):
        raise DomainError(_("案件受理后、办结前才能记录调解"))
    if held_on > timezone.localdate():
        raise DomainError(_("调解日期不能晚于今天"), field="held_on")
    session = MediationSession(
        case=case, held_on=held_on, place=place.strip(), participants=participants.strip(), summary=summary.strip()
    )
    session.recorded_by = actor
    session.full_clean()
    with transaction.atomic(), acting_as(actor):
        session.save()
        _event(case, type=CaseEvent.Type.MEDIATION, actor=actor, reason=f"{held_on:%Y-%m-%d} {session.place}")
    return session


# --- attachments -------------------------------------------------------------------------------------------

SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
    (b"%PDF-", "application/pdf", (".pdf",)),
)


def sniff_content_type(head: bytes, filename: str) -> str:
    """JPEG, PNG or PDF judged by the file's first bytes, which must agree with its extension."""
    name = filename.lower()
    for magic, content_type, extensions in SIGNATURES:
        if head.startswith(magic):
            if not name.endswith(extensions):
                raise DomainError(_("文件“%(name)s”的扩展名与内容不符") % {"name": filename}, field="file")
            return content_type
    raise DomainError(_("文件“%(name)s”不是JPEG、PNG或PDF文件") % {"name": filename}, field="file")


def attachment_add(*, case: Case, actor, upload) -> CaseAttachment:
    """Attach a photo or scan: JPEG/PNG/PDF by content, at most ``LIANXIN_CASE_ATTACHMENT_MAX_BYTES``."""
    own_request = case.kind == Kind.ENTERPRISE_REQUEST and actor.has_perm("cases.submit_enterprise_request")
    if not (can_handle(actor, case) or (own_request and case_visible_to(actor).filter(pk=case.pk).exists())):
        raise DomainError(_("您无权为此案件上传附件"), code="permission_denied")
    limit = getattr(settings, "LIANXIN_CASE_ATTACHMENT_MAX_BYTES", DEFAULT_ATTACHMENT_MAX_BYTES)
    if upload.size > limit:
        raise DomainError(
            _("文件“%(name)s”超过%(mb)sMB的上限") % {"name": upload.name, "mb": limit // 2**20}, field="file"
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_content_type(head, upload.name)
    attachment = CaseAttachment(
        case=case, original_name=upload.name[:200], content_type=content_type, size=upload.size, uploaded_by=actor
    )
    with transaction.atomic(), acting_as(actor):
        attachment.file.save(f"{secrets.token_hex(8)}{_extension(upload.name)}", upload, save=False)
        attachment.save()
        _event(case, type=CaseEvent.Type.ATTACHMENT, actor=actor, reason=attachment.original_name)
    return attachment


def _extension(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


# --- catalogue and patrols -----------------------------------------------------------------------------------


def service_item_save(*, actor, item: ServiceItem | None = None, **fields) -> ServiceItem:
    """Create or change a service catalogue item (服务事项) and its committed time limit."""
    if not actor.has_perm("cases.change_serviceitem" if item else "cases.add_serviceitem"):
        raise DomainError(_("您的角色无权维护服务事项"), code="permission_denied")
    item = item or ServiceItem()
    for name, value in fields.items():
        setattr(item, name, value)
    item.name = item.name.strip()
    item.full_clean()
    with transaction.atomic(), acting_as(actor):
        item.save()
    return item


def patrol_log_record(
    *, actor, team: str, patrolled_on: date, route: str, region: Region, members: str = "", findings: str = ""
) -> PatrolLog:
    """Record a joint-defence patrol (联防巡逻) in the actor's area."""
    if not actor.has_perm("cases.add_patrollog"):
        raise DomainError(_("您的角色无权登记巡逻记录"), code="permission_denied")
    _check_region(actor, region)
    if patrolled_on > timezone.localdate():
        raise DomainError(_("巡逻日期不能晚于今天"), field="patrolled_on")
    log = PatrolLog(
        team=team.strip(),
        patrolled_on=patrolled_on,
        route=route.strip(),
        region=region,
        members=members.strip(),
        findings=findings.strip(),
        recorded_by=actor,
    )
    log.full_clean()
    with transaction.atomic(), acting_as(actor):
        log.save()
    return log


def integrity_reporters_purge(*, ids: list[int], now: datetime) -> int:
    """Anonymise the reporters' contact data of these closed integrity reports (举报人信息清除): a named
    reporter's name and phone show ``PURGED_MARK``; an anonymous report's tracking code and passphrase stop
    working. Called by the purge (core.retention) inside its batch's transaction."""
    from lianxin.people.models import PURGED_MARK

    cases = list(
        Case.objects.select_for_update()
        .filter(pk__in=ids, kind=Kind.INTEGRITY_REPORT, reporter_contact_purged_at__isnull=True)
        .only("pk", "reporter_name", "reporter_phone")
    )
    for case in cases:
        Case.objects.filter(pk=case.pk).update(
            reporter_name=PURGED_MARK if case.reporter_name else "",
            reporter_phone=PURGED_MARK if case.reporter_phone else "",
            tracking_digest=None,
            tracking_passphrase="",
            reporter_contact_purged_at=now,
        )
    return len(cases)
