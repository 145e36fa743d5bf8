"""Shared pieces of the one django-ninja API: the error body, bounded input types, cursor pages,
the request parser that keeps bad text out, and the error handlers.

Every answer that is not a success has one shape, ``ErrorOut``: a Chinese ``message``, a ``code``
and ``errors`` by field. Every operation documents the error statuses it can answer with
(``document_errors``), so the OpenAPI description tells the truth and a schema-driven client (or
fuzzer) meets no undocumented status code.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.schema import NinjaGenerateJsonSchema
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .errors import DomainError
from .forms import SEARCH_MAX_LENGTH
from .pagination import KeysetPage
from .text import TextRefused, json_depth_exceeds, text_tree_check

T = TypeVar("T")
logger = logging.getLogger(__name__)

# A JSON body nested deeper than this is refused before it is parsed (no schema here nests past 4).
JSON_MAX_DEPTH = 32


class ErrorOut(Schema):
    """Every error answer: a Chinese message for the user, a stable code, and the messages by field."""

    message: str
    code: str
    errors: dict[str, list[str]] = {}


class InputSchema(Schema):
    """The base of every request schema (body, query, form): the input must be a JSON object.

    ninja's ``Schema`` reads attributes from any object (it also serves ORM rows out), so a body of
    ``[null, null]`` or ``"abc"`` would otherwise pass as an object with every field defaulted."""

    @model_validator(mode="wrap")
    @classmethod
    def _an_object(cls, value: Any, handler):
        if not isinstance(value, dict | BaseModel):
            raise PydanticCustomError("model_type", "not an object")
        return handler(value)


class PageOut(Schema, Generic[T]):
    items: list[T]
    next_cursor: int | None = None


def page_out(page: KeysetPage) -> dict:
    return {"items": page.items, "next_cursor": page.next_cursor}


# -- bounded input types ---------------------------------------------------------------------------
SearchTerm = Annotated[str, StringConstraints(strip_whitespace=True, max_length=SEARCH_MAX_LENGTH)]
"""A search box over the API: stripped, at most ``SEARCH_MAX_LENGTH`` characters (never a huge LIKE pattern)."""


Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
"""A row's id (path, query or body): 1 … 2⁶³−1. A larger number cannot be a key, and the database
driver would fail on it (SQLite: "Python int too large to convert to SQLite INTEGER")."""

Count = Annotated[int, Field(ge=0, le=2_147_483_647)]
"""A count stored in a PositiveIntegerField: 0 … 2³¹−1 (a larger number would overflow the column)."""

Year = Annotated[int, Field(ge=1900, le=2100)]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date_only(value: Any) -> Any:
    # pydantic would read 0 or "0" as 1970-01-01 (a Unix time): a date is written 2026-03-01 here.
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.match(value)):
        return value
    raise PydanticCustomError("date_parsing", "not an ISO date")


SafeDate = Annotated[date, BeforeValidator(_iso_date_only), Field(ge=date(1900, 1, 1), le=date(2100, 12, 31))]
"""A date the ledgers can hold and the working-day calendar can count with (no year 1 or 9999)."""


def _no_negative_zero(value: Decimal) -> Decimal:
    return value.copy_abs() if value.is_zero() else value  # "-0" is stored and shown as 0


def bounded_decimal(
    max_digits: int,
    decimal_places: int,
    *,
    ge: Decimal | int | None = None,
    gt: Decimal | int | None = None,
    le: Decimal | int | None = None,
) -> Any:
    """A Decimal with at most ``max_digits`` digits, ``decimal_places`` of them after the point, finite
    (no NaN, no Infinity, never ``1e27``), "-0" read as 0; documented as a number or a decimal string."""
    step = Decimal(1).scaleb(-decimal_places)
    largest = Decimal(10) ** (max_digits - decimal_places) - step
    whole = max_digits - decimal_places
    sign = "" if (ge is not None and Decimal(ge) >= 0) or (gt is not None and Decimal(gt) >= 0) else "-?"
    pattern = rf"^{sign}\d{{1,{whole}}}" + (rf"(\.\d{{1,{decimal_places}}})?$" if decimal_places else "$")
    number: dict[str, Any] = {"type": "number", "maximum": float(largest if le is None else le)}
    number["multipleOf"] = float(step)
    if ge is not None:
        number["minimum"] = float(ge)
    if gt is not None:
        number["exclusiveMinimum"] = float(gt)
    if ge is None and gt is None:
        number["minimum"] = -float(largest)
    return Annotated[
        Decimal,
        Field(max_digits=max_digits, decimal_places=decimal_places, allow_inf_nan=False, ge=ge, gt=gt, le=le),
        AfterValidator(_no_negative_zero),
        WithJsonSchema({"anyOf": [number, {"type": "string", "pattern": pattern}]}, mode="validation"),
    ]


# SQLite (the embedded default) keeps a decimal column as a double: 15 significant digits come back
# exactly, a 16th may not (99999999999999.99 is read back as 1E+14, past the column's 16 digits: the
# page or answer that reads it fails). No ledger amount comes near 10 trillion yuan.
EXACT_DIGITS = 15


def model_decimal(model, field_name: str, **bounds):
    """``bounded_decimal`` with the places of ``model.field_name`` and its digits (at most
    ``EXACT_DIGITS``): the API takes what the column holds and gives back."""
    field = model._meta.get_field(field_name)
    return bounded_decimal(min(field.max_digits, EXACT_DIGITS), field.decimal_places, **bounds)


# -- OpenAPI: distinct names -----------------------------------------------------------------------
_CLASS_PATH = re.compile(r"^(?P<module>(?:[a-z_][a-z0-9_]*\.)*)(?P<classes>[A-Z][\w.]*)$")


class DistinctNamesJsonSchema(NinjaGenerateJsonSchema):
    """Name each schema after its class path, not only its last name: ``Parcel.Status`` becomes
    ``ParcelStatus`` and ``Project.Status`` ``ProjectStatus``. ninja gathers every operation's
    definitions into one ``components`` table by name, so two enums both called ``Status``
    would otherwise overwrite each other and document one model's field with the other's values."""

    def get_defs_ref(self, core_mode_ref):
        core_ref, mode = core_mode_ref
        parts = re.split(r"([\][,])", core_ref)
        renamed = []
        for part in parts:
            name, colon, ident = part.rpartition(":")
            if not colon:
                renamed.append(part)
                continue
            match = _CLASS_PATH.match(name)
            if match and "." in match["classes"]:
                name = match["module"] + match["classes"].replace(".", "")
            renamed.append(f"{name}:{ident}")
        return super().get_defs_ref(("".join(renamed), mode))


# -- the parser ------------------------------------------------------------------------------------
class MalformedBody(ValueError):
    """The request body is not JSON this API can read; ``message`` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CleanTextParser(Parser):
    """JSON bodies, query strings and form fields are checked before any schema sees them: no NUL,
    no lone surrogate in any text (keys included), no JSON nested deeper than ``JSON_MAX_DEPTH``.

    Being the API's parser, it covers every endpoint: none can forget it."""

    def parse_body(self, request: HttpRequest):
        try:
            body = request.body
        except RequestDataTooBig as exc:
            raise MalformedBody(_("请求内容过大")) from exc
        if json_depth_exceeds(body, JSON_MAX_DEPTH):
            raise MalformedBody(_("JSON嵌套层数超过%(limit)s层") % {"limit": JSON_MAX_DEPTH})
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise MalformedBody(_("请求内容不是有效的JSON(UTF-8编码)")) from exc
        text_tree_check(data)
        return data

    def parse_querydict(self, data, list_fields, request: HttpRequest):
        for key in data.keys():
            if key not in list_fields and len(data.getlist(key)) > 1:
                # ?q=a&q=b is a list where the schema says one value: refused, not the last one kept.
                raise NinjaValidationError([{"loc": ("query", key), "type": "repeated", "msg": "repeated"}])
        result = super().parse_querydict(data, list_fields, request)
        for key, value in result.items():
            if isinstance(value, list):
                values = value
            else:
                values = [value]
            for item in values:
                name = getattr(item, "name", item)  # an uploaded file: its name is text too
                if isinstance(name, str):
                    text_tree_check(name, (key,))
            text_tree_check(key, ())
        return result


