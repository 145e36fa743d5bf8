"""Fragment requests (htmx) never receive a full page (issue 10, item 1).

On the forced password-change page the 待办 badge loaded by htmx was redirected to the password page,
whose HTML was swapped into the badge, which loaded its own badge…: 63 nested copies in 10 s. Every
endpoint that a template calls with hx-get / hx-post (or that page scripts load with htmx.ajax) is in
``FRAGMENTS``; each answers a fragment to the user it is for, and ``HX-Redirect`` (or 204) — never a
page, never a plain redirect — to an anonymous user, an expired session or an account on a one-time
password.
"""

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from lianxin.accounts.roles import Role
from lianxin.accounts.services import user_create

ROOT = Path(settings.BASE_DIR)
HX_URL = re.compile(r"""hx-(?:get|post|put|patch|delete)=["']\{%\s*url\s+['"]([\w:-]+)['"]""")
# Fragment endpoints reached without a {% url %} in an hx- attribute: the badge (its address comes from the
# menu's context) and the parcel card the map script loads with htmx.ajax.
INDIRECT = {"core:inbox-badge", "land:parcel-map-card"}


@dataclass
class Fragment:
    url_name: str
    method: str
    user: str  # a fixture of the root conftest
    build: Callable  # (request) -> url
    data: Callable = lambda request: {}  # (request) -> the form an htmx POST sends


def _batch_url(request) -> str:
    from lianxin.imports.models import ImportBatch

    user = request.getfixturevalue("working_group_member")
    batch = ImportBatch.objects.create(
        ledger="persons", user=user, region=user.scope_region, file_name="台账.xlsx", checksum="0" * 64
    )
    return reverse("imports:batch-detail", args=[batch.pk]) + "?poll=1"


def _parcel_card_url(request) -> str:
    from django.apps import apps

    from lianxin.land.tests import factories

    town, group = request.getfixturevalue("town"), request.getfixturevalue("group_a1")
    # The seeded land classes are gone when a browser test (transactional_db) has flushed the tables before.
    importlib.import_module("lianxin.land.migrations.0002_seed_land_classes").seed(apps, None)
    return reverse("land:parcel-map-card", args=[factories.parcel(factories.project(town), group).pk])


FRAGMENTS = [
    Fragment("core:inbox-badge", "get", "village_a_clerk", lambda request: reverse("core:inbox-badge")),
    Fragment("imports:batch-detail", "get", "working_group_member", _batch_url),
    Fragment(
        "people:person-reveal",
        "post",
        "town_admin",
        lambda request: reverse("people:person-reveal", args=[request.getfixturevalue("person_a").pk]),
    ),
    Fragment("land:parcel-map-card", "get", "working_group_member", _parcel_card_url),
    Fragment("reports:dashboard-panels", "get", "town_admin", lambda request: reverse("reports:dashboard-panels")),
    Fragment(
        "cases:party-search",
        "post",
        "working_group_member",
        lambda request: reverse("cases:party-search"),
        lambda request: {"q": request.getfixturevalue("person_a").name, "side": "applicant"},
    ),
    Fragment(
        "cases:party-pick",
        "post",
        "working_group_member",
        lambda request: reverse("cases:party-pick"),
        lambda request: {"kind": "household", "id": request.getfixturevalue("household_a").pk, "side": "applicant"},
    ),
]
IDS = [f.url_name for f in FRAGMENTS]
PAGE = "/people/households/?village_group=3"  # the page the fragment is requested from
HTMX = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{PAGE}"}


def _hx_names_in_templates() -> set[str]:
    names = set()
    for template in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("lianxin/*/templates/**/*.html")]:
        names |= set(HX_URL.findall(template.read_text(encoding="utf-8")))
    return names


def _assert_no_page(response) -> None:
    body = response.content.decode()
    assert "<html" not in body.lower()
    assert "<nav" not in body
    assert "navbar" not in body


