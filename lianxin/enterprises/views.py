from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from lianxin.core.errors import DomainError
from lianxin.core.web import add_service_errors, page_from_request
from lianxin.imports.xlsx import ExportColumn, export_response, title_prefix
from lianxin.regions.selectors import region_list

from . import selectors, services
from .forms import EnterpriseFilterForm, EnterpriseForm, IndicatorForm, MilestoneForm, ProjectFilterForm, ProjectForm


def _enterprise_filters(request) -> EnterpriseFilterForm:
    return EnterpriseFilterForm(request.GET, regions=region_list(user=request.user))


@login_required
@permission_required("enterprises.view_enterprise", raise_exception=True)
def enterprise_list(request):
    form = _enterprise_filters(request)
    qs = selectors.enterprise_list(user=request.user, **form.filters())
    return render(
        request,
        "enterprises/enterprise_list.html",
        {"page": page_from_request(request, qs), "filters": form.querystring(), "filter_form": form},
    )


@login_required
@permission_required("enterprises.view_enterprise", raise_exception=True)
@require_GET
def enterprise_export(request):
    """The enterprise list as .xlsx under the same filters, newest first, with its latest year's figures."""
    form = _enterprise_filters(request)
    filters = form.filters()
    q, industry = filters["q"], filters["industry"]
    qs = selectors.enterprise_list(user=request.user, **filters).order_by("-pk")
    columns = [
        ExportColumn(_("企业名称")),
        ExportColumn(_("统一社会信用代码"), "credit_code"),
        ExportColumn(_("行业"), "choice"),
        ExportColumn(_("所在区域")),
        ExportColumn(_("园区内企业"), "bool"),
        ExportColumn(_("最近年度"), "int"),
        ExportColumn(_("最近年度产值"), "money", total=True),
        ExportColumn(_("最近年度税收"), "money", total=True),
    ]
    rows = (
        (
            e.name,
            e.credit_code,
            e.get_industry_display(),
            e.region.name,
            e.in_park,
            e.latest_year,
            e.latest_output,
            e.latest_tax,
        )
        for e in qs.iterator(chunk_size=2000)
    )
    return export_response(
        request,
        list_key="enterprises",
        title=title_prefix(request.user) + _("企业台账"),
        columns=columns,
        rows=rows,
        filters={
            "industry": industry,
            "region": filters["region"] and filters["region"].pk,
            "year": filters["year"],
            "in_park": bool(filters["in_park"]),
            "search": bool(q),
        },
        back=f"{reverse('enterprises:enterprise-list')}?{form.querystring()}",
        count_unit=pgettext("count unit", "家"),
    )


@login_required
def enterprise_detail(request, pk: int):
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    return render(
        request,
        "enterprises/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "indicators": selectors.indicator_list(user=request.user, enterprise=enterprise),
            "projects": selectors.project_list(user=request.user).filter(enterprise=enterprise),
            "indicator_form": IndicatorForm(initial={"year": timezone.localdate().year - 1}),
        },
    )


def _enterprise_form(request, **kwargs) -> EnterpriseForm:
    return EnterpriseForm(request.POST or None, regions=region_list(user=request.user), **kwargs)


@login_required
@permission_required("enterprises.add_enterprise", raise_exception=True)
def enterprise_create(request):
    form = _enterprise_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(actor=request.user, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            return redirect("enterprises:enterprise-detail", pk=enterprise.pk)
    return render(request, "enterprises/enterprise_form.html", {"form": form})


@login_required
@permission_required("enterprises.change_enterprise", raise_exception=True)
def enterprise_edit(request, pk: int):
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    initial = {name: getattr(enterprise, name) for name in EnterpriseForm.base_fields}
    form = _enterprise_form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_update(enterprise=enterprise, actor=request.user, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            return redirect("enterprises:enterprise-detail", pk=enterprise.pk)
    return render(request, "enterprises/enterprise_form.html", {"form": form, "enterprise": enterprise})


@login_required
@permission_required("enterprises.add_enterpriseindicator", raise_exception=True)
@require_POST
def indicator_record(request, pk: int):
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    form = IndicatorForm(request.POST)
    if form.is_valid():
        try:
            services.indicator_record(enterprise=enterprise, actor=request.user, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            return redirect("enterprises:enterprise-detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "indicators": selectors.indicator_list(user=request.user, enterprise=enterprise),
            "projects": selectors.project_list(user=request.user).filter(enterprise=enterprise),
            "indicator_form": form,
        },
        status=400,
    )


@login_required
@permission_required("enterprises.view_project", raise_exception=True)
def project_list(request):
    form = ProjectFilterForm(request.GET, regions=region_list(user=request.user))
    values = form.values
    qs = selectors.project_list(user=request.user, status=values["status"], q=values["q"], region=values["region"])
    return render(
        request,
        "enterprises/project_list.html",
        {"page": page_from_request(request, qs), "filters": form.querystring(), "filter_form": form},
    )


@login_required
def project_detail(request, pk: int):
    project = selectors.project_get(user=request.user, pk=pk)
    return render(
        request,
        "enterprises/project_detail.html",
        {
            "project": project,
            "milestones": selectors.milestone_list(user=request.user, project=project),
            "milestone_form": MilestoneForm(),
            "today": timezone.localdate(),
        },
    )


def _project_form(request, **kwargs) -> ProjectForm:
    return ProjectForm(
        request.POST or None,
        enterprises=selectors.enterprise_list(user=request.user),
        regions=region_list(user=request.user),
        **kwargs,
    )


@login_required
@permission_required("enterprises.add_project", raise_exception=True)
def project_create(request):
    form = _project_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            return redirect("enterprises:project-detail", pk=project.pk)
    return render(request, "enterprises/project_form.html", {"form": form})


@login_required
@permission_required("enterprises.change_project", raise_exception=True)
def project_edit(request, pk: int):
    project = selectors.project_get(user=request.user, pk=pk)
    initial = {name: getattr(project, name) for name in ProjectForm.base_fields}
    form = _project_form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(project=project, actor=request.user, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            return redirect("enterprises:project-detail", pk=project.pk)
    return render(request, "enterprises/project_form.html", {"form": form, "project": project})


@login_required
@permission_required("enterprises.add_projectmilestone", raise_exception=True)
@require_POST
def milestone_add(request, pk: int):
    project = selectors.project_get(user=request.user, pk=pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        services.milestone_add(project=project, actor=request.user, **form.cleaned_data)
    return redirect("enterprises:project-detail", pk=project.pk)


@login_required
@permission_required("enterprises.change_projectmilestone", raise_exception=True)
@require_POST
def milestone_complete(request, pk: int):
    milestone = selectors.milestone_get(user=request.user, pk=pk)
    services.milestone_complete(milestone=milestone, completed_on=timezone.localdate(), actor=request.user)
    return redirect("enterprises:project-detail", pk=milestone.project_id)
