"""Reads of cases. ``case_visible_to`` is the one visibility rule every page, export and endpoint uses:
the user's scope (region subtree or enterprise), the kinds their role may see, and never an integrity
report about themselves."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.core.pagination import Segment
from lianxin.core.permissions import scope_to_user

from .models import CLOCK_STATES, OPEN_STATES, Case, CaseEvent, CaseParty, PatrolLog, ServiceItem, overdue_filter

Kind, State = Case.Kind, Case.State

KIND_VIEW_PERMISSIONS = {
    Kind.DISPUTE: "cases.view_dispute",
    Kind.ENTERPRISE_REQUEST: "cases.view_enterprise_request",
    Kind.INTEGRITY_REPORT: "cases.view_integrity_report",
    Kind.SECURITY_INCIDENT: "cases.view_security_incident",
}


def visible_kinds(user) -> list[str]:
    if user is None or not user.is_authenticated:
        return []
    return [kind for kind, perm in KIND_VIEW_PERMISSIONS.items() if user.has_perm(perm)]


def case_visible_to(user) -> QuerySet[Case]:
    """Cases ``user`` may see (可见范围): scope, kinds by role, and integrity reports never by the reported cadre."""
    qs = scope_to_user(Case.objects.all(), user)
    kinds = visible_kinds(user)
    if not kinds:
        return qs.none()
    if len(kinds) < len(KIND_VIEW_PERMISSIONS):
        qs = qs.filter(kind__in=kinds)
    if Kind.INTEGRITY_REPORT in kinds:
        qs = qs.exclude(Q(kind=Kind.INTEGRITY_REPORT) & Q(reported_cadre=user))
    return qs


def _in_scope(user, case: Case) -> bool:
    if user.is_superuser:
        return True
    if user.scope_enterprise_id:
        return case.enterprise_id == user.scope_enterprise_id
    if user.scope_region_id:
        return case.region.path.startswith(user.scope_region.path)
    return False


def can_handle(user, case: Case) -> bool:
    """May ``user`` work this case (办理): the handle permission, the kind, the scope, and not the reported cadre."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not user.has_perm("cases.handle_case") or not user.has_perm(KIND_VIEW_PERMISSIONS[case.kind]):
        return False
    if case.reported_cadre_id and case.reported_cadre_id == user.pk:
        return False
    return _in_scope(user, case)


def case_list(
    *,
    user,
    kind: str = "",
    state: str = "",
    region=None,
    assignee: int | str | None = None,
    enterprise=None,
    overdue: bool = False,
    q: str = "",
    today: date | None = None,
    registered_from: date | None = None,
    registered_to: date | None = None,
    resolved: bool = False,
    timed: bool = False,
    on_time: bool = False,
    open: bool = False,  # noqa: A002 - the query parameter's name
    dispute_category: str = "",
    dispute_outcome: str = "",
    incident_type: str = "",
    solved: bool = False,
    rated: bool = False,
    project=None,
) -> QuerySet[Case]:
    """The filtered case list (``case_urgency_segments`` orders it for the page); ``overdue`` is
    ``overdue_filter``: a running clock past the stored deadline. The figure filters (registered
    within local dates, inclusive; resolved, timed, on time: ``statistics``; open; dispute category
    and outcome, ``referred`` being either referral; theft type, solved; rated; project) make the
    page show the rows behind a figure of the catalogue."""
    from . import statistics  # statistics reads this module

    qs = case_visible_to(user).select_related("region", "assignee", "enterprise", "service_item")
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    if state in State.values:
        qs = qs.filter(state=state)
    if region:
        from lianxin.regions.models import Region

        if not isinstance(region, Region):
            region = Region.objects.filter(pk=region).only("path").first() if str(region).isdigit() else None
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    if assignee:
        qs = qs.filter(assignee_id=assignee) if str(assignee).isdigit() else qs.none()
    if enterprise:
        qs = qs.filter(enterprise=enterprise)
    if overdue:
        qs = qs.filter(overdue_filter(today or timezone.localdate()))
    if q:
        q = q.strip()
        qs = qs.filter(Q(number__iexact=q) | Q(title__icontains=q))
    if registered_from:
        qs = qs.filter(registered_at__gte=timezone.make_aware(datetime.combine(registered_from, time.min)))
    if registered_to:
        end = registered_to + timedelta(days=1)
        qs = qs.filter(registered_at__lt=timezone.make_aware(datetime.combine(end, time.min)))
    if resolved:
        qs = qs.filter(statistics.resolved_q())
    if timed:
        qs = qs.filter(statistics.timed_q())
    if on_time:
        qs = qs.filter(statistics.on_time_q())
    if open:
        qs = qs.filter(state__in=OPEN_STATES)
    if dispute_category:
        qs = qs.filter(dispute_category=dispute_category)
    if dispute_outcome == REFERRED:
        qs = qs.filter(dispute_outcome__in=REFERRED_OUTCOMES)
    elif dispute_outcome:
        qs = qs.filter(dispute_outcome=dispute_outcome)
    if incident_type:
        qs = qs.filter(incident_type=incident_type)
    if solved:
        qs = qs.filter(solved=True)
    if rated:
        qs = qs.filter(satisfaction__isnull=False)
    if project:
        qs = qs.filter(project=project)
    return qs


