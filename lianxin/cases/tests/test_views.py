"""Pages: the list and its filters/export, detail with only the allowed buttons, forms per kind, public reporting."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from lianxin.cases import services
from lianxin.cases.models import Case

from . import factories

State = Case.State


def test_list_shows_only_visible_cases_and_filters(login_as, handler, police, village_a, village_b, village_a_clerk):
    mine = factories.dispute(handler, village_a, title="甲村补偿纠纷")
    other = factories.dispute(handler, village_b, title="乙村补偿纠纷")
    incident = factories.security_incident(police, village_a, title="钢材被盗")
    client = login_as(village_a_clerk)
    html = client.get(reverse("cases:case-list")).content.decode()
    assert mine.number in html
    assert incident.number in html
    assert other.number not in html
    html = client.get(reverse("cases:case-list"), {"kind": "security_incident"}).content.decode()
    assert incident.number in html
    assert mine.number not in html


def test_overdue_filter(login_as, handler, village_a):
    late = factories.dispute(handler, village_a, title="超期纠纷")
    services.case_transition(case=late, to_state=State.ACCEPTED, actor=handler, on=date(2025, 1, 2))
    fresh = factories.dispute(handler, village_a, title="新纠纷")
    html = login_as(handler).get(reverse("cases:case-list"), {"overdue": "1"}).content.decode()
    assert late.number in html
    assert fresh.number not in html


def test_list_query_count_does_not_grow_with_rows(login_as, handler, village_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login_as(handler)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("cases:case-list")).status_code == 200
        return len(captured)

    factories.dispute(handler, village_a, title="纠纷0")
    few = queries()
    for i in range(1, 11):
        factories.dispute(handler, village_a, title=f"纠纷{i}")

    assert queries() == few


def test_export_is_what_the_list_shows(login_as, handler, village_a, police):
    factories.dispute(handler, village_a, title="甲村补偿纠纷")
    factories.security_incident(police, village_a)
    response = login_as(handler).get(reverse("cases:case-export"), {"kind": "dispute"})
    assert response.status_code == 200
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "甲村补偿纠纷" in values
    assert "工地钢材被盗" not in values


def test_case_of_another_village_is_404(login_as, handler, village_b, village_a_clerk):
    case = factories.dispute(handler, village_b)
    assert login_as(village_a_clerk).get(reverse("cases:case-detail", args=[case.pk])).status_code == 404


def test_detail_shows_only_the_allowed_buttons(login_as, handler, town_admin, village_a):
    case = factories.dispute(handler, village_a)
    html = login_as(handler).get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert 'value="accepted"' in html
    assert 'value="closed"' not in html
    html = login_as(town_admin).get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert 'value="accepted"' not in html  # the leader reads, does not handle


def test_transition_through_the_page_and_refusal_message(login_as, handler, village_a):
    case = factories.dispute(handler, village_a)
    client = login_as(handler)
    client.post(reverse("cases:case-transition", args=[case.pk]), {"to_state": "accepted"})
    case.refresh_from_db()
    assert case.state == State.ACCEPTED
    assert case.due_on
    response = client.post(reverse("cases:case-transition", args=[case.pk]), {"to_state": "closed"}, follow=True)
    assert "不能变更为" in response.content.decode()


def test_suspension_is_visible_on_the_page(login_as, handler, village_a):
    case = factories.dispute(handler, village_a)
    for step in (State.ACCEPTED, State.IN_PROGRESS):
        case = services.case_transition(case=case, to_state=step, actor=handler)
    services.case_transition(case=case, to_state=State.SUSPENDED, actor=handler, reason="等待补交材料")
    html = login_as(handler).get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert 'data-testid="suspended"' in html
    assert "等待补交材料" in html


def test_provisional_badge(login_as, handler, village_a):
    case = factories.dispute(handler, village_a)
    services.case_transition(case=case, to_state=State.ACCEPTED, actor=handler, on=date(2027, 12, 20))
    html = login_as(handler).get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert 'data-testid="provisional"' in html


def test_dispute_form_prefilled_from_a_stalled_household(login_as, handler, household_a, village_a, group_a1):
    url = reverse("cases:case-create") + f"?kind=dispute&household={household_a.pk}"
    client = login_as(handler)
    html = client.get(url).content.decode()
    assert f'name="households" value="{household_a.pk}" checked' in html  # the picker's chip, ticked
    response = client.post(
        url,
        {
            "title": "补偿款纠纷",
            "description": "对补偿面积有异议",
            "region": group_a1.pk,
            "dispute_category": "land_compensation",
            "households": [household_a.pk],
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.parties.get().household == household_a


def test_liaison_submits_a_request_from_the_catalogue(login_as, liaison, enterprise_in_town):
    item = factories.service_item("环评手续协调", days=8)
    client = login_as(liaison)
    assert "环评手续协调" in client.get(reverse("cases:request-create")).content.decode()
    client.post(
        reverse("cases:request-create"),
        {
            "service_item": item.pk,
            "title": "环评批复进度",
            "description": "请协调",
            "enterprise": enterprise_in_town.pk,
        },
    )
    case = Case.objects.get()
    assert (case.kind, case.enterprise, case.service_item) == (Case.Kind.ENTERPRISE_REQUEST, enterprise_in_town, item)


@pytest.mark.parametrize("fixture", ["town_admin", "police", "discipline"])
def test_other_roles_cannot_submit_enterprise_requests(request, login_as, fixture):
    user = request.getfixturevalue(fixture)
    assert login_as(user).get(reverse("cases:request-create")).status_code == 403


def test_anonymous_report_and_tracking_without_login(client, village_a, discipline, answered_challenge):
    response = client.post(
        reverse("cases:report"),
        {
            "title": "索要好处",
            "description": "办证时要求请客",
            "region": village_a.pk,
            "anonymous": "on",
            **answered_challenge(),
        },
    )
    assert response.status_code == 200
    code, passphrase = response.context["code"], response.context["passphrase"]
    case = Case.objects.get()
    assert case.anonymous
    assert case.kind == Case.Kind.INTEGRITY_REPORT
    response = client.post(reverse("cases:track"), {"code": code, "passphrase": passphrase})
    assert response.context["case"] == case
    assert "已登记" in response.content.decode()
    response = client.post(reverse("cases:track"), {"code": code, "passphrase": "猜错了"})
    assert response.context["case"] is None
    assert "不正确" in response.content.decode()


def test_tracking_is_rate_limited(client, settings, village_a):
    from django.core.cache import cache

    cache.clear()
    settings.LIANXIN_TRACKING_ATTEMPTS = 3
    _case, code, passphrase = factories.integrity_report(None, village_a)
    for _i in range(3):
        client.post(reverse("cases:track"), {"code": "X", "passphrase": "Y"})
    response = client.post(reverse("cases:track"), {"code": code, "passphrase": passphrase})
    assert response.context["case"] is None
    assert "过于频繁" in response.content.decode()
    cache.clear()


def test_liaison_rates_through_the_page(login_as, liaison, handler, enterprise_in_town):
    case = factories.enterprise_request(liaison, enterprise_in_town)
    for step, reason in ((State.ACCEPTED, ""), (State.IN_PROGRESS, ""), (State.RESOLVED, "已办结")):
        case = services.case_transition(case=case, to_state=step, actor=handler, reason=reason)
    client = login_as(liaison)
    assert 'data-testid="rating"' in client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    client.post(reverse("cases:case-rate", args=[case.pk]), {"satisfaction": "5", "comment": "满意"})
    case.refresh_from_db()
    assert (case.state, case.satisfaction) == (State.REVISITED, 5)


def test_mediation_agreement_docx(login_as, handler, village_a, person_a):
    case = factories.dispute(handler, village_a, parties=[("applicant", person_a)])
    case = services.case_transition(case=case, to_state=State.ACCEPTED, actor=handler)
    services.mediation_record(
        case=case, actor=handler, held_on=timezone.localdate(), place="村委会", participants="双方", summary="达成一致"
    )
    response = login_as(handler).get(reverse("cases:mediation-agreement", args=[case.pk]))
    assert response.status_code == 200
    import io

    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "调解协议书" in text or "人民调解" in text


def test_catalogue_admin_and_patrol_pages(login_as, system_admin, police, village_a):
    client = login_as(system_admin)
    client.post(reverse("cases:service-item-list"), {"name": "水电报装", "time_limit_workdays": 3, "active": "on"})
    assert Case.objects.count() == 0
    from lianxin.cases.models import PatrolLog, ServiceItem

    assert ServiceItem.objects.get().time_limit_workdays == 3
    client = login_as(police)
    client.post(
        reverse("cases:patrol-list"),
        {"team": "联防一队", "patrolled_on": "2026-03-02", "route": "一标段—二标段", "region": village_a.pk},
    )
    assert PatrolLog.objects.get().team == "联防一队"
    assert "联防一队" in client.get(reverse("cases:patrol-list")).content.decode()


def test_dispute_prefilled_with_parcels_from_the_land_progress_page(login_as, handler, household_a, group_a1, town):
    from lianxin.land.tests import factories as land_factories

    project = land_factories.project(town)
    first = land_factories.parcel(project, group_a1, code="JMS-001")
    second = land_factories.parcel(project, group_a1, code="JMS-002")
    url = (
        reverse("cases:case-create") + f"?kind=dispute&household={household_a.pk}&parcel={first.pk}&parcel={second.pk}"
    )
    client = login_as(handler)
    html = client.get(url).content.decode()
    assert "JMS-001" in html
    assert "JMS-002" in html
    assert 'value="land_compensation" selected' in html
    response = client.post(
        url,
        {
            "title": "补偿面积纠纷",
            "description": "认为测量面积偏小",
            "region": group_a1.pk,
            "dispute_category": "land_compensation",
            "households": [household_a.pk],
            "parcels": [first.pk, second.pk],
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert set(case.parcels.all()) == {first, second}
    html = client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert "JMS-001" in html


def test_parcel_of_another_village_cannot_be_linked(login_as, village_a_clerk, household_a, group_a1, group_b1, town):
    from lianxin.land.tests import factories as land_factories

    project = land_factories.project(town)
    foreign = land_factories.parcel(project, group_b1, code="BGL-009")
    url = reverse("cases:case-create") + f"?kind=dispute&parcel={foreign.pk}"
    client = login_as(village_a_clerk)
    assert "BGL-009" not in client.get(url).content.decode()
    client.post(
        url,
        {"title": "x", "description": "x", "region": group_a1.pk, "dispute_category": "other", "parcels": [foreign.pk]},
    )
    assert not Case.objects.exists()


def test_anonymous_report_from_a_signed_in_liaison_names_no_one(login_as, liaison, village_a, answered_challenge):
    from auditlog.models import LogEntry

    client = login_as(liaison)
    client.post(
        reverse("cases:report"),
        {
            "title": "索要好处",
            "description": "验收时暗示送礼",
            "region": village_a.pk,
            "anonymous": "on",
            **answered_challenge(),
        },
    )
    case = Case.objects.get()
    assert case.registered_by is None
    assert case.events.get().actor is None
    assert not LogEntry.objects.filter(actor=liaison, object_pk=str(case.pk)).exists()


def test_assignment_candidates_are_those_who_may_handle(
    login_as, handler, village_a_clerk, village_b_clerk, town_admin, police, village_a, django_assert_max_num_queries
):
    from lianxin.cases.selectors import handler_candidates

    case = factories.dispute(handler, village_a)
    with django_assert_max_num_queries(1):
        candidates = handler_candidates(case=case)
    assert set(candidates) == {handler, village_a_clerk}  # not village B, not the leader, not the police (no disputes)
    client = login_as(handler)
    client.post(reverse("cases:case-assign", args=[case.pk]), {"assignee": village_a_clerk.pk})
    case.refresh_from_db()
    assert case.assignee == village_a_clerk
    client.post(reverse("cases:case-assign", args=[case.pk]), {"assignee": village_b_clerk.pk})
    case.refresh_from_db()
    assert case.assignee == village_a_clerk


def test_attachment_download_follows_case_visibility(login_as, handler, village_a, village_b_clerk, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lianxin.cases import services as case_services

    settings.MEDIA_ROOT = tmp_path
    case = factories.dispute(handler, village_a)
    attachment = case_services.attachment_add(
        case=case, actor=handler, upload=SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 8)
    )
    url = reverse("cases:attachment-download", args=[case.pk, attachment.pk])
    response = login_as(handler).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert login_as(village_b_clerk).get(url).status_code == 404


def test_list_survives_garbage_filters(login_as, handler):
    response = login_as(handler).get(reverse("cases:case-list"), {"region": "abc", "assignee": "x'1", "after": "zz"})
    assert response.status_code == 200