# -- error answers ---------------------------------------------------------------------------------
def _rules() -> dict[str, str]:
    """Chinese text for pydantic's error types (looked up per request: the language is the request's)."""
    number = _("必须是数字")
    date = _("必须是日期(如 2026-03-01)")
    choice = _("必须是以下之一:%(expected)s")
    obj = _("必须是对象")
    return {
        "missing": _("必须填写"),
        "string_type": _("必须是文本"),
        "string_too_long": _("不能超过%(max_length)s个字符"),
        "string_too_short": _("至少%(min_length)s个字符"),
        "int_type": _("必须是整数"),
        "int_parsing": _("必须是整数"),
        "int_from_float": _("必须是整数"),
        "int_parsing_size": _("数字过大"),
        "float_type": number,
        "float_parsing": number,
        "decimal_type": number,
        "decimal_parsing": number,
        "decimal_max_digits": _("数字总位数不能超过%(max_digits)s位"),
        "decimal_max_places": _("小数位数不能超过%(decimal_places)s位"),
        "decimal_whole_digits": _("整数部分不能超过%(whole_digits)s位"),
        "finite_number": _("必须是有限的数字(不能是 NaN 或 Infinity)"),
        "greater_than": _("必须大于%(gt)s"),
        "greater_than_equal": _("不能小于%(ge)s"),
        "less_than": _("必须小于%(lt)s"),
        "less_than_equal": _("不能大于%(le)s"),
        "bool_type": _("必须是 true 或 false"),
        "bool_parsing": _("必须是 true 或 false"),
        "date_type": date,
        "date_parsing": date,
        "date_from_datetime_parsing": date,
        "date_from_datetime_inexact": date,
        "datetime_type": _("必须是日期时间"),
        "datetime_parsing": _("必须是日期时间"),
        "enum": choice,
        "literal_error": choice,
        "list_type": _("必须是列表"),
        "too_long": _("最多%(max_length)s项"),
        "too_short": _("至少%(min_length)s项"),
        "dict_type": obj,
        "model_type": obj,
        "model_attributes_type": obj,
        "is_instance_of": _("必须是上传的文件"),
        "repeated": _("只能给出一个值"),
    }


