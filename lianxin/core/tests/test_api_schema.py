"""The OpenAPI description at /api/openapi.json (what /api/docs shows) covers every app's router."""

import pytest


@pytest.mark.django_db
def test_openapi_schema_lists_every_apps_endpoints(login_as, working_group_member):
    client = login_as(working_group_member)

    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    for prefix in ("/api/people/", "/api/enterprises/", "/api/imports/", "/api/land/", "/api/land/gis/", "/api/cases/"):
        assert any(path.startswith(prefix) for path in paths), f"no endpoint under {prefix}"
    assert "/api/cases/statistics/" in {path[: len("/api/cases/statistics/")] for path in paths}


@pytest.mark.django_db
def test_api_docs_page_is_served_from_this_server(login_as, working_group_member):
    page = login_as(working_group_member).get("/api/docs").content.decode()

    assert "/api/openapi.json" in page
    assert "cdn" not in page.lower()
