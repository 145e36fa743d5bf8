"""An overdue development step reaches the committee's 待办 (the core inbox registry) and its badge."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from lianxin.party import services

from . import factories


def test_an_overdue_talk_is_in_the_party_officers_inbox_and_badge(login_as, party_officer, branch_a, group_a1):
    person = factories.person(group_a1, birth=date(1990, 1, 1))
    applied = timezone.localdate() - timedelta(days=45)  # the talk was due within a month
    member = services.pipeline_start(actor=party_officer, person=person, organization=branch_a, applied_on=applied)
    browser = login_as(party_officer)

    page = browser.get(reverse("core:inbox")).content.decode()
    badge = browser.get(reverse("core:inbox-badge"), headers={"HX-Request": "true"}).content.decode()

    assert "发展党员超期步骤" in page
    assert f"/party/members/{member.pk}/" in page
    assert person.name in page
    assert ">1<" in badge.replace(" ", "")


def test_the_inbox_has_no_party_section_for_a_role_without_party_data(login_as, village_a_clerk):
    page = login_as(village_a_clerk).get(reverse("core:inbox")).content.decode()

    assert "发展党员超期步骤" not in page