# ``dispute_outcome=referred``: either referral (to a court or to the petition office).
REFERRED = "referred"
REFERRED_OUTCOMES = (Case.DisputeOutcome.REFERRED_COURT, Case.DisputeOutcome.REFERRED_PETITION)


def case_urgency_segments(qs: QuerySet[Case], *, state: str = "", overdue: bool = False) -> list[Segment]:
    """The case list by urgency (按紧急程度): running clocks by deadline, earliest first (so the overdue ones
    lead), then the cases without a running clock, newest first. A segment the filters rule out is left out,
    so its query never runs (``state=closed`` would otherwise scan every closed case to find no clock)."""
    clocked = Q(state__in=CLOCK_STATES, due_on__isnull=False)
    segments = []
    if not state or state in CLOCK_STATES:
        # One part per running state, each an ordered walk of the (state, due_on) index, merged per page.
        parts = tuple(qs.filter(state=s, due_on__isnull=False) for s in CLOCK_STATES if not state or s == state)
        segments.append(Segment(qs.filter(clocked), "due_on", descending=False, parts=parts))
    if not overdue:
        segments.append(Segment(qs.exclude(clocked), None, descending=True))
    return segments


# What a row of the case list page shows: the page fetches these columns only (a case and its
# related rows have ~80 columns; reading them all costs more than the query itself).
LIST_PAGE_COLUMNS = (
    "id",
    "number",
    "kind",
    "state",
    "title",
    "due_on",
    "due_provisional",
    "suspects_caught",
    "satisfaction",
    "region__name",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
)


def case_list_page_rows(qs: QuerySet[Case]) -> QuerySet[Case]:
    """``case_list`` narrowed to the columns the list page shows."""
    return qs.select_related(None).select_related("region", "assignee").only(*LIST_PAGE_COLUMNS)


def case_overdue(*, user, today: date | None = None) -> QuerySet[Case]:
    """Open cases past their stored deadline, earliest first: a range scan on (state, due_on)."""
    return (
        case_visible_to(user)
        .filter(overdue_filter(today or timezone.localdate()))
        .select_related("region", "assignee")
        .order_by("due_on", "id")
    )


def _household_head(ref: str):
    from lianxin.people.models import Person

    return Subquery(Person.objects.filter(household_id=OuterRef(ref), relation=Person.Relation.HEAD).values("name")[:1])


def case_get(*, user, pk) -> Case:
    """One visible case with everything the detail page shows, or 404."""
    try:
        return (
            case_visible_to(user)
            .select_related("region", "assignee", "enterprise", "service_item", "project", "registered_by")
            .prefetch_related(
                "co_handlers",
                Prefetch(
                    "parties",
                    queryset=CaseParty.objects.select_related(
                        "person", "household__village_group", "enterprise"
                    ).annotate(head_name=_household_head("household_id")),
                ),
                Prefetch("events", queryset=CaseEvent.objects.select_related("actor").order_by("at", "id")),
                "suspensions",
                "mediations",
                "attachments",
            )
            .get(pk=pk)
        )
    except (Case.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def case_parcels(case: Case) -> list:
    return list(case.parcels.select_related("village_group").all())


def handler_candidates(*, case: Case) -> list:
    """Active users who could be assigned this case (for the assignment form): two permission joins in one
    query, then the scope and the reported-cadre rule in Python, so no permission query per user."""
    from django.contrib.auth import get_user_model

    def has(codename: str) -> Q:
        return Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label="cases") | Q(
            user_permissions__codename=codename, user_permissions__content_type__app_label="cases"
        )

    kind_codename = KIND_VIEW_PERMISSIONS[case.kind].split(".")[1]
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | has("handle_case"))
        .filter(Q(is_superuser=True) | has(kind_codename))
        .exclude(pk=case.reported_cadre_id or 0)
        .select_related("scope_region", "scope_enterprise")
        .distinct()
        .order_by("username")
    )
    return [user for user in users[:500] if _in_scope(user, case)]


