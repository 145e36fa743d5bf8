"""Dispute entry (issue 10, item 16): 当事户 is a search-as-you-type picker (name, household number, village
group; htmx; scoped; the text is POSTed, never in a URL), the opposing party can be a household, an enterprise
or a named person, and the mediation agreement is offered only after a mediation session and names all parties."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone

from lianxin.cases import services
from lianxin.cases.models import Case, CaseParty
from lianxin.people.tests import factories as people_factories

from . import factories

State, Role = Case.State, CaseParty.Role
SEARCH = "cases:party-search"


@pytest.fixture
def households(group_a1, group_a2, group_b1):
    return {
        "wang": people_factories.person(people_factories.household(group_a1), name="王大山", relation="head").household,
        "zhao": people_factories.person(people_factories.household(group_a2), name="赵四", relation="head").household,
        "li": people_factories.person(people_factories.household(group_b1), name="李秀英", relation="head").household,
    }


def search(client, q, side="applicant"):
    response = client.post(reverse(SEARCH), {"q": q, "side": side})
    assert response.status_code == 200
    return response.content.decode()


def test_the_picker_finds_households_by_head_name_number_and_village_group(households, handler, login_as):
    client = login_as(handler)
    assert "王大山" in search(client, "大山")
    assert "赵四" in search(client, households["zhao"].number)
    found = search(client, "甲马石二组")
    assert "赵四" in found
    assert "王大山" not in found
    assert 'hx-post="/cases/parties/pick/"' in found


def test_the_picker_is_scoped_and_never_takes_the_text_in_a_url(households, village_b_clerk, login_as):
    client = login_as(village_b_clerk)
    assert 'data-testid="party-option"' not in search(client, "王大山")  # another village's household
    assert "李秀英" in search(client, "李秀英")
    assert client.get(reverse(SEARCH), {"q": "李秀英", "side": "applicant"}).status_code == 405


def test_the_form_no_longer_lists_every_household(households, handler, login_as):
    for _i in range(30):
        people_factories.household(households["wang"].village_group)
    html = login_as(handler).get(reverse("cases:case-create") + "?kind=dispute").content.decode()
    assert "王大山" not in html
    assert 'name="households"' not in html  # nothing picked yet: no box at all
    assert 'form="picker-applicant"' in html
    assert 'form="picker-respondent"' in html


def test_picking_returns_a_ticked_chip_in_scope_only(households, village_b_clerk, enterprise_in_town, login_as):
    client = login_as(village_b_clerk)
    chip = client.post(
        reverse("cases:party-pick"), {"kind": "household", "id": households["li"].pk, "side": "respondent"}
    )
    assert f'name="respondent_households" value="{households["li"].pk}" checked' in chip.content.decode()
    outside = client.post(
        reverse("cases:party-pick"), {"kind": "household", "id": households["wang"].pk, "side": "applicant"}
    )
    assert outside.status_code == 204


def test_register_with_opposing_parties_of_every_kind(households, handler, login_as, group_a1, enterprise_in_town):
    response = login_as(handler).post(
        reverse("cases:case-create") + "?kind=dispute",
        {
            "title": "施工扰民纠纷",
            "description": "夜间施工噪声",
            "region": group_a1.pk,
            "dispute_category": "construction_nuisance",
            "households": [households["wang"].pk],
            "respondent_households": [households["zhao"].pk],
            "respondent_enterprises": [enterprise_in_town.pk],
            "respondent_names": "张工头、 外地司机",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    parties = [(p.role, str(p)) for p in case.parties.order_by("pk")]
    assert parties == [
        (Role.APPLICANT, str(households["wang"])),
        (Role.RESPONDENT, str(households["zhao"])),
        (Role.RESPONDENT, enterprise_in_town.name),
        (Role.RESPONDENT, "张工头"),
        (Role.RESPONDENT, "外地司机"),
    ]


def test_the_same_household_cannot_be_on_both_sides(households, handler, login_as, group_a1):
    response = login_as(handler).post(
        reverse("cases:case-create") + "?kind=dispute",
        {
            "title": "x",
            "description": "y",
            "region": group_a1.pk,
            "dispute_category": "boundary",
            "households": [households["wang"].pk],
            "respondent_households": [households["wang"].pk],
        },
    )
    assert response.status_code == 400
    assert "不能同时是申请方和对方当事人" in response.content.decode()
    assert not Case.objects.exists()


def test_mediation_agreement_only_after_a_session_and_naming_every_party(
    households, handler, login_as, village_a, enterprise_in_town
):
    from docx import Document

    case = factories.dispute(
        handler,
        village_a,
        parties=[
            (Role.APPLICANT, households["wang"]),
            (Role.RESPONDENT, enterprise_in_town),
            (Role.RESPONDENT, "张工头"),
        ],
    )
    case = services.case_transition(case=case, to_state=State.ACCEPTED, actor=handler)
    client = login_as(handler)
    detail = reverse("cases:case-detail", args=[case.pk])
    docx_url = reverse("cases:mediation-agreement", args=[case.pk])
    assert 'data-testid="mediation-agreement"' not in client.get(detail).content.decode()
    assert client.get(docx_url).status_code == 302  # back to the case, with the reason

    services.mediation_record(
        case=case, actor=handler, held_on=timezone.localdate(), place="村委会", participants="双方", summary="达成一致"
    )
    assert 'data-testid="mediation-agreement"' in client.get(detail).content.decode()
    document = Document(io.BytesIO(client.get(docx_url).content))
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    for name in ("王大山", enterprise_in_town.name, "张工头"):
        assert name in cells
        assert f"{name}(签名)" in cells
