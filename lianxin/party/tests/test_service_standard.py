"""The "六个一" service standard filled at the revisit of an enterprise request (cases app) and its scores; the two
prohibitions as integrity-report categories."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from lianxin.accounts.roles import Role
from lianxin.cases import services as case_services
from lianxin.cases.models import Case, ServiceStandardCheck
from lianxin.cases.tests import factories as case_factories
from lianxin.party import selectors

pytestmark = pytest.mark.django_db

ALL_SIX = {"smile": True, "seat": True, "tea": True, "enthusiasm": True, "on_time": True, "farewell": True}


@pytest.fixture
def liaison(make_user, enterprise_in_town):
    return make_user("liaison", Role.ENTERPRISE_LIAISON, scope_enterprise=enterprise_in_town)


def _resolved_request(handler, liaison, enterprise, item):
    case = case_factories.enterprise_request(liaison, enterprise, item=item)
    for state, reason in (("accepted", ""), ("in_progress", ""), ("resolved", "已办结")):
        case = case_services.case_transition(case=case, to_state=state, actor=handler, reason=reason)
    return case


def test_the_enterprise_rates_the_six_items_at_its_revisit_and_scores_follow(
    login_as, working_group_member, liaison, enterprise_in_town, make_user, town
):
    item = case_factories.service_item(department="镇国土所")
    case = _resolved_request(working_group_member, liaison, enterprise_in_town, item)
    # when the enterprise rates the request through the page, ticking four of the six items
    response = login_as(liaison).post(
        f"/cases/{case.pk}/rate/",
        {"satisfaction": "4", "comment": "", "smile": "on", "seat": "on", "tea": "on", "on_time": "on"},
    )
    assert response.status_code == 302
    check = ServiceStandardCheck.objects.get(case=case)
    assert check.items_met == 4
    assert check.handler == working_group_member
    assert check.unit == "镇国土所"
    assert check.event.to_state == Case.State.REVISITED

    # then the scores page gives the handler and the unit 4 of 6
    officer = make_user("officer", Role.PARTY_OFFICER, scope_region=town)
    today = timezone.localdate()
    scores = selectors.service_standard_scores(user=officer, date_from=today - timedelta(days=1), date_to=today)
    assert [(r.label, r.checks, r.score) for r in scores["by_unit"]] == [("镇国土所", 1, Decimal("66.7"))]
    assert scores["by_handler"][0].checks == 1
    html = login_as(officer).get("/party/service-standard/").content.decode()
    assert "镇国土所" in html


def test_a_handler_s_revisit_records_the_checklist_only_when_asked(working_group_member, liaison, enterprise_in_town):
    item = case_factories.service_item()
    case = _resolved_request(working_group_member, liaison, enterprise_in_town, item)
    case_services.case_transition(case=case, to_state="revisited", actor=working_group_member, satisfaction=5)
    assert not ServiceStandardCheck.objects.filter(case=case).exists()
    second = _resolved_request(working_group_member, liaison, enterprise_in_town, item)
    case_services.case_transition(
        case=second, to_state="revisited", actor=working_group_member, satisfaction=5, service_standard=ALL_SIX
    )
    assert ServiceStandardCheck.objects.get(case=second).items_met == 6


def test_disputes_get_no_checklist(working_group_member, village_a):
    case = case_factories.dispute(working_group_member, village_a)
    for state, reason in (("accepted", ""), ("in_progress", ""), ("resolved", "已调解")):
        case = case_services.case_transition(
            case=case, to_state=state, actor=working_group_member, reason=reason, outcome="agreement"
        )
    case_services.case_transition(case=case, to_state="revisited", actor=working_group_member, service_standard=ALL_SIX)
    assert not ServiceStandardCheck.objects.exists()


def test_the_two_prohibitions_are_integrity_report_categories(client, town, village_a, answered_challenge):
    response = client.post(
        "/cases/report/",
        {
            "integrity_category": "shirking",
            "title": "推诿",
            "description": "跑了三次",
            "region": village_a.pk,
            "anonymous": "on",
            **answered_challenge(),
        },
    )
    assert response.status_code == 200
    case = Case.objects.get(kind=Case.Kind.INTEGRITY_REPORT)
    assert case.integrity_category == Case.IntegrityCategory.SHIRKING
    assert Case.IntegrityCategory.ASKING_FAVOURS.label == "向企业伸手要吃、要钱、要物"
