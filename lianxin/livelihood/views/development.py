"""Pages of trainings, businesses, insurance and village development: skills trainings with their trainees, small
businesses, social insurance with the not-enrolled list, village projects with their fund sources, pairings with
milestones, and village indicators — targets vs actuals with charts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.core.errors import DomainError
from lianxin.core.permissions import get_scoped_or_404, scope_to_user
from lianxin.core.web import add_service_errors, page_from_request, querystring_without
from lianxin.enterprises.models import Enterprise
from lianxin.people.models import Person
from lianxin.regions.models import Region
from lianxin.regions.selectors import in_region, region_list

from .. import selectors, services
from ..forms import (
    AttendanceForm,
    BusinessFilterForm,
    BusinessForm,
    IndicatorFilterForm,
    IndicatorForm,
    InsuranceFilterForm,
    InsuranceForm,
    NotEnrolledFilterForm,
    PairingFilterForm,
    PairingForm,
    ProjectDocumentForm,
    ProjectFilterForm,
    TrainingFilterForm,
    TrainingForm,
    VillageProjectForm,
)
from ..models import ProjectDocument, SkillsTraining, VillageIndicator
from .register import groups_of

SERVICE_ERRORS = (DomainError, ValidationError)
ALL_LEVELS = (Region.Level.TOWNSHIP, Region.Level.VILLAGE, Region.Level.VILLAGE_GROUP)


def _persons(user):
    return scope_to_user(Person.objects.select_related("household"), user)


def _form_page(request, form, *, title: str, back: str, save, success: str, redirect_to: str):
    """The one shape of an entry page: a valid form goes to its service; refusals come back on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except SERVICE_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(redirect_to)
    return render(
        request,
        "livelihood/form.html",
        {"form": form, "title": title, "back": back},
        status=400 if form.errors else 200,
    )


# --- trainings ---------------------------------------------------------------------------------------------


@login_required
@permission_required("livelihood.view_skillstraining", raise_exception=True)
def training_list(request):
    form = TrainingFilterForm(request.GET, regions=region_list(user=request.user))
    values = form.values
    qs = selectors.training_list(
        user=request.user, q=values["q"] or "", date_from=values["date_from"], date_to=values["date_to"]
    )
    qs = in_region(qs, values["region"])
    return render(
        request,
        "livelihood/training_list.html",
        {
            "form": form,
            "page": page_from_request(request, qs),
            "filters": querystring_without(request, "after", "before"),
        },
    )


@login_required
@permission_required("livelihood.add_skillstraining", raise_exception=True)
def training_create(request):
    user = request.user
    form = TrainingForm(request.POST or None, regions=selectors.region_choices(user=user, levels=ALL_LEVELS))
    return _form_page(
        request,
        form,
        title=_("登记技能培训"),
        back=reverse("livelihood:training-list"),
        save=lambda data: services.training_create(actor=user, **data),
        success=_("已登记技能培训"),
        redirect_to=reverse("livelihood:training-list"),
    )


