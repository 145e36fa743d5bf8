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


def _schema_classes() -> list[type]:
    """Every django-ninja schema class of the product's API modules (the routers are imported by the API)."""
    from ninja import Schema

    import config.api  # noqa: F401  (imports every router, hence every schema)

    seen, stack = [], [Schema]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith("lianxin."):
                seen.append(sub)
    return seen


def test_no_two_api_schemas_share_a_name():
    """django-ninja names a component after its class: a second class of the same name silently replaces the
    first in /api/openapi.json, and the other app's endpoints are then documented with the wrong schema (the
    fuzzer found enterprise indicators described as the village indicators)."""
    by_name: dict[str, set[str]] = {}
    for cls in _schema_classes():
        by_name.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")

    clashes = {name: sorted(paths) for name, paths in by_name.items() if len(paths) > 1}
    assert clashes == {}


@pytest.mark.django_db
def test_no_schema_describes_a_tuple(login_as, working_group_member):
    """A ``tuple`` field becomes ``prefixItems``, which schemathesis reads as an invalid ``items`` list and then
    skips its coverage and fuzzing phases for the whole API: pairs are objects with named fields."""
    schema = login_as(working_group_member).get("/api/openapi.json").json()

    def walk(node, where):
        if isinstance(node, dict):
            assert "prefixItems" not in node, where
            assert not isinstance(node.get("items"), list), where
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(schema, "")