def service_item_list(*, user, active_only: bool = False) -> QuerySet[ServiceItem]:
    """The service catalogue (服务事项): reference data, readable with the permission whatever the scope."""
    if not user.is_authenticated or not user.has_perm("cases.view_serviceitem"):
        return ServiceItem.objects.none()
    qs = ServiceItem.objects.all()
    return qs.filter(active=True) if active_only else qs


def patrol_log_list(
    *, user, region=None, patrolled_from: date | None = None, patrolled_to: date | None = None
) -> QuerySet[PatrolLog]:
    """Patrols in scope (联防巡逻), in a region's subtree, patrolled within the dates (inclusive); the
    page orders them by date, newest first."""
    qs = scope_to_user(PatrolLog.objects.select_related("region", "recorded_by"), user)
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    if patrolled_from:
        qs = qs.filter(patrolled_on__gte=patrolled_from)
    if patrolled_to:
        qs = qs.filter(patrolled_on__lte=patrolled_to)
    return qs


# --- parties of a dispute: search-as-you-type -----------------------------------------------------------


@dataclass(frozen=True)
class PartyOption:
    """One household, person or enterprise offered as a party (当事人), with what tells it apart."""

    kind: str  # "household" | "person" | "enterprise"
    id: int
    label: str
    detail: str = ""


PARTY_KINDS = ("household", "person", "enterprise")
PARTY_SEARCH_LIMIT = 8


def _household_options(qs) -> list[PartyOption]:
    from lianxin.people.models import Person

    head = Person.objects.filter(household=OuterRef("pk"), relation=Person.Relation.HEAD).values("name")[:1]
    rows = qs.select_related("village_group__parent").annotate(head_name=Subquery(head))
    return [
        PartyOption(
            "household",
            h.pk,
            f"{h.head_name or _('(未登记户主)')} · {h.number or '#' + str(h.pk)}户",
            f"{h.village_group.parent.name if h.village_group.parent_id else ''}{h.village_group.name}",
        )
        for h in rows
    ]


def _person_options(qs) -> list[PartyOption]:
    rows = qs.select_related("household__village_group")
    return [
        PartyOption(
            "person",
            p.pk,
            p.name,
            f"{p.household.village_group.name} · {p.household.number or '#' + str(p.household_id)}户",
        )
        for p in rows
    ]


def _enterprise_options(qs) -> list[PartyOption]:
    return [PartyOption("enterprise", e.pk, e.name, e.region.name) for e in qs.select_related("region")]


def party_search(*, user, q: str, kinds=PARTY_KINDS, limit: int = PARTY_SEARCH_LIMIT) -> list[PartyOption]:
    """Households (by head's name, household number or village group), persons (by name) and enterprises (by
    name) in the user's scope, for the dispute form's pickers. The search text arrives by POST, never in a URL."""
    from lianxin.enterprises.models import Enterprise
    from lianxin.people.identity import name_normalize
    from lianxin.people.models import Household, Person

    q = name_normalize(q or "")[:50]
    if not q:
        return []
    options: list[PartyOption] = []
    if "household" in kinds:
        households = scope_to_user(Household.objects.all(), user).filter(
            Q(number__icontains=q)
            | Q(village_group__name__icontains=q)
            | Q(members__name__icontains=q, members__relation=Person.Relation.HEAD)
        )
        options += _household_options(households.distinct().order_by("village_group__path", "number", "pk")[:limit])
    if "person" in kinds:
        persons = scope_to_user(Person.objects.all(), user).filter(name__icontains=q).order_by("name", "pk")
        options += _person_options(persons[:limit])
    if "enterprise" in kinds:
        enterprises = scope_to_user(Enterprise.objects.all(), user).filter(name__icontains=q).order_by("name")
        options += _enterprise_options(enterprises[:limit])
    return options


def party_options(*, user, kind: str, ids) -> list[PartyOption]:
    """The chosen parties of one kind, as chips (scoped: an id outside the user's scope is dropped)."""
    from lianxin.enterprises.models import Enterprise
    from lianxin.people.models import Household, Person

    ids = [int(i) for i in ids if str(i).isdigit() and int(i) < 2**31]
    if not ids:
        return []
    if kind == "household":
        return _household_options(scope_to_user(Household.objects.filter(pk__in=ids), user).order_by("pk"))
    if kind == "person":
        return _person_options(scope_to_user(Person.objects.filter(pk__in=ids), user).order_by("pk"))
    if kind == "enterprise":
        return _enterprise_options(scope_to_user(Enterprise.objects.filter(pk__in=ids), user).order_by("pk"))
    return []
