"""Pages of activities and education: the list, recording an activity with its attendance, one activity (attendance,
materials, minutes), study hours, 三会一课 compliance, the language teams and the "六个一" scores."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianxin.core.errors import DomainError
from lianxin.core.permissions import scope_to_user
from lianxin.core.web import add_service_errors, page_from_request, querystring_without
from lianxin.regions.models import Region
from lianxin.regions.selectors import region_list

from .. import selectors, services
from ..forms import (
    ATTENDANCE_CHOICES,
    ActivityFilterForm,
    ActivityForm,
    BranchYearForm,
    MaterialForm,
    PeriodForm,
    StudyHoursFilterForm,
    attendance_rows,
)
from ..models import PIPELINE_STAGES, Language, LanguageTeam, Member, Organization, Theme

SERVICE_ERRORS = (DomainError, ValidationError)


def _themes():
    return Theme.objects.filter(active=True)


@login_required
@permission_required("party.view_activity", raise_exception=True)
def activity_list(request):
    user = request.user
    form = ActivityFilterForm(
        request.GET,
        organizations=selectors.organization_choices(user=user),
        themes=_themes(),
        regions=region_list(user=user),
    )
    values = form.values
    qs = selectors.activity_list(
        user=user,
        kind=values["kind"] or "",
        organization=values["organization"],
        theme=values["theme"].pk if values["theme"] else None,
        date_from=values["date_from"],
        date_to=values["date_to"],
        q=values["q"] or "",
        region=values["region"],
    )
    return render(
        request,
        "party/activity_list.html",
        {
            "page": page_from_request(request, qs),
            "form": form,
            "filters": querystring_without(request, "after", "before"),
        },
    )


def _attendees(user, organization: Organization | None) -> list[Member]:
    """Who may be ticked on the sign-in sheet: the organisation's members (held or seconded) and the people in
    its pipeline; for the committee, every member in scope."""
    qs = scope_to_user(Member.objects.filter(status=Member.Status.ACTIVE), user).select_related(
        "person", "organization"
    )
    if organization is not None and organization.kind != Organization.Kind.COMMITTEE:
        qs = qs.filter(Q(organization=organization) | Q(seconded_to=organization))
    return list(qs.order_by("organization__path", "stage", "person__name")[:600])


@login_required
@permission_required("party.add_activity", raise_exception=True)
def activity_create(request):
    """Record an activity with its sign-in sheet (present / on leave with the reason / absent)."""
    user = request.user
    organizations = selectors.organization_choices(user=user)
    org_id = request.POST.get("organization") or request.GET.get("organization") or ""
    organization = organizations.filter(pk=org_id).first() if str(org_id).isdigit() else None
    form = ActivityForm(
        request.POST or None,
        initial={"organization": organization.pk if organization else None},
        organizations=organizations,
        groups=region_list(user=user, level=Region.Level.VILLAGE_GROUP).select_related("parent"),
        themes=_themes(),
        languages=Language.objects.all(),
        teams=scope_to_user(LanguageTeam.objects.all(), user),
    )
    attendees = _attendees(user, organization) if organization else []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            activity = services.activity_record(actor=user, attendance=attendance_rows(request.POST, attendees), **data)
        except SERVICE_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记活动“%(title)s”") % {"title": activity.title})
            return redirect("party:activity-detail", pk=activity.pk)
    return render(
        request,
        "party/activity_form.html",
        {
            "form": form,
            "organization": organization,
            "attendees": attendees,
            "attendance_choices": ATTENDANCE_CHOICES,
            "posted": request.POST,
            "pipeline_stages": PIPELINE_STAGES,
        },
        status=400 if form.errors else 200,
    )


@login_required
@permission_required("party.view_activity", raise_exception=True)
def activity_detail(request, pk: int):
    activity = selectors.activity_get(user=request.user, pk=pk)
    return render(
        request,
        "party/activity_detail.html",
        {
            "activity": activity,
            "attendance": list(activity.attendance.all()),
            "material_form": MaterialForm() if request.user.has_perm("party.add_activitymaterial") else None,
        },
    )


@login_required
@permission_required("party.add_activitymaterial", raise_exception=True)
@require_POST
def material_add(request, pk: int):
    activity = selectors.activity_get(user=request.user, pk=pk)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.material_add(actor=request.user, activity=activity, upload=form.cleaned_data["file"])
        except SERVICE_ERRORS as exc:
            messages.error(request, exc.message if isinstance(exc, DomainError) else "; ".join(exc.messages))
        else:
            messages.success(request, _("已上传"))
    else:
        messages.error(request, _("请选择要上传的文件"))
    return redirect("party:activity-detail", pk=activity.pk)


@login_required
@permission_required("party.view_activitymaterial", raise_exception=True)
def material_download(request, pk: int, material_pk: int):
    activity = selectors.activity_get(user=request.user, pk=pk)
    material = activity.materials.filter(pk=material_pk).first()
    if material is None:
        raise Http404
    response = FileResponse(
        material.file.open("rb"), filename=material.original_name, content_type=material.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- study hours, 三会一课, teams, 六个一 ---------------------------------------------------------------------------


@login_required
@permission_required("party.view_attendance", raise_exception=True)
def study_hours(request):
    """Study hours per member for a year, against the yearly requirement (local rule), lowest first."""
    user = request.user
    today = timezone.localdate()
    form = StudyHoursFilterForm(
        request.GET or {"year": today.year},
        organizations=selectors.organization_choices(user=user),
        regions=region_list(user=user),
    )
    values = form.values
    year = values["year"] or today.year
    rules = services.rules_current()
    rows = selectors.study_hours(
        user=user, year=year, rules=rules, organization=values["organization"], region=values["region"]
    )
    return render(
        request,
        "party/study_hours.html",
        {"form": form, "rows": rows, "below": [r for r in rows if r.below], "year": year, "rules": rules},
    )


@login_required
@permission_required("party.view_activity", raise_exception=True)
def regular_meetings(request):
    """三会一课 per branch for a year against the local frequencies: what each branch still owes."""
    user = request.user
    today = timezone.localdate()
    form = BranchYearForm(
        request.GET or {"year": today.year}, organizations=selectors.organization_choices(user=user, branches_only=True)
    )
    year = form.values["year"] or today.year
    rules = services.rules_current()
    rows = selectors.regular_meetings(user=user, year=year, rules=rules, today=today)
    if form.values["organization"] is not None:
        rows = [r for r in rows if r.organization.pk == form.values["organization"].pk]
    return render(request, "party/regular_meetings.html", {"form": form, "rows": rows, "year": year, "rules": rules})


@login_required
@permission_required("party.view_languageteam", raise_exception=True)
def language_teams(request):
    return render(request, "party/language_teams.html", {"teams": selectors.language_teams(user=request.user)})


@login_required
@permission_required("cases.view_servicestandardcheck", raise_exception=True)
def service_standard(request):
    """The "六个一" service standard as enterprises rated it at revisits: per handler, per unit, per item, over
    any period; and the integrity reports by category (the two prohibitions)."""
    today = timezone.localdate()
    form = PeriodForm(request.GET or {"date_from": today - timedelta(days=365), "date_to": today})
    date_from = form.values["date_from"] or today - timedelta(days=365)
    date_to = form.values["date_to"] or today
    return render(
        request,
        "party/service_standard.html",
        {
            "form": form,
            "scores": selectors.service_standard_scores(user=request.user, date_from=date_from, date_to=date_to),
            "date_from": date_from,
            "date_to": date_to,
        },
    )
