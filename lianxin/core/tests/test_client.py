"""The client's address: REMOTE_ADDR, unless the request came through a proxy named as trusted."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from lianxin.accounts.models import SecurityEvent
from lianxin.cases.tests import factories as case_factories
from lianxin.core.client import client_address


def _request(remote: str, forwarded: str = ""):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_trusted_proxies_a_forwarded_header_is_ignored(settings):
    settings.LIANXIN_TRUSTED_PROXIES = []

    assert client_address(_request("10.1.1.1", "6.6.6.6")) == "10.1.1.1"


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("127.0.0.1", "10.2.2.2", "10.2.2.2"),  # nginx on the same host
        (
            "127.0.0.1",
            "6.6.6.6, 10.2.2.2",
            "10.2.2.2",
        ),  # the client wrote its own header: its left part is not believed
        ("127.0.0.1", "10.2.2.2, 192.168.9.1", "10.2.2.2"),  # two proxies, both trusted
        ("127.0.0.1", "", "127.0.0.1"),  # no header: the proxy itself
        ("127.0.0.1", "garbage, 10.2.2.2", "10.2.2.2"),
        ("127.0.0.1", "10.2.2.2, garbage", "127.0.0.1"),  # a broken hop: trust no further
        ("10.3.3.3", "6.6.6.6", "10.3.3.3"),  # not from a trusted proxy: the header is the client's own
        ("127.0.0.1", "[2001:db8::1]:443", "2001:db8::1"),
    ],
)
def test_behind_trusted_proxies_the_first_untrusted_hop_from_the_right_is_the_client(
    settings, remote, forwarded, expected
):
    settings.LIANXIN_TRUSTED_PROXIES = ["127.0.0.1", "192.168.9.0/24"]

    assert client_address(_request(remote, forwarded)) == expected


def test_a_forged_forwarded_header_does_not_reach_the_security_events(login_as, person_a, town_admin, settings):
    """An ID reveal is recorded with the address the request really came from, not one the client claims."""
    settings.LIANXIN_TRUSTED_PROXIES = []

    login_as(town_admin).post(
        reverse("people:person-reveal", args=[person_a.pk]), REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="6.6.6.6"
    )

    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.ID_REVEAL)
    assert event.ip_address == "10.1.2.3"


def test_behind_a_trusted_proxy_each_client_has_its_own_tracking_budget(client, settings, village_a):
    """Behind nginx every request comes from 127.0.0.1: without the forwarded address all users would
    share one budget of attempts, and one guesser would lock everyone out."""
    cache.clear()
    settings.LIANXIN_TRACKING_ATTEMPTS = 3
    settings.LIANXIN_TRUSTED_PROXIES = ["127.0.0.1"]
    _case, code, passphrase = case_factories.integrity_report(None, village_a)
    for _i in range(3):
        client.post(
            reverse("cases:track"),
            {"code": "X", "passphrase": "Y"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="10.0.0.66",
        )

    response = client.post(
        reverse("cases:track"),
        {"code": code, "passphrase": passphrase},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="10.0.0.77",
    )
    blocked = client.post(
        reverse("cases:track"),
        {"code": code, "passphrase": passphrase},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="10.0.0.66",
    )
    cache.clear()

    assert response.context["case"] is not None
    assert blocked.context["case"] is None
    assert "过于频繁" in blocked.content.decode()
