"""Pages of income (收入不减少): the alert list of households whose income fell with its one-click follow-up, and
the figures per village group with their charts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianxin.core.errors import DomainError
from lianxin.core.permissions import get_scoped_or_404
from lianxin.core.web import querystring_without
from lianxin.people.models import Household
from lianxin.regions.selectors import in_region, region_list

from .. import selectors, services
from ..forms import AlertFilterForm, AlertListFilterForm, ContactTaskDoneForm, FollowUpForm
from .register import groups_of


def _year_form(request, form_class=AlertFilterForm, **kwargs):
    user = request.user
    years = selectors.survey_years(user=user)
    form = form_class(request.GET, years=years, groups=groups_of(user), **kwargs)
    values = form.values
    year = values["year"] or (years[0] if years else None)
    return form, values, year


@login_required
@permission_required("livelihood.view_incomesurvey", raise_exception=True)
def alerts(request):
    """Households whose income fell below the baseline (收入下降预警), the largest fall first."""
    form, values, year = _year_form(request, AlertListFilterForm, regions=region_list(user=request.user))
    rows = None
    if year is not None:
        qs = selectors.alert_list(
            user=request.user,
            year=year,
            real=bool(values["real"]),
            village_group=values["village_group"],
            show=values["show"] or "",
        )
        qs = in_region(qs, values["region"])
        # The alert list is a work list (the largest falls first); every household surveyed is the drill-down of
        # the survey figures, shown whole.
        rows = list(qs[:5000] if values["show"] else qs[:500])
    return render(
        request,
        "livelihood/alerts.html",
        {"form": form, "year": year, "rows": rows, "follow_up_form": FollowUpForm(initial={"year": year})},
    )


@login_required
@require_POST
@permission_required("livelihood.add_followup", raise_exception=True)
def follow_up(request, pk: int):
    """One click from the alert list: a follow-up case in the cases app."""
    return _alert_action(
        request,
        pk,
        services.follow_up_register,
        lambda item: _("已登记跟进案件%(number)s") % {"number": item.case.number},
    )


@login_required
@permission_required("livelihood.view_incomesurvey", raise_exception=True)
def figures(request):
    """Median income before and after, the distribution, and the share not worse off, per village group."""
    form, values, year = _year_form(request)
    data = selectors.income_figures(user=request.user, year=year, real=bool(values["real"])) if year else None
    charts = None
    if data:
        charts = {
            "groups": {
                "categories": [g.name for g in data["groups"]],
                "series": [
                    {"name": _("基线收入中位数(元)"), "data": [float(g.median_before or 0) for g in data["groups"]]},
                    {
                        "name": _("%(year)s年收入中位数(元)") % {"year": year},
                        "data": [float(g.median_after or 0) for g in data["groups"]],
                    },
                ],
            },
            "bands": {
                "categories": data["bands"]["labels"],
                "series": [{"name": _("户数"), "data": data["bands"]["counts"]}],
            },
        }
    return render(
        request,
        "livelihood/income_figures.html",
        {"form": form, "year": year, "data": data, "charts": charts, "filters": querystring_without(request)},
    )


@login_required
@require_POST
@permission_required("livelihood.add_contacttask", raise_exception=True)
def contact_task_create(request, pk: int):
    """The second one click from the alert list: the follow-up handed to the household's contact member."""
    return _alert_action(
        request,
        pk,
        services.contact_task_create,
        lambda task: _("已交联户党员%(name)s跟进") % {"name": task.member.person.name},
    )


def _alert_action(request, pk: int, create, success):
    """A one-click action of the alert list on one household: the form's year, the service, a message, back."""
    household = get_scoped_or_404(Household.objects.select_related("village_group"), request.user, pk=pk)
    form = FollowUpForm(request.POST)
    back = request.POST.get("next") or ""
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("livelihood:alerts")
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label if field in form.fields else ''}:{errors[0]}")
        return redirect(back)
    try:
        result = create(actor=request.user, household=household, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success(result))
    return redirect(back)


@login_required
def contact_task(request, pk: int):
    """One follow-up handed to a contact member: what to look into, and the form recording the visit. Open to the
    member through their own account (their 待办 links here) and to those who see the village's tasks."""
    task = selectors.contact_task_get(user=request.user, pk=pk)
    form = ContactTaskDoneForm(request.POST or None, initial={"done_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_task_done(actor=request.user, task=task, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已记录跟进情况"))
            return redirect("livelihood:contact-task", pk=task.pk)
    return render(
        request,
        "livelihood/contact_task.html",
        {
            "task": task,
            "comparison": selectors.comparison_for(household=task.household, year=task.year),
            "form": form,
        },
        status=400 if form.errors else 200,
    )
