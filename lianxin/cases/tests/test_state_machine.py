"""Every transition of the case workflow, allowed and refused, through the one transition service."""

from datetime import date

import pytest

from lianxin.cases import services
from lianxin.cases.models import Case, CaseEvent
from lianxin.core.errors import DomainError

from . import factories

State = Case.State

# How to bring a fresh case into each state, with the reason each step needs.
PATHS = {
    State.REGISTERED: [],
    State.ACCEPTED: [State.ACCEPTED],
    State.IN_PROGRESS: [State.ACCEPTED, State.IN_PROGRESS],
    State.SUSPENDED: [State.ACCEPTED, State.IN_PROGRESS, State.SUSPENDED],
    State.RESOLVED: [State.ACCEPTED, State.IN_PROGRESS, State.RESOLVED],
    State.REVISITED: [State.ACCEPTED, State.IN_PROGRESS, State.RESOLVED, State.REVISITED],
    State.CLOSED: [State.ACCEPTED, State.IN_PROGRESS, State.RESOLVED, State.REVISITED, State.CLOSED],
}
ALLOWED = {
    (State.REGISTERED, State.ACCEPTED),
    (State.ACCEPTED, State.IN_PROGRESS),
    (State.IN_PROGRESS, State.SUSPENDED),
    (State.SUSPENDED, State.IN_PROGRESS),
    (State.IN_PROGRESS, State.RESOLVED),
    (State.RESOLVED, State.REVISITED),
    (State.REVISITED, State.CLOSED),
    (State.REVISITED, State.IN_PROGRESS),
}


def _walk(case, actor, steps):
    for step in steps:
        case = services.case_transition(
            case=case, to_state=step, actor=actor, reason="说明", outcome=Case.DisputeOutcome.AGREEMENT
        )
    return case


@pytest.mark.parametrize("to_state", State.values)
@pytest.mark.parametrize("from_state", State.values)
def test_transition_allowed_exactly_along_the_workflow(from_state, to_state, handler, village_a):
    # given a dispute in from_state
    case = _walk(factories.dispute(handler, village_a), handler, PATHS[from_state])
    events_before = CaseEvent.objects.filter(case=case).count()
    if (from_state, to_state) in ALLOWED:
        # when the handler moves it on, then the case is in the new state and the history has one more line
        moved = services.case_transition(
            case=case, to_state=to_state, actor=handler, reason="依规办理", outcome=Case.DisputeOutcome.AGREEMENT
        )
        assert moved.state == to_state
        last = CaseEvent.objects.filter(case=case).order_by("-id").first()
        assert (last.from_state, last.to_state, last.actor) == (from_state, to_state, handler)
        assert CaseEvent.objects.filter(case=case).count() == events_before + 1
    else:
        # when refused, the message names both states and nothing is written
        with pytest.raises(DomainError) as refused:
            services.case_transition(case=case, to_state=to_state, actor=handler, reason="依规办理")
        assert refused.value.code == "invalid_transition"
        assert str(State(from_state).label) in refused.value.message
        case.refresh_from_db()
        assert case.state == from_state
        assert CaseEvent.objects.filter(case=case).count() == events_before


@pytest.mark.parametrize(
    ("from_state", "to_state"),
    [(State.IN_PROGRESS, State.SUSPENDED), (State.IN_PROGRESS, State.RESOLVED), (State.REVISITED, State.IN_PROGRESS)],
)
def test_suspend_resolve_and_reopen_need_a_reason(from_state, to_state, handler, village_a):
    case = _walk(factories.dispute(handler, village_a), handler, PATHS[from_state])
    with pytest.raises(DomainError, match="须填写说明"):
        services.case_transition(case=case, to_state=to_state, actor=handler, reason="  ")


def test_resolving_a_dispute_needs_an_outcome(handler, village_a):
    case = _walk(factories.dispute(handler, village_a), handler, PATHS[State.IN_PROGRESS])
    with pytest.raises(DomainError, match="调处结果") as refused:
        services.case_transition(case=case, to_state=State.RESOLVED, actor=handler, reason="已调解")
    assert refused.value.field == "outcome"


def test_a_role_without_the_handle_permission_is_refused(handler, town_admin, village_a):
    # the township leader reads everything but does not work cases
    case = factories.dispute(handler, village_a)
    with pytest.raises(DomainError) as refused:
        services.case_transition(case=case, to_state=State.ACCEPTED, actor=town_admin)
    assert refused.value.code == "permission_denied"


def test_cadre_of_another_village_cannot_work_the_case(handler, village_a, village_b_clerk):
    case = factories.dispute(handler, village_a)
    with pytest.raises(DomainError):
        services.case_transition(case=case, to_state=State.ACCEPTED, actor=village_b_clerk)


def test_history_cannot_be_edited_or_deleted(handler, village_a):
    from django.db import DatabaseError, transaction

    case = factories.dispute(handler, village_a)
    event = CaseEvent.objects.get(case=case)
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).update(reason="改过")
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).delete()


def test_numbers_count_per_kind_and_year(handler, police, village_a):
    first = factories.dispute(handler, village_a)
    second = factories.dispute(handler, village_a)
    incident = factories.security_incident(police, village_a)
    year = first.registered_at.year
    assert (first.number, second.number) == (f"JF-{year}-0001", f"JF-{year}-0002")
    assert incident.number == f"ZA-{year}-0001"


def test_accepting_sets_assignee_and_stored_deadline(handler, village_a):
    case = factories.dispute(handler, village_a)
    case = services.case_transition(case=case, to_state=State.ACCEPTED, actor=handler, on=date(2026, 6, 1))
    assert case.assignee == handler
    assert case.accepted_on == date(2026, 6, 1)
    assert case.time_limit_workdays == 30  # the dispute default, in working days
    # 30 working days from Mon 1 June 2026; the Dragon Boat holiday (19 June, Friday) is skipped
    assert case.due_on == date(2026, 7, 14)
    assert not case.due_provisional
