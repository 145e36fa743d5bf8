"""The OpenAPI description tells the truth (issue 11): distinct enum names per model, one error body
documented on every operation with the statuses it can answer, bounded inputs everywhere."""

import json
from typing import get_args

import pytest
from pydantic import BaseModel

from config.api import api
from lianxin.core.api import ErrorOut, InputSchema


@pytest.fixture(scope="module")
def description():
    # As a client reads it: JSON, status codes as strings.
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/")))


def _operations():
    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            yield from path_view.operations


def _ref(schema: dict) -> str:
    return schema.get("$ref", "").rsplit("/", 1)[-1]


def test_each_models_status_is_documented_with_its_own_values(description):
    schemas = description["components"]["schemas"]

    project_status = schemas["ProjectOut"]["properties"]["status"]
    parcel_status = schemas["ParcelOut"]["properties"]["status"]

    assert _ref(project_status) == "ProjectStatus"
    assert _ref(parcel_status) == "ParcelStatus"
    assert "approved" in schemas["ProjectStatus"]["enum"]
    assert "surveyed" in schemas["ParcelStatus"]["enum"]
    assert "Status" not in schemas  # no shared name that one model's values overwrite


def test_no_two_enums_share_a_component(description):
    from enum import Enum

    enums = {}
    for operation in _operations():
        for model in [*operation.models, *[m for m in operation.response_models.values() if m]]:
            for field in _fields(model):
                if isinstance(field, type) and issubclass(field, Enum):
                    enums.setdefault(field.__qualname__, set()).add(field)
    assert all(len(classes) == 1 for classes in enums.values())
    names = description["components"]["schemas"]
    for qualname in enums:
        assert qualname.replace(".", "") in names


def _fields(model, seen=None):
    """Every annotation type reachable from a pydantic model (nested models, lists, optionals)."""
    seen = seen if seen is not None else set()
    if model in seen or not (isinstance(model, type) and issubclass(model, BaseModel)):
        return
    seen.add(model)
    for info in model.model_fields.values():
        stack = [info.annotation]
        while stack:
            annotation = stack.pop()
            yield annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                yield from _fields(annotation, seen)
            stack.extend(get_args(annotation))


def test_every_error_status_of_every_operation_is_documented_with_the_error_body(description):
    for path, methods in description["paths"].items():
        for method, operation in methods.items():
            statuses = {int(code) for code in operation["responses"]}
            errors = {code for code in statuses if code >= 400}
            where = f"{method.upper()} {path}"
            if operation.get("security"):
                assert {401, 403} <= errors, where
            if operation.get("parameters") or operation.get("requestBody"):
                assert {400, 422} <= errors, where
            if "{" in path:
                assert 404 in errors, where
            for code in errors:
                content = operation["responses"][str(code)]["content"]["application/json"]["schema"]
                assert _ref(content) == "ErrorOut", (where, code)


def test_the_public_report_endpoints_document_their_refusals(description):
    submit = description["paths"]["/api/cases/reports"]["post"]["responses"]

    assert {"201", "400", "403", "415", "422", "429"} <= set(submit)
    assert "401" not in submit  # no login needed


def test_every_request_schema_is_an_input_schema():
    # ninja's Schema reads attributes from any object: a non-object body would pass as all defaults.
    for operation in _operations():
        for param_model in operation.models:
            for annotation in _fields(param_model):
                if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                    assert issubclass(annotation, InputSchema), (operation.view_func.__name__, annotation)


def test_every_decimal_input_is_bounded(description):
    # An unbounded Decimal is documented as a bare number-or-string; a bounded one (max digits and
    # places of its column) has a maximum and a pattern. 1e27 or NaN never reach a service.
    schemas = description["components"]["schemas"]
    request_schemas = set()
    for methods in description["paths"].values():
        for operation in methods.values():
            body = operation.get("requestBody", {}).get("content", {})
            for media in body.values():
                request_schemas |= _refs(media["schema"], schemas)
            for parameter in operation.get("parameters", []):
                assert not _unbounded_decimal(parameter["schema"]), parameter
    assert request_schemas
    for name in request_schemas:
        for field, prop in schemas[name].get("properties", {}).items():
            assert not _unbounded_decimal(prop), (name, field, prop)


def _refs(schema, schemas, found=None) -> set[str]:
    found = found if found is not None else set()
    if isinstance(schema, dict):
        name = _ref(schema)
        if name and name not in found:
            found.add(name)
            _refs(schemas[name], schemas, found)
        for value in schema.values():
            _refs(value, schemas, found)
    elif isinstance(schema, list):
        for value in schema:
            _refs(value, schemas, found)
    return found


def _unbounded_decimal(prop: dict) -> bool:
    options = [o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"]
    for option in options:
        if "anyOf" in option:
            return _unbounded_decimal(option)
    kinds = {o.get("type") for o in options}
    if kinds != {"number", "string"}:
        return False
    return not all(("maximum" in o) if o["type"] == "number" else ("pattern" in o) for o in options)


def test_error_body_is_the_documented_one(client):
    response = client.get("/api/accounts/me")

    assert response.status_code == 401
    assert ErrorOut.model_validate(response.json()).code == "not_authenticated"
