"""What cases put in a user's 待办 (registered with ``lianxin.core.inbox`` in ``CasesConfig.ready``).

- 办理期限: running cases due within two working days or overdue; an assignee (and co-handler) sees their
  own, a township leader every one in the jurisdiction. Same list as the daily reminder e-mail.
- 待受理: new cases nobody has taken yet, in the user's area and of the kinds their role accepts
  (working group: disputes and enterprise requests; police liaison: security incidents; discipline
  inspector: integrity reports, anonymous ones included), oldest first with the time they have waited.
- 领导批示/督办: a leader's instruction or chase on a case the user handles, until the handler answers it
  or acts on the case.
- 待评价: an enterprise's resolved requests waiting for the liaison's rating.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.accounts.roles import Role
from lianxin.core import inbox
from lianxin.core.inbox import InboxAction, InboxProvider, InboxRow, due_soon_limit
from lianxin.core.workdays import workdays_between

from .models import CLOCK_STATES, LEADER_EVENT_TYPES, OPEN_STATES, Case, CaseEvent
from .selectors import KIND_VIEW_PERMISSIONS, case_visible_to

Kind, State = Case.Kind, Case.State

# Who takes new cases of which kind (受理): the role's intake, within the user's scope.
INTAKE_KINDS: dict[str, tuple[str, ...]] = {
    Role.WORKING_GROUP: (Kind.DISPUTE, Kind.ENTERPRISE_REQUEST),
    Role.POLICE_LIAISON: (Kind.SECURITY_INCIDENT,),
    Role.DISCIPLINE_INSPECTOR: (Kind.INTEGRITY_REPORT,),
}


def _is_leader(user) -> bool:
    return getattr(user, "role", "") == Role.TOWNSHIP_LEADER


def _case_url(case_id: int) -> str:
    return reverse("cases:case-detail", args=[case_id])


# --- deadlines -------------------------------------------------------------------------------------------


def _deadline_querysets(user, today: date) -> list[QuerySet[Case]]:
    """The deadline inbox as one or two index-driven queries.

    A leader's is one range scan on (state, due_on). A handler's is split in two, the cases they are
    assignee of (index on assignee, state, due_on) and those they co-handle (a few primary keys):
    an OR of the two would make the database walk every due case of the township to find a handler's.
    """
    qs = case_visible_to(user).filter(state__in=CLOCK_STATES, due_on__lte=due_soon_limit(today))
    if _is_leader(user):
        return [qs]
    co_handled = Case.co_handlers.through.objects.filter(user_id=user.pk).values("case_id")
    return [qs.filter(assignee_id=user.pk), qs.filter(pk__in=co_handled).exclude(assignee_id=user.pk)]


def deadline_cases(*, user, today: date | None = None, limit: int = 500) -> list[Case]:
    """Open cases with a running clock due by ``due_soon_limit`` (overdue ones included), earliest first."""
    today = today or timezone.localdate()
    rows: list[Case] = []
    for qs in _deadline_querysets(user, today):
        rows.extend(qs.select_related("region", "assignee").order_by("due_on", "id")[:limit])
    rows.sort(key=lambda case: (case.due_on, case.pk))
    return rows[:limit]


class DeadlinesProvider(InboxProvider):
    key = "cases.deadlines"
    title = gettext_lazy("办理期限")
    empty_text = gettext_lazy("没有超期或即将到期的案件")
    order = 10

    def applies(self, user) -> bool:
        return user.has_perm("cases.view_case") and (user.has_perm("cases.handle_case") or _is_leader(user))

    def description_for(self, user) -> str:
        if _is_leader(user):
            return _("管辖范围内已超期和2个工作日内到期的案件")
        return _("由您承办或协办、已超期和2个工作日内到期的案件")

    def rows(self, *, user, today: date, limit: int) -> list[InboxRow]:
        return [
            InboxRow(
                title=case.title,
                url=_case_url(case.pk),
                number=case.number,
                detail=" · ".join(
                    part
                    for part in (
                        str(case.get_kind_display()),
                        case.region.name,
                        (case.assignee.get_full_name() or case.assignee.username) if case.assignee_id else "",
                    )
                    if part
                ),
                clock=case.due_on,
                clock_text=_("期限 %(day)s") % {"day": f"{case.due_on:%Y-%m-%d}"},
                overdue=case.overdue_on(today),
                provisional=case.due_provisional,
            )
            for case in deadline_cases(user=user, today=today, limit=limit)
        ]

    def count(self, *, user, today: date, cap: int) -> int:
        """At most ``cap`` + 1 rows are counted per query, so the badge stays cheap."""
        return sum(qs.order_by()[: cap + 1].count() for qs in _deadline_querysets(user, today))


# --- intake --------------------------------------------------------------------------------------------


def intake_kinds(user) -> list[str]:
    """The kinds of new case ``user`` takes in: their role's intake, those they may handle."""
    if not user.has_perm("cases.handle_case"):
        return []
    return [k for k in INTAKE_KINDS.get(getattr(user, "role", ""), ()) if user.has_perm(KIND_VIEW_PERMISSIONS[k])]


def intake_queue(*, user) -> QuerySet[Case]:
    """Registered cases nobody has taken (待受理) in the user's scope and intake kinds, oldest first."""
    kinds = intake_kinds(user)
    if not kinds:
        return Case.objects.none()
    return (
        case_visible_to(user)
        .filter(state=State.REGISTERED, assignee__isnull=True, kind__in=kinds)
        .order_by("registered_at", "id")
    )


def waited_workdays(case: Case, today: date) -> int:
    """Working days since the case was registered (the intake clock)."""
    return max(workdays_between(timezone.localtime(case.registered_at).date(), today), 0)


