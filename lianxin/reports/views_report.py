"""Pages of the work report (preview, .docx, PDF), its sentences and Word templates, and the
statistical returns. Thin: parse the scope, call the builder or the service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lianxin.core.documents import DOCX_CONTENT_TYPE
from lianxin.core.errors import DomainError
from lianxin.core.permissions import DASHBOARD_PERMISSION
from lianxin.core.web import add_service_errors

from . import returns, sentences, services
from .document import default_template, render_docx
from .forms import SentenceAddForm, SentenceForm, TemplateUploadForm
from .models import ReportSentence, ReportSentenceVersion, ReportTemplate
from .pdf import docx_to_pdf, pdf_available
from .periods import period_choices
from .report import effective_sentences, work_report_build
from .views import scope_from_request


def file_response(content: bytes, filename: str, content_type: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    patch_cache_control(response, private=True, no_store=True)
    return response


def record_export(request, what: str, scope, **extra) -> None:
    from lianxin.accounts.models import SecurityEvent
    from lianxin.accounts.services import security_event_record

    user = request.user if request.user.is_authenticated else getattr(request, "auth", None)
    detail = {"list": what, "period": scope.period.code, "region": scope.region.pk if scope.region else None}
    security_event_record(kind=SecurityEvent.Kind.EXPORT, user=user, detail={**detail, **extra})


def report_docx_bytes(scope) -> tuple[bytes, str]:
    """The report for ``scope`` through the template in use, and its file name."""
    report = work_report_build(scope)
    template = services.report_template_current()
    content = render_docx(report, bytes(template.content) if template else None)
    return content, f"{report.title}.docx"


# --- the report -------------------------------------------------------------------------------------


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def work_report(request):
    """The report as it will print, each figure a link to its rows; downloads as .docx and PDF."""
    form, scope = scope_from_request(request)
    report = work_report_build(scope)
    return render(
        request,
        "reports/work_report.html",
        {
            "form": form,
            "scope": scope,
            "report": report,
            "query": request.GET.urlencode(),
            "pdf_available": pdf_available(),
            "period_choices": period_choices(scope.today),
            "can_edit": request.user.has_perm(services.SENTENCE_PERMISSION),
        },
    )


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
@require_GET
def work_report_docx(request):
    _form, scope = scope_from_request(request)
    content, filename = report_docx_bytes(scope)
    record_export(request, "reports.work_report.docx", scope)
    return file_response(content, filename, DOCX_CONTENT_TYPE)


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
@require_GET
def work_report_pdf(request):
    _form, scope = scope_from_request(request)
    content, filename = report_docx_bytes(scope)
    try:
        pdf = docx_to_pdf(content)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('reports:work-report')}?{request.GET.urlencode()}")
    record_export(request, "reports.work_report.pdf", scope)
    return file_response(pdf, filename.replace(".docx", ".pdf"), "application/pdf", inline=True)


# --- sentences --------------------------------------------------------------------------------------


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def sentence_list(request):
    """The report's sentences by section and paragraph, with their placeholders and who changed them."""
    rows = {s.key: s for s in ReportSentence.objects.select_related("updated_by")}
    defaults = {d.key: d for d in sentences.default_sentences()}
    active = {key for key, *_rest in effective_sentences()}
    topics = []
    for topic in sentences.topic_list():
        items = []
        keys = [d.key for d in defaults.values() if d.topic == topic.key]
        keys += [k for k, row in rows.items() if row.topic == topic.key and k not in defaults]
        for key in keys:
            row, default = rows.get(key), defaults.get(key)
            text = row.text if row else str(default.text)
            position = row.position if row else default.order
            missing = [n for n in sentences.sentence_figures(text) if not sentences.catalogue.is_registered(n)]
            items.append(
                {
                    "key": key,
                    "text": text,
                    "position": position,
                    "row": row,
                    "default": default,
                    "active": key in active,
                    "missing": missing,
                }
            )
        items.sort(key=lambda item: (item["position"], item["key"]))
        topics.append({"topic": topic, "line": sentences.LINES[topic.section], "items": items})
    return render(
        request,
        "reports/sentence_list.html",
        {"topics": topics, "can_edit": request.user.has_perm(services.SENTENCE_PERMISSION)},
    )


def _sentence_initial(key: str) -> tuple[ReportSentence | None, dict]:
    row = ReportSentence.objects.filter(key=key).first()
    default = sentences.default_get(key)
    if row is None and default is None:
        raise Http404
    if row is not None:
        return row, {"text": row.text, "active": row.active, "position": row.position}
    return None, {"text": str(default.text), "active": True, "position": default.order}