def _field_path(loc: tuple | list) -> str:
    """``("body", "payload", "parties", 0, "role")`` → ``parties.0.role``; ``("query", "q")`` → ``q``."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "form", "file", "header", "cookie"):
        source = parts.pop(0)
        if source == "body" and len(parts) > 1:
            parts.pop(0)  # the view's parameter name (payload), not part of the document
    return ".".join(str(p) for p in parts) or "__all__"


def validation_errors(errors: list[dict]) -> dict:
    """ninja's validation errors (pydantic's, located) as the error body, in Chinese."""
    rules = _rules()
    by_field: dict[str, list[str]] = {}
    for error in errors:
        field = _field_path(error.get("loc", ()))
        kind = error.get("type", "")
        ctx = error.get("ctx") or {}
        if kind == "value_error" and ctx.get("error"):
            rule = str(ctx["error"]).removeprefix("Value error, ")
        else:
            template = rules.get(kind, _("值无效"))
            try:
                rule = template % {k: v for k, v in ctx.items()}
            except (KeyError, TypeError, ValueError):
                rule = template.split("%(")[0].rstrip(":") or _("值无效")
        by_field.setdefault(field, []).append(rule)
    field, messages = next(iter(by_field.items()))
    message = messages[0] if field == "__all__" else _("%(field)s:%(rule)s") % {"field": field, "rule": messages[0]}
    return {"message": message, "code": "invalid", "errors": by_field}


def error_body(message: str, code: str, errors: dict | None = None) -> dict:
    return {"message": str(message), "code": code, "errors": errors or {}}


DOMAIN_STATUS = {"permission_denied": 403, "not_found": 404, "conflict": 409, "rate_limited": 429}


def install_error_handlers(api) -> None:
    """Every failure the API answers with, in the one error body."""

    def respond(request, body: dict, status: int) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        errors = {exc.field: [exc.message]} if exc.field else {}
        return respond(request, error_body(exc.message, exc.code, errors), DOMAIN_STATUS.get(exc.code, 400))

    @api.exception_handler(ValidationError)
    def model_validation_error(request, exc: ValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        first = next(iter(errors.values()))[0]
        return respond(request, error_body(first, "invalid", errors), 400)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc: PermissionDenied):
        return respond(request, error_body(str(exc) or _("您的角色无权执行此操作"), "permission_denied"), 403)

    @api.exception_handler(Http404)
    def not_found(request, exc: Http404):
        return respond(request, error_body(_("对象不存在或不在您的管辖范围内"), "not_found"), 404)

    @api.exception_handler(NinjaValidationError)
    def schema_violation(request, exc: NinjaValidationError):
        return respond(request, validation_errors(exc.errors), 422)

    @api.exception_handler(TextRefused)
    def text_refused(request, exc: TextRefused):
        field = ".".join(str(p) for p in exc.path) or "__all__"
        return respond(request, error_body(exc.message, "invalid_text", {field: [exc.problem]}), 422)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        cause = exc.__cause__
        if isinstance(cause, TextRefused):  # ninja wraps what the body parser raises
            return text_refused(request, cause)
        if isinstance(cause, MalformedBody):
            return respond(request, error_body(cause.message, "malformed_body"), 400)
        if isinstance(exc, AuthenticationError):
            return respond(request, error_body(_("请先登录,或提供有效的API令牌"), "not_authenticated"), 401)
        if isinstance(exc, Throttled):
            return respond(request, error_body(_("请求过于频繁,请稍后再试"), "rate_limited"), 429)
        if exc.status_code == 403:
            message = _("跨站请求校验失败(CSRF),请刷新页面后重试")
            return respond(request, error_body(message, "csrf_failed"), 403)
        if exc.status_code == 400:
            return respond(request, error_body(_("请求内容无法读取"), "malformed_body"), 400)
        logger.warning("API error %s: %s", exc.status_code, exc)
        return respond(request, error_body(_("请求无法处理"), "error"), exc.status_code)


# -- documented error statuses ---------------------------------------------------------------------
ERROR_STATUSES = (400, 401, 403, 404, 409, 415, 422, 429)


def operation_error_statuses(operation) -> set[int]:
    """The error statuses an operation can answer with, from what it is: 401 and 403 when it needs a
    login; 400 (a rule of the domain, an unreadable body) and 422 (a schema violation) when it takes
    any input; 404 when it takes a path id, or input that names rows of the user's scope; plus what
    the view declares itself in ``response`` (409, 415, 429, …)."""
    authenticated = bool(operation.auth_callbacks)
    sources = {model.__ninja_param_source__ for model in operation.models}
    statuses: set[int] = set()
    if authenticated:
        statuses |= {401, 403}
    if sources or set(operation.methods) - {"GET", "HEAD", "OPTIONS"}:
        statuses |= {400, 422}
    if "path" in sources or (authenticated and sources):
        statuses.add(404)
    return statuses


def document_errors(api) -> None:
    """Declare ``ErrorOut`` for every error status of every operation (see ``operation_error_statuses``)."""
    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                declared = {s for s in operation.response_models if isinstance(s, int) and s >= 400}
                for status in operation_error_statuses(operation) | declared:
                    operation.response_models[status] = operation._create_response_model(ErrorOut)