def test_every_fragment_endpoint_of_the_templates_is_checked():
    found = _hx_names_in_templates() | INDIRECT

    assert found == set(IDS), "add the new hx- endpoint to FRAGMENTS"


@pytest.mark.parametrize("fragment", FRAGMENTS, ids=IDS)
def test_a_fragment_answers_a_fragment(request, login_as, fragment):
    url = fragment.build(request)

    response = getattr(login_as(request.getfixturevalue(fragment.user)), fragment.method)(
        url, fragment.data(request), headers=HTMX
    )

    assert response.status_code == 200
    _assert_no_page(response)


@pytest.mark.parametrize("fragment", FRAGMENTS, ids=IDS)
def test_a_fragment_for_a_signed_out_user_sends_the_page_to_the_login(request, fragment):
    url = fragment.build(request)

    response = getattr(Client(), fragment.method)(url, fragment.data(request), headers=HTMX)

    assert response.status_code in (200, 204, 401)
    _assert_no_page(response)
    assert response["HX-Redirect"] == f"{reverse('accounts:login')}?next=%2Fpeople%2Fhouseholds%2F%3Fvillage_group%3D3"


def test_an_expired_session_is_sent_to_the_login_not_swapped_into_the_badge(login_as, village_a_clerk):
    browser = login_as(village_a_clerk)
    browser.cookies[settings.SESSION_COOKIE_NAME] = "expired-session-key"

    response = browser.get(reverse("core:inbox-badge"), headers=HTMX)

    _assert_no_page(response)
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))


@pytest.fixture
def newcomer(village_a):
    user, _password = user_create(
        username="newcomer", full_name="新村干部", role=Role.VILLAGE_CADRE, scope_region=village_a, password=PASSWORD
    )
    return user


@pytest.mark.parametrize("fragment", FRAGMENTS, ids=IDS)
def test_a_fragment_for_an_account_on_a_one_time_password_is_no_page(request, login_as, newcomer, fragment):
    url = fragment.build(request)

    response = getattr(login_as(newcomer), fragment.method)(url, fragment.data(request), headers=HTMX)

    _assert_no_page(response)
    assert response.status_code in (200, 204)
    assert response["HX-Redirect"] == reverse("accounts:password-change")


def test_a_fragment_asked_from_the_password_page_gets_nothing(login_as, newcomer):
    here = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{reverse('accounts:password-change')}"}

    response = login_as(newcomer).get(reverse("core:inbox-badge"), headers=here)

    assert response.status_code == 204
    assert not response.has_header("HX-Redirect")  # reloading the page it came from would start over
    assert response.content == b""


def test_the_password_page_has_no_menu_and_no_badge(login_as, newcomer):
    html = login_as(newcomer).get(reverse("accounts:password-change")).content.decode()

    assert "hx-get" not in html
    assert 'data-testid="inbox-badge"' not in html
    assert "退出" in html  # leaving is still possible


def test_plain_requests_still_get_plain_redirects(login_as, newcomer):
    response = login_as(newcomer).get(reverse("core:inbox-badge"))

    assert response.status_code == 302
    assert response.url == reverse("accounts:password-change")
    assert not response.has_header("HX-Redirect")


def test_a_missing_record_asked_by_htmx_is_a_fragment(login_as, working_group_member):
    response = login_as(working_group_member).get(
        reverse("imports:batch-detail", args=[999999]) + "?poll=1", headers=HTMX
    )

    assert response.status_code == 404
    _assert_no_page(response)
    assert "页面不存在" in response.content.decode()


def test_a_refused_fragment_is_a_fragment(login_as, village_a_clerk, person_a):
    response = login_as(village_a_clerk).post(reverse("people:person-reveal", args=[person_a.pk]), headers=HTMX)

    assert response.status_code == 403
    _assert_no_page(response)


def test_a_foreign_current_url_is_not_a_place_to_come_back_to():
    response = Client().get(
        reverse("core:inbox-badge"), headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/x"}
    )

    assert response["HX-Redirect"] == reverse("accounts:login")
