"""Leaders act on a case: instructions (批示) and chases (督办) are lines of the append-only case history and
wait in the handler's 待办 until the handler answers or acts (issue 10, item 17)."""

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from lianxin.cases import services
from lianxin.cases.models import Case, CaseEvent
from lianxin.core import inbox
from lianxin.core.errors import DomainError

from . import factories

State, Type = Case.State, CaseEvent.Type


@pytest.fixture
def handled(village_a, working_group_member, village_a_clerk):
    case = factories.dispute(village_a_clerk, village_a)
    return services.case_transition(case=case, to_state=State.ACCEPTED, actor=working_group_member)


def pending(user) -> list[str]:
    sections = {s.key: s for s in inbox.sections(user=user)}
    return [row.detail for row in sections["cases.instructions"].rows]


def test_an_instruction_waits_in_the_handlers_inbox_until_answered(handled, town_admin, working_group_member):
    services.case_instruct(case=handled, actor=town_admin, type=Type.INSTRUCTION, text="请三日内入户核实")
    assert pending(working_group_member) == ["领导批示 · town_admin:请三日内入户核实"]
    assert inbox.inbox_badge(working_group_member) == "1"
    services.case_acknowledge(case=handled, actor=working_group_member, text="已安排,周三入户")
    assert pending(working_group_member) == []
    assert list(handled.events.values_list("type", flat=True))[-2:] == [Type.INSTRUCTION, Type.ACKNOWLEDGEMENT]


def test_acting_on_the_case_answers_a_chase(handled, town_admin, working_group_member):
    services.case_instruct(case=handled, actor=town_admin, type=Type.CHASE)
    assert pending(working_group_member) == ["督办 · town_admin:请抓紧办理,按期办结"]
    services.case_comment(case=handled, actor=working_group_member, text="已约双方周五调解")
    assert pending(working_group_member) == []


def test_only_leaders_instruct_and_only_open_cases(handled, working_group_member, town_admin):
    with pytest.raises(DomainError, match="只有镇领导"):
        services.case_instruct(case=handled, actor=working_group_member, type=Type.INSTRUCTION, text="x")
    with pytest.raises(DomainError) as exc:
        services.case_instruct(case=handled, actor=town_admin, type=Type.INSTRUCTION, text="  ")
    assert exc.value.field == "text"
    Case.objects.filter(pk=handled.pk).update(state=State.CLOSED)
    with pytest.raises(DomainError, match="不能再批示"):
        services.case_instruct(case=handled, actor=town_admin, type=Type.CHASE)


def test_instructions_are_append_only_history(handled, town_admin):
    event = services.case_instruct(case=handled, actor=town_admin, type=Type.INSTRUCTION, text="依法依规处理")
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).update(reason="改掉")


def test_leader_instructs_from_the_case_page_and_the_handler_answers(
    handled, town_admin, working_group_member, login_as
):
    detail = reverse("cases:case-detail", args=[handled.pk])
    leader = login_as(town_admin)
    assert 'data-testid="instruct-form"' in leader.get(detail).content.decode()
    response = leader.post(
        reverse("cases:case-instruct", args=[handled.pk]), {"type": Type.INSTRUCTION, "text": "注意政策解释"}
    )
    assert response.status_code == 302
    handler = login_as(working_group_member)
    page = handler.get(detail).content.decode()
    assert 'data-testid="instruct-form"' not in page
    assert 'data-testid="instruction-pending"' in page
    assert "注意政策解释" in handler.get(reverse("core:inbox")).content.decode()
    handler.post(reverse("cases:case-acknowledge", args=[handled.pk]), {"text": "收到"})
    assert 'data-testid="instruction-pending"' not in handler.get(detail).content.decode()
    # a handler cannot instruct
    assert handler.post(reverse("cases:case-instruct", args=[handled.pk]), {"type": Type.CHASE}).status_code == 403


def test_instructions_by_api(handled, town_admin, working_group_member, bearer, client):
    url = f"/api/cases/cases/{handled.pk}/instructions"
    response = client.post(url, {"type": "chase"}, content_type="application/json", headers=bearer(town_admin))
    assert response.status_code == 201, response.content
    assert pending(working_group_member) == ["督办 · town_admin:请抓紧办理,按期办结"]
    response = client.post(
        f"/api/cases/cases/{handled.pk}/acknowledgements",
        {"text": "今日办结"},
        content_type="application/json",
        headers=bearer(working_group_member),
    )
    assert response.status_code == 201
    assert pending(working_group_member) == []