class IntakeProvider(InboxProvider):
    key = "cases.intake"
    title = gettext_lazy("待受理")
    description = gettext_lazy("新登记、尚无人受理的案件(您所在区域、您的职责范围);受理即由您承办,期限自受理起算")
    empty_text = gettext_lazy("没有待受理的案件")
    order = 20

    def applies(self, user) -> bool:
        return bool(intake_kinds(user))

    def rows(self, *, user, today: date, limit: int) -> list[InboxRow]:
        rows = []
        for case in intake_queue(user=user).select_related("region")[:limit]:
            waited = waited_workdays(case, today)
            registered = timezone.localtime(case.registered_at).date()
            rows.append(
                InboxRow(
                    title=case.title,
                    url=_case_url(case.pk),
                    number=case.number,
                    detail=f"{case.get_kind_display()} · {case.region.name}",
                    clock=registered,
                    clock_text=_("%(day)s登记,已等待%(n)s个工作日") % {"day": f"{registered:%Y-%m-%d}", "n": waited},
                    action=InboxAction(
                        url=reverse("cases:case-transition", args=[case.pk]),
                        label=_("受理"),
                        fields={"to_state": State.ACCEPTED},
                    ),
                )
            )
        return rows

    def count(self, *, user, today: date, cap: int) -> int:
        return intake_queue(user=user).order_by()[: cap + 1].count()


# --- leaders' instructions and chases ------------------------------------------------------------------


def pending_instructions(*, user) -> QuerySet[CaseEvent]:
    """Instructions (批示) and chases (督办) on open cases ``user`` handles that they have not answered yet:
    no event of theirs on the case after it (an answer, a comment, a transition…).

    Leaders' events are few: the query starts from them (index on type, case), never from the handler's
    cases (a busy handler has hundreds); visibility is then checked on the handful of cases found."""
    candidates = CaseEvent.objects.filter(
        type__in=LEADER_EVENT_TYPES, case__assignee_id=user.pk, case__state__in=OPEN_STATES
    )
    case_ids = set(candidates.order_by().values_list("case_id", flat=True)[:1000])
    if not case_ids:  # the usual answer, in one small query (the badge runs on every page)
        return CaseEvent.objects.none()
    answered = CaseEvent.objects.filter(case_id=OuterRef("case_id"), actor_id=user.pk, pk__gt=OuterRef("pk"))
    visible = list(case_visible_to(user).filter(pk__in=case_ids).values_list("pk", flat=True))
    return candidates.filter(case_id__in=visible).exclude(Exists(answered)).order_by("at", "id")


class InstructionsProvider(InboxProvider):
    key = "cases.instructions"
    title = gettext_lazy("领导批示、督办")
    description = gettext_lazy("您承办案件上的领导批示和督办,回复或办理后不再提醒")
    empty_text = gettext_lazy("没有待回复的批示或督办")
    order = 15

    def applies(self, user) -> bool:
        return user.has_perm("cases.handle_case")

    def rows(self, *, user, today: date, limit: int) -> list[InboxRow]:
        rows = []
        for event in pending_instructions(user=user).select_related("case", "actor")[:limit]:
            case = event.case
            leader = (event.actor.get_full_name() or event.actor.username) if event.actor_id else ""
            rows.append(
                InboxRow(
                    title=case.title,
                    url=_case_url(case.pk) + "#instructions",
                    number=case.number,
                    detail=f"{event.get_type_display()} · {leader}:{event.reason}",
                    clock=case.due_on,
                    clock_text=(
                        _("期限 %(day)s") % {"day": f"{case.due_on:%Y-%m-%d}"}
                        if case.due_on
                        else _("%(day)s督办") % {"day": f"{timezone.localtime(event.at):%Y-%m-%d}"}
                    ),
                    overdue=case.overdue_on(today),
                )
            )
        return rows

    def count(self, *, user, today: date, cap: int) -> int:
        return pending_instructions(user=user).order_by()[: cap + 1].count()


# --- ratings -----------------------------------------------------------------------------------------------


def awaiting_rating(*, user) -> QuerySet[Case]:
    """Resolved requests of the user's enterprise that wait for their rating (待评价), oldest first."""
    if not (user.has_perm("cases.rate_case") and user.has_perm("cases.submit_enterprise_request")):
        return Case.objects.none()
    return (
        case_visible_to(user)
        .filter(kind=Kind.ENTERPRISE_REQUEST, state=State.RESOLVED, satisfaction__isnull=True)
        .order_by("resolved_at", "id")
    )


class RatingProvider(InboxProvider):
    key = "cases.awaiting_rating"
    title = gettext_lazy("待评价")
    description = gettext_lazy("已办结的企业诉求,请对办理结果评价")
    empty_text = gettext_lazy("没有待评价的诉求")
    order = 30

    def applies(self, user) -> bool:
        return user.has_perm("cases.rate_case") and user.has_perm("cases.submit_enterprise_request")

    def rows(self, *, user, today: date, limit: int) -> list[InboxRow]:
        rows = []
        for case in awaiting_rating(user=user)[:limit]:
            resolved = timezone.localtime(case.resolved_at).date() if case.resolved_at else None
            rows.append(
                InboxRow(
                    title=case.title,
                    url=_case_url(case.pk) + "#rating",
                    number=case.number,
                    detail=case.result[:80],
                    clock=resolved,
                    clock_text=_("%(day)s办结") % {"day": f"{resolved:%Y-%m-%d}"} if resolved else "",
                )
            )
        return rows

    def count(self, *, user, today: date, cap: int) -> int:
        return awaiting_rating(user=user).order_by()[: cap + 1].count()


def register() -> None:
    for provider in (DeadlinesProvider(), InstructionsProvider(), IntakeProvider(), RatingProvider()):
        inbox.register(provider)
