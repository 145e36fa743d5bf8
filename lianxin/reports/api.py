"""Reports over the API (mounted at /api/reports/): the figure catalogue, any figure for a period and a
region, the work report (.docx, PDF) and the statistical returns (.xlsx), through the same code as the
pages and within the caller's jurisdiction."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from lianxin.core.api import Id, InputSchema
from lianxin.core.documents import DOCX_CONTENT_TYPE
from lianxin.core.errors import DomainError
from lianxin.core.permissions import DASHBOARD_PERMISSION, require_perm, scope_to_user
from lianxin.regions.models import Region

from . import catalogue, returns
from .catalogue import FigureScope
from .periods import Period, PeriodError

router = Router(tags=["reports"])


class ScopeIn(InputSchema):
    period: str | None = Field(default=None, max_length=30)  # 2026, 2026-H1, 2026-Q3, 2026-07, 2026-01-01..2026-03-31
    region: Id | None = None  # id of a region in the caller's jurisdiction


class FigureOut(Schema):
    name: str
    label: str
    unit: str
    line: str
    definition: str
    measure: str
    temporal: str
    list_page: str | None


class ValueOut(Schema):
    name: str
    label: str
    unit: str
    value: str | None
    text: str
    previous: str | None
    last_year: str | None
    url: str | None
    exact: bool


class ValuesOut(Schema):
    period: str
    period_label: str
    date_from: str
    date_to: str
    place: str
    figures: list[ValueOut]


class ReturnOut(Schema):
    key: str
    title: str
    description: str
    default_period: str


def _scope(request, params: ScopeIn, *, default: Period | None = None) -> FigureScope:
    require_perm(request.auth, DASHBOARD_PERMISSION)
    try:
        period = Period.parse(params.period) if params.period else (default or Period.last_12_months())
    except PeriodError as exc:
        raise DomainError(str(exc), field="period") from exc
    region = None
    if params.region is not None:
        region = scope_to_user(Region.objects.all(), request.auth).filter(pk=params.region).first()
        if region is None:
            raise DomainError(_("区域不存在或不在您的管辖范围内"), field="region")
    return FigureScope(user=request.auth, period=period, region=region)


def _text(value) -> str | None:
    return None if value is None else str(value)


def _value(figure: catalogue.Figure, scope: FigureScope) -> ValueOut:
    comparison = catalogue.compare(figure, scope)
    return ValueOut(
        name=figure.name,
        label=str(figure.label),
        unit=str(figure.unit),
        value=_text(comparison.value),
        text=catalogue.format_value(figure, comparison.value),
        previous=_text(comparison.previous),
        last_year=_text(comparison.last_year),
        url=catalogue.drilldown_url(figure, scope),
        exact=not catalogue.drilldown_gaps(figure, scope),
    )


def _values(scope: FigureScope, figures: list[catalogue.Figure]) -> ValuesOut:
    return ValuesOut(
        period=scope.period.code,
        period_label=scope.period.label,
        date_from=scope.period.date_from.isoformat(),
        date_to=scope.period.date_to.isoformat(),
        place=scope.scope_name,
        figures=[_value(f, scope) for f in figures],
    )


@router.get("/figures", response=list[FigureOut], summary="The figure catalogue")
def figure_catalogue(request):
    require_perm(request.auth, DASHBOARD_PERMISSION)
    return [
        FigureOut(
            name=f.name,
            label=str(f.label),
            unit=str(f.unit),
            line=f.line,
            definition=str(f.definition),
            measure=f.measure,
            temporal=f.temporal,
            list_page=(catalogue.figure_get(f.denominator) if f.measure == catalogue.RATIO else f).drilldown.url_name
            if (catalogue.figure_get(f.denominator) if f.measure == catalogue.RATIO else f).drilldown
            else None,
        )
        for f in catalogue.figure_list()
    ]


@router.get("/values", response=ValuesOut, summary="Every figure for a period and region")
def figure_values(request, params: Query[ScopeIn]):
    scope = _scope(request, params)
    return _values(scope, catalogue.figure_list())


@router.get("/figures/{name}", response=ValuesOut, summary="One figure for a period and region")
def figure_value(request, name: str, params: Query[ScopeIn]):
    scope = _scope(request, params)
    if not catalogue.is_registered(name):
        raise DomainError(_("指标目录中没有“%(name)s”") % {"name": name[:60]}, code="not_found", field="name")
    return _values(scope, [catalogue.figure_get(name)])


def _file(content: bytes, filename: str, content_type: str) -> HttpResponse:
    from .views_report import file_response

    return file_response(content, filename, content_type)


@router.get("/work-report.docx", summary="The work report as .docx (GB/T 9704)")
def work_report_docx(request, params: Query[ScopeIn]):
    from .views_report import record_export, report_docx_bytes

    scope = _scope(request, params)
    content, filename = report_docx_bytes(scope)
    record_export(request, "reports.work_report.docx", scope)
    return _file(content, filename, DOCX_CONTENT_TYPE)


@router.get("/work-report.pdf", summary="The work report as PDF (where LibreOffice is installed)")
def work_report_pdf(request, params: Query[ScopeIn]):
    from .pdf import docx_to_pdf
    from .views_report import record_export, report_docx_bytes

    scope = _scope(request, params)
    content, filename = report_docx_bytes(scope)
    pdf = docx_to_pdf(content)
    record_export(request, "reports.work_report.pdf", scope)
    return _file(pdf, filename.replace(".docx", ".pdf"), "application/pdf")


@router.get("/returns", response=list[ReturnOut], summary="The statistical returns")
def return_list(request):
    require_perm(request.auth, DASHBOARD_PERMISSION)
    return [
        ReturnOut(
            key=item.key,
            title=str(item.title),
            description=str(item.description),
            default_period=returns.default_period(item).code,
        )
        for item in returns.return_list()
    ]


@router.get("/returns/{key}.xlsx", summary="One statistical return as .xlsx")
def return_download(request, key: str, params: Query[ScopeIn]):
    from .views_report import record_export

    item = returns.return_get(key)
    if item is None:
        raise DomainError(_("没有这张报表"), code="not_found", field="key")
    scope = _scope(request, params, default=returns.default_period(item))
    user = request.auth
    content, filename = returns.return_workbook(item, scope, filled_by=user.get_full_name() or user.get_username())
    record_export(request, f"reports.return.{key}", scope)
    return _file(content, filename, returns.XLSX_CONTENT_TYPE)