@login_required
@permission_required("livelihood.view_skillstraining", raise_exception=True)
def training_detail(request, pk: int):
    user = request.user
    training = get_scoped_or_404(SkillsTraining.objects.select_related("region"), user, pk=pk)
    form = None
    if user.has_perm("livelihood.add_trainingattendance"):
        form = AttendanceForm(request.POST or None, persons=_persons(user))
        if request.method == "POST" and form.is_valid():
            try:
                services.attendance_record(actor=user, training=training, **form.cleaned_data)
            except SERVICE_ERRORS as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已登记学员"))
                return redirect("livelihood:training-detail", pk=training.pk)
    elif request.method == "POST":
        raise Http404
    attendances = scope_to_user(training.attendances.all(), user).select_related("person", "village_group")
    return render(
        request,
        "livelihood/training_detail.html",
        {"training": training, "attendances": attendances, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


# --- businesses and insurance ------------------------------------------------------------------------------


@login_required
@permission_required("livelihood.view_business", raise_exception=True)
def business_list(request):
    user = request.user
    form = BusinessFilterForm(request.GET, groups=groups_of(user), regions=region_list(user=user))
    values = form.values
    qs = selectors.business_list(
        user=user, kind=values["kind"] or "", village_group=values["village_group"], open_only=bool(values["open"])
    )
    qs = in_region(qs, values["region"])
    return render(
        request,
        "livelihood/business_list.html",
        {
            "form": form,
            "page": page_from_request(request, qs),
            "filters": querystring_without(request, "after", "before"),
        },
    )


@login_required
@permission_required("livelihood.add_business", raise_exception=True)
def business_create(request):
    user = request.user
    form = BusinessForm(request.POST or None, persons=_persons(user), initial={"opened_on": timezone.localdate()})
    return _form_page(
        request,
        form,
        title=_("登记个体经营"),
        back=reverse("livelihood:business-list"),
        save=lambda data: services.business_register(actor=user, **data),
        success=_("已登记个体经营"),
        redirect_to=reverse("livelihood:business-list"),
    )


@login_required
@permission_required("livelihood.view_insuranceenrolment", raise_exception=True)
def insurance_list(request):
    user = request.user
    form = InsuranceFilterForm(request.GET, groups=groups_of(user), regions=region_list(user=user))
    values = form.values
    qs = selectors.insurance_list(
        user=user,
        status=values["status"] or "",
        minimum_income_support=True if values["minimum_income_support"] else None,
        village_group=values["village_group"],
    )
    qs = in_region(qs, values["region"])
    missing = in_region(selectors.not_enrolled(user=user, village_group=values["village_group"]), values["region"])
    return render(
        request,
        "livelihood/insurance_list.html",
        {
            "form": form,
            "page": page_from_request(request, qs),
            "filters": querystring_without(request, "after", "before"),
            "not_enrolled": list(missing.order_by("household__village_group__path", "pk")[:200]),
            "not_enrolled_count": missing.count(),
        },
    )


@login_required
@permission_required("livelihood.view_insuranceenrolment", raise_exception=True)
def not_enrolled(request):
    """Landless farmers aged 16 and over not enrolled in the insurance (未参保), all of them, paged."""
    user = request.user
    form = NotEnrolledFilterForm(request.GET, groups=groups_of(user), regions=region_list(user=user))
    qs = in_region(selectors.not_enrolled(user=user, village_group=form.values["village_group"]), form.values["region"])
    return render(
        request,
        "livelihood/not_enrolled.html",
        {
            "form": form,
            "page": page_from_request(request, qs),
            "filters": querystring_without(request, "after", "before"),
        },
    )


@login_required
@permission_required("livelihood.add_insuranceenrolment", raise_exception=True)
def insurance_create(request):
    user = request.user
    form = InsuranceForm(request.POST or None, persons=_persons(user), initial={"enrolled_on": timezone.localdate()})
    return _form_page(
        request,
        form,
        title=_("登记参保"),
        back=reverse("livelihood:insurance-list"),
        save=lambda data: services.insurance_enrol(actor=user, **data),
        success=_("已登记参保"),
        redirect_to=reverse("livelihood:insurance-list"),
    )


# --- village development -----------------------------------------------------------------------------------


@login_required
@permission_required("livelihood.view_villageproject", raise_exception=True)
def project_list(request):
    user = request.user
    villages = selectors.region_choices(user=user, levels=(Region.Level.VILLAGE,))
    form = ProjectFilterForm(request.GET, villages=villages, regions=region_list(user=user))
    values = form.values
    qs = selectors.project_list(
        user=user, village=values["village"], status=values["status"] or "", kind=values["kind"] or ""
    ).prefetch_related("funds")
    qs = in_region(qs, values["region"])
    totals = selectors.project_totals(user=user)
    return render(
        request,
        "livelihood/project_list.html",
        {
            "form": form,
            "page": page_from_request(request, qs),
            "filters": querystring_without(request, "after", "before"),
            "totals": totals,
            "pairings": selectors.pairing_list(user=user) if user.has_perm("livelihood.view_pairing") else [],
        },
    )


@login_required
@permission_required("livelihood.add_villageproject", raise_exception=True)
def project_create(request):
    user = request.user
    form = VillageProjectForm(
        request.POST or None,
        regions=selectors.region_choices(user=user),
        enterprises=scope_to_user(Enterprise.objects.all(), user),
    )

    def save(data):
        funds = form.funds()
        fields = {
            k: v for k, v in data.items() if k in ("village", "name", "kind", "status", "started_on", "accepted_on")
        }
        return services.village_project_create(actor=user, funds=funds, **fields)

    return _form_page(
        request,
        form,
        title=_("登记新农村建设项目"),
        back=reverse("livelihood:project-list"),
        save=save,
        success=_("已登记项目"),
        redirect_to=reverse("livelihood:project-list"),
    )


@login_required
@permission_required("livelihood.view_pairing", raise_exception=True)
def pairing_list(request):
    """Village–enterprise pairings (村企结对) with their milestones."""
    user = request.user
    villages = selectors.region_choices(user=user, levels=(Region.Level.VILLAGE,))
    form = PairingFilterForm(request.GET, villages=villages, regions=region_list(user=user))
    qs = in_region(selectors.pairing_list(user=user, village=form.values["village"]), form.values["region"])
    return render(
        request,
        "livelihood/pairing_list.html",
        {
            "form": form,
            "page": page_from_request(request, qs),
            "filters": querystring_without(request, "after", "before"),
        },
    )


@login_required
@permission_required("livelihood.add_pairing", raise_exception=True)
def pairing_create(request):
    user = request.user
    form = PairingForm(
        request.POST or None,
        enterprises=scope_to_user(Enterprise.objects.all(), user),
        regions=selectors.region_choices(user=user),
        initial={"signed_on": timezone.localdate()},
    )
    return _form_page(
        request,
        form,
        title=_("登记村企结对"),
        back=reverse("livelihood:project-list"),
        save=lambda data: services.pairing_create(actor=user, **data),
        success=_("已登记村企结对"),
        redirect_to=reverse("livelihood:project-list"),
    )


@login_required
@permission_required("livelihood.view_villageindicator", raise_exception=True)
def indicators(request):
    """Village indicators of a year: the township's (the user's scope) targets vs actuals, with charts, and each
    village's rows; the entry form for those who keep them."""
    user = request.user
    years = selectors.indicator_years(user=user)
    form = IndicatorFilterForm(request.GET, years=years or [timezone.localdate().year], regions=region_list(user=user))
    year = form.values["year"] or (years[0] if years else timezone.localdate().year)
    data = selectors.targets_vs_actuals(
        user=user, year=year, indicator=form.values["indicator"] or "", region=form.values["region"]
    )
    entry = None
    if user.has_perm("livelihood.add_villageindicator"):
        entry = IndicatorForm(
            request.POST or None, regions=selectors.region_choices(user=user, levels=ALL_LEVELS), initial={"year": year}
        )
        if request.method == "POST" and entry.is_valid():
            try:
                services.indicator_set(actor=user, **entry.cleaned_data)
            except SERVICE_ERRORS as exc:
                add_service_errors(entry, exc)
            else:
                messages.success(request, _("已保存指标"))
                return redirect(f"{reverse('livelihood:indicators')}?year={entry.cleaned_data['year']}")
    elif request.method == "POST":
        raise Http404
    Indicator = VillageIndicator.Indicator
    income = [r for r in data["table"] if r["indicator"] in (Indicator.TOTAL_INCOME, Indicator.NET_INCOME)]
    industry = [
        r
        for r in data["table"]
        if r["indicator"]
        not in (Indicator.TOTAL_INCOME, Indicator.NET_INCOME, Indicator.NET_INCOME_PER_CAPITA, Indicator.POPULATION)
    ]

    def chart(rows, scale=1):
        return {
            "categories": [str(r["label"]) for r in rows],
            "series": [
                {"name": _("目标"), "data": [float(r["target"] or 0) / scale for r in rows]},
                {"name": _("实绩"), "data": [float(r["actual"] or 0) / scale for r in rows]},
            ],
        }

    return render(
        request,
        "livelihood/indicators.html",
        {
            "form": form,
            "year": year,
            "data": data,
            "entry": entry,
            "chart_income": chart(income, 10000),
            "chart_industry": chart(industry),
        },
        status=400 if entry is not None and entry.errors else 200,
    )


@login_required
@permission_required("livelihood.view_villageproject", raise_exception=True)
def project_detail(request, pk: int):
    """A village project with its funds and its documents and photos (thumbnails); the upload form for those who
    keep the projects."""
    user = request.user
    project = get_scoped_or_404(selectors.project_list(user=user).prefetch_related("funds", "documents"), user, pk=pk)
    form = ProjectDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not user.has_perm("livelihood.change_villageproject"):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.project_document_add(
                    actor=user, project=project, upload=form.cleaned_data["file"], title=form.cleaned_data["title"]
                )
            except DomainError as exc:
                form.add_error("file" if exc.field in (None, "file") else None, exc.message)
            else:
                messages.success(request, _("已上传"))
                return redirect("livelihood:project-detail", pk=project.pk)
    return render(
        request,
        "livelihood/project_detail.html",
        {"project": project, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@permission_required("livelihood.view_villageproject", raise_exception=True)
def project_document(request, pk: int):
    """One document or photo of a village project, in the user's scope: photos shown inline (the thumbnails),
    PDFs downloaded."""
    document = get_scoped_or_404(ProjectDocument.objects.all(), request.user, pk=pk)
    return FileResponse(
        document.file.open("rb"),
        filename=document.original_name,
        content_type=document.content_type,
        as_attachment=not document.is_image,
    )
