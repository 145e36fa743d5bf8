"""Answers that carry personal data are never kept by a browser or proxy cache (Cache-Control: no-store)."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "url",
    [
        lambda p: reverse("people:person-list"),
        lambda p: reverse("people:person-detail", args=[p.pk]),
        lambda p: reverse("people:household-detail", args=[p.household_id]),
        lambda p: reverse("people:person-export"),
        lambda p: reverse("reports:home"),
    ],
    ids=["person-list", "person-detail", "household-detail", "person-export", "home"],
)
def test_pages_with_personal_data_are_not_stored(login_as, town_admin, person_a, url):
    response = login_as(town_admin).get(url(person_a))

    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize("path", ["/api/people/persons", "/api/accounts/me"])
def test_api_answers_are_not_stored(client, bearer, town_admin, person_a, path):
    response = client.get(path, headers=bearer(town_admin))

    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
