"""Every filter of the land pages takes garbage without a 500: a bad value is ignored and named on a styled
page (issue 10, item 4); the agreement and payment lists search and filter by unpaid balance (item 20).
Also run on PostgreSQL, which refuses NUL characters and integers past bigint where SQLite shrugs."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from lianxin.land import services

from . import factories

GARBAGE = ["abc", "1.5", "-1", "9" * 30, "\x00", "x" * 10_000, "2026-13-45", ""]
PAGES = {
    "land:parcel-list": [
        *("project", "village_group", "land_class", "status", "q", "mismatch", "after", "before"),
        *("reached", "handed_over_from", "handed_over_to"),
    ],
    "land:parcel-export": [
        *("project", "village_group", "land_class", "status", "q", "mismatch"),
        *("reached", "handed_over_from", "handed_over_to"),
    ],
    "land:agreement-list": ["project", "village_group", "q", "unpaid", "signed_from", "signed_to", "after", "before"],
    "land:agreement-export": ["project", "village_group", "q", "unpaid", "signed_from", "signed_to"],
    "land:payment-list": ["project", "village_group", "q", "unpaid", "paid_from", "paid_to", "after", "before"],
    "land:payment-export": ["project", "village_group", "q", "unpaid", "paid_from", "paid_to"],
    "land:standard-list": ["item", "on"],
    "land:parcel-map": ["project", "village_group", "land_class", "status", "q", "mismatch", "parcel"],
    "land:parcel-map-data": ["project", "village_group", "land_class", "status", "q", "mismatch"],
    "land:geometry-export": ["project", "village_group", "land_class", "status", "q"],
    "land:agreement-create": ["project", "household", "q"],
    "land:home": ["project"],
}
HTML = {"land:parcel-list", "land:agreement-list", "land:payment-list", "land:standard-list", "land:parcel-map"}


def _check(client, url, params, html: bool) -> None:
    response = client.get(url, params)
    shown = {k: str(v)[:20] for k, v in params.items()}
    assert response.status_code < 500, (url, shown, response.status_code)
    if html:
        assert response.status_code == 200, (url, shown)
        assert 'class="navbar' in response.content.decode(), (url, shown)  # the styled layout


@pytest.mark.parametrize("name", sorted(PAGES))
def test_garbage_in_every_filter_is_never_a_server_error(name, login_as, working_group_member, signed):
    client = login_as(working_group_member)
    url = reverse(name)
    for param in PAGES[name]:
        for value in GARBAGE:
            _check(client, url, {param: value}, name in HTML)
    _check(client, url, {"unknown": "1", "project[]": "x", "page": "abc"}, name in HTML)


def test_progress_filters_take_garbage(login_as, working_group_member, signed, land_project):
    client = login_as(working_group_member)
    url = reverse("land:progress", args=[land_project.pk])
    for param in ("village_group", "days", "after", "before"):
        for value in GARBAGE:
            _check(client, url, {param: value}, True)


def test_a_bad_value_is_ignored_and_named(login_as, working_group_member, signed):
    response = login_as(working_group_member).get(reverse("land:parcel-list"), {"village_group": "abc"})
    html = response.content.decode()
    assert "村民小组" in html.split('data-testid="ignored-filters"')[1].split("</div></div>")[0]
    assert len(response.context["page"].items) == 1  # the other filters (none) still apply


@pytest.fixture
def two_agreements(signed, land_project, group_a1, household_b, working_group_member):
    unpaid, _parcel = signed
    parcel = factories.parcel(land_project, group_a1, area_mu="1")
    paid = factories.agreement(
        land_project, household_b, [factories.holding(parcel, household_b)], working_group_member
    )
    services.payment_record(
        agreement=paid,
        amount=paid.total_amount,
        paid_on=timezone.localdate(),
        voucher_no="记-888",
        payee_name="李秀英",
        actor=working_group_member,
    )
    services.payment_record(
        agreement=unpaid,
        amount=Decimal("1000"),
        paid_on=timezone.localdate(),
        voucher_no="记-999",
        payee_name="王小明",
        actor=working_group_member,
    )
    return unpaid, paid


def test_agreements_search_and_unpaid_balance_filter(two_agreements, login_as, working_group_member):
    unpaid, paid = two_agreements
    client = login_as(working_group_member)
    listed = client.get(reverse("land:agreement-list"), {"unpaid": "on"}).context["page"].items
    assert [a.pk for a in listed] == [unpaid.pk]
    found = client.get(reverse("land:agreement-list"), {"q": paid.household.number}).context["page"].items
    assert [a.pk for a in found] == [paid.pk]
    found = client.get(reverse("land:agreement-list"), {"q": unpaid.number}).context["page"].items
    assert [a.pk for a in found] == [unpaid.pk]


def test_payments_search_and_unpaid_balance_filter(two_agreements, login_as, working_group_member):
    unpaid, _paid = two_agreements
    client = login_as(working_group_member)
    found = client.get(reverse("land:payment-list"), {"q": "记-888"}).context["page"].items
    assert [p.voucher_no for p in found] == ["记-888"]
    listed = client.get(reverse("land:payment-list"), {"unpaid": "on"}).context["page"].items
    assert [p.voucher_no for p in listed] == ["记-999"]
    export = client.get(reverse("land:payment-export"), {"unpaid": "on"})
    assert export.status_code == 200


def test_the_figure_filters_narrow_the_ledgers(login_as, working_group_member, two_agreements, village_a):
    from datetime import timedelta

    from lianxin.land.models import Agreement, Payment

    today = timezone.localdate()
    old, recent = Agreement.objects.order_by("pk")
    Agreement.objects.filter(pk=old.pk).update(signed_on=recent.signed_on - timedelta(days=100))
    client = login_as(working_group_member)

    def rows(name, **params):
        response = client.get(reverse(name), params)
        assert response.status_code == 200
        assert 'data-testid="ignored-filters"' not in response.content.decode()
        return list(response.context["page"].items)

    day = recent.signed_on.isoformat()
    assert rows("land:agreement-list", signed_from=day, signed_to=day) == [recent]
    paid = rows("land:payment-list", paid_from=today.isoformat(), paid_to=today.isoformat())
    assert len(paid) == Payment.objects.filter(paid_on=today).count() > 0
    assert rows("land:payment-list", paid_to=(today - timedelta(days=1)).isoformat()) == []
    agreed = rows("land:parcel-list", reached="agreed")
    assert agreed
    assert {p.status for p in agreed} <= {"agreed", "paid", "handed_over"}
    assert rows("land:parcel-list", handed_over_from=today.isoformat()) == []  # nothing handed over yet
    assert rows("land:parcel-list", village_group=village_a.pk)  # a village: its groups' parcels