@login_required
@permission_required(services.SENTENCE_PERMISSION, raise_exception=True)
def sentence_edit(request, key: str):
    row, initial = _sentence_initial(key)
    form = SentenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.sentence_save(
                key=key,
                text=form.cleaned_data["text"],
                active=form.cleaned_data["active"],
                position=form.cleaned_data["position"],
                actor=request.user,
            )
        except DomainError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("语句已保存,重新生成报告即可看到"))
            return redirect("reports:sentence-list")
    versions = ReportSentenceVersion.objects.filter(sentence=row).select_related("edited_by") if row else []
    return render(
        request,
        "reports/sentence_form.html",
        {
            "form": form,
            "key": key,
            "row": row,
            "default": sentences.default_get(key),
            "versions": versions,
            "figures": sentences.catalogue.figure_list(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@permission_required(services.SENTENCE_PERMISSION, raise_exception=True)
def sentence_add(request):
    form = SentenceAddForm(request.POST or None, initial={"position": 100, "active": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.sentence_add(
                topic=form.cleaned_data["topic"],
                text=form.cleaned_data["text"],
                position=form.cleaned_data["position"] if form.cleaned_data["position"] is not None else 100,
                actor=request.user,
            )
        except DomainError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("语句已添加"))
            return redirect("reports:sentence-list")
    return render(
        request,
        "reports/sentence_form.html",
        {"form": form, "adding": True, "figures": sentences.catalogue.figure_list()},
        status=400 if form.errors else 200,
    )


@login_required
@permission_required(services.SENTENCE_PERMISSION, raise_exception=True)
@require_POST
def sentence_reset(request, key: str):
    try:
        services.sentence_reset(key=key, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已恢复默认写法"))
    return redirect("reports:sentence-list")


# --- Word templates ---------------------------------------------------------------------------------


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def template_page(request):
    """Download the template (built-in or in use), upload a changed one, see the history."""
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not request.user.has_perm(services.TEMPLATE_PERMISSION):
            raise Http404
        if form.is_valid():
            upload = form.cleaned_data["file"]
            _form, scope = scope_from_request(request)
            try:
                services.report_template_upload(
                    name=upload.name,
                    content=upload.read(),
                    note=form.cleaned_data["note"],
                    sample=work_report_build(scope),
                    actor=request.user,
                )
            except DomainError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("模板已通过检查并启用"))
                return redirect("reports:template")
    return render(
        request,
        "reports/template.html",
        {
            "form": form,
            "current": services.report_template_current(),
            "history": ReportTemplate.objects.select_related("uploaded_by").defer("content")[:20],
            "can_upload": request.user.has_perm(services.TEMPLATE_PERMISSION),
        },
        status=400 if form.errors else 200,
    )


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
@require_GET
def template_download(request, version: int = 0):
    """The built-in template (version 0) or an uploaded version, to adjust in Word or WPS."""
    if version == 0:
        return file_response(default_template(), _("工作报告模板(默认).docx"), DOCX_CONTENT_TYPE)
    template = ReportTemplate.objects.filter(version=version).first()
    if template is None:
        raise Http404
    return file_response(bytes(template.content), template.name, DOCX_CONTENT_TYPE)


@login_required
@permission_required(services.TEMPLATE_PERMISSION, raise_exception=True)
@require_POST
def template_revert(request):
    services.report_template_revert(actor=request.user)
    messages.success(request, _("已改用内置模板"))
    return redirect("reports:template")


# --- statistical returns ----------------------------------------------------------------------------


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def return_list(request):
    form, scope = scope_from_request(request)
    items = [{"item": item, "period": returns.default_period(item, scope.today)} for item in returns.return_list()]
    return render(
        request,
        "reports/return_list.html",
        {"form": form, "items": items, "query": request.GET.urlencode(), "period_choices": period_choices(scope.today)},
    )


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
@require_GET
def return_download(request, key: str):
    item = returns.return_get(key)
    if item is None:
        raise Http404
    _form, scope = scope_from_request(request, default=returns.default_period(item))
    content, filename = returns.return_workbook(
        item, scope, filled_by=request.user.get_full_name() or request.user.get_username()
    )
    record_export(request, f"reports.return.{key}", scope)
    return file_response(content, filename, returns.XLSX_CONTENT_TYPE)
