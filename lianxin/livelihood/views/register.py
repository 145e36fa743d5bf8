"""Pages of the landless-farmer register: the list with its filters and export, one household (land taken per
project, persons with age and working-age status, income by year, job-seeker registration) and the local rules."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.core.errors import DomainError
from lianxin.core.permissions import get_scoped_or_404, scope_to_user
from lianxin.core.web import add_service_errors, page_from_request, querystring_without
from lianxin.imports.xlsx import ExportColumn, export_response
from lianxin.people.models import Household, Person
from lianxin.regions.models import Region
from lianxin.regions.selectors import in_region, region_list

from .. import selectors, services
from ..forms import FollowUpForm, JobSeekerForm, RegisterFilterForm, RuleForm, SurveyForm
from ..models import JobSeeker, LandlessRule

SERVICE_ERRORS = (DomainError, ValidationError)


def groups_of(user):
    return selectors.region_choices(user=user, levels=(Region.Level.VILLAGE_GROUP,))


def _filtered(request):
    form = RegisterFilterForm(request.GET, groups=groups_of(request.user), regions=region_list(user=request.user))
    values = form.values
    qs = selectors.register(
        user=request.user,
        village_group=values["village_group"],
        status=values["status"] or "landless",
        q=values["q"] or "",
    )
    qs = in_region(qs, values["region"])
    return form, qs


@login_required
@permission_required("livelihood.view_register", raise_exception=True)
def register(request):
    form, qs = _filtered(request)
    page = page_from_request(request, qs)
    return render(
        request,
        "livelihood/register.html",
        {
            "form": form,
            "page": page,
            "rows": selectors.register_rows(page.items),
            "filters": querystring_without(request, "after", "before"),
            "rules": selectors.rules(),
        },
    )


@login_required
@permission_required("livelihood.export_register", raise_exception=True)
def register_export(request):
    """The register as .xlsx under the same filters (the export recorded as a security event)."""
    form, qs = _filtered(request)
    columns = [
        ExportColumn(_("村委会")),
        ExportColumn(_("村民小组")),
        ExportColumn(_("户编号")),
        ExportColumn(_("人口"), "int", total=True),
        ExportColumn(_("承包面积"), "area", total=True),
        ExportColumn(_("被征收面积"), "area", total=True),
        ExportColumn(_("被征地比例(%)")),
        ExportColumn(_("人均剩余耕地"), "area"),
        ExportColumn(_("征地日期"), "date"),
        ExportColumn(_("适用认定标准")),
        ExportColumn(_("是否失地农民")),
    ]
    by_id = {rule.pk: rule for rule in selectors.rules()}
    from ..selectors.register import row_of

    def rows():
        for household in qs.order_by("village_group__path", "number", "pk").iterator(chunk_size=2000):
            row = row_of(household, by_id)
            yield (
                household.village_group.parent.name if household.village_group.parent_id else "",
                household.village_group.name,
                household.number,
                row.members,
                row.contracted,
                row.mu_lost,
                str(row.share_lost_percent or ""),
                row.per_person,
                row.acquired_on,
                row.rule.name if row.rule else _("无适用标准"),
                _("是") if row.landless else _("否"),
            )

    values = form.values
    return export_response(
        request,
        list_key="livelihood.register",
        title=_("失地农民花名册"),
        columns=columns,
        rows=rows(),
        filters={
            "status": values["status"] or "landless",
            "village_group": getattr(values["village_group"], "pk", None),
        },
        back=reverse("livelihood:register"),
        count_unit=_("户"),
    )


@login_required
@permission_required("livelihood.view_register", raise_exception=True)
def household(request, pk: int):
    user = request.user
    row = get_scoped_or_404(Household.objects.select_related("village_group", "village_group__parent"), user, pk=pk)
    entry = selectors.household_entry(user=user, household=row)
    if entry is None:
        raise Http404
    today = timezone.localdate()
    persons = selectors.persons_of(entry, today=today)
    seekers = {s.person_id: s for s in JobSeeker.objects.filter(person__household=row)}
    return render(
        request,
        "livelihood/household.html",
        {
            "entry": entry,
            "household": row,
            "projects": selectors.mu_lost_by_project(row),
            "persons": [(p, seekers.get(p.person.pk)) for p in persons],
            "income": selectors.household_income(household=row),
            "survey_form": SurveyForm(initial={"surveyed_on": today, "persons": entry.members, "year": today.year - 1}),
            "seeker_form": JobSeekerForm(initial={"registered_on": today, "reason": JobSeeker.Reason.LAND_TAKEN}),
            "follow_up_form": FollowUpForm(),
        },
    )


@login_required
@permission_required("livelihood.add_incomesurvey", raise_exception=True)
def survey_add(request, pk: int):
    user = request.user
    row = get_scoped_or_404(Household.objects.all(), user, pk=pk)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_record(actor=user, household=row, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记%(year)s年收入调查") % {"year": form.cleaned_data["year"]})
            return redirect("livelihood:household", pk=row.pk)
    return render(
        request,
        "livelihood/form.html",
        {"form": form, "title": _("登记收入调查"), "back": reverse("livelihood:household", args=[row.pk])},
        status=400 if form.errors else 200,
    )


@login_required
@permission_required("livelihood.add_jobseeker", raise_exception=True)
def seeker_add(request, pk: int):
    user = request.user
    person = get_scoped_or_404(Person.objects.select_related("household"), user, pk=pk)
    form = JobSeekerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.job_seeker_register(actor=user, person=person, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已为%(name)s办理求职登记") % {"name": person.name})
            return redirect("livelihood:household", pk=person.household_id)
    return render(
        request,
        "livelihood/form.html",
        {
            "form": form,
            "title": _("求职登记:%(name)s") % {"name": person.name},
            "back": reverse("livelihood:household", args=[person.household_id]),
        },
        status=400 if form.errors else 200,
    )


@login_required
@permission_required("livelihood.view_landlessrule", raise_exception=True)
def rules(request):
    user = request.user
    form = RuleForm(request.POST or None) if user.has_perm("livelihood.add_landlessrule") else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.rule_save(actor=user, **form.cleaned_data)
            except SERVICE_ERRORS as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已保存认定标准"))
                return redirect("livelihood:rules")
    return render(
        request,
        "livelihood/rules.html",
        {"rules": scope_to_user(LandlessRule.objects.all(), user), "form": form},
        status=400 if form is not None and form.errors else 200,
    )
