"""Pages of organisations: the Party overview, the tree, one organisation (members, warnings, committee, history),
founding (also from a coverage suggestion), changes, dissolution, elections; the coverage page and its map."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lianxin.core.errors import DomainError
from lianxin.core.permissions import get_scoped_or_404, scope_to_user
from lianxin.core.web import add_service_errors
from lianxin.enterprises.models import Enterprise, Project
from lianxin.regions.models import Region
from lianxin.regions.selectors import region_list

from .. import selectors, services
from ..forms import AreaFilterForm, DissolveForm, OrganizationFilterForm, OrganizationForm, TermForm
from ..models import Organization

SERVICE_ERRORS = (DomainError, ValidationError)


@login_required
@permission_required("party.view_member", raise_exception=True)
def home(request):
    """The Party overview (党建概况): figures, what needs doing (warnings, elections, overdue steps)."""
    user = request.user
    today = timezone.localdate()
    rules = services.rules_current()
    organizations = list(selectors.organization_list(user=user, include_dissolved=False))
    warnings = []
    for organization in organizations:
        for warning in selectors.organization_health(organization, today).warnings:
            warnings.append((organization, warning))
    return render(
        request,
        "party/home.html",
        {
            "figures": selectors.home_figures(user=user, today=today),
            "totals": selectors.member_totals(user=user),
            "stages": selectors.pipeline_stage_counts(user=user),
            "warnings": warnings,
            "project_warnings": selectors.projects_without_branch(user=user, today=today),
            "terms": selectors.terms_expiring(user=user, today=today, months=rules.election_reminder_months),
            "overdue": selectors.pipeline_overdue_for(user, today)[:10],
            "today": today,
        },
    )


@login_required
@permission_required("party.view_organization", raise_exception=True)
def organization_list(request):
    """The tree of organisations with their members (each counted where the relation is held) and seconded ones;
    filtered by kind, and to those not dissolved (``active``)."""
    form = OrganizationFilterForm(request.GET, regions=region_list(user=request.user))
    values = form.values
    organizations = selectors.organization_list(
        user=request.user, include_dissolved=not values["active"], kind=values["kind"] or "", region=values["region"]
    )
    return render(
        request,
        "party/organization_list.html",
        {"organizations": organizations, "form": form, "today": timezone.localdate()},
    )


@login_required
@permission_required("party.view_organization", raise_exception=True)
def organization_detail(request, pk: int):
    user = request.user
    organization = selectors.organization_get(user=user, pk=pk)
    today = timezone.localdate()
    term = selectors.current_term(organization, today)
    return render(
        request,
        "party/organization_detail.html",
        {
            "organization": organization,
            "health": selectors.organization_health(organization, today),
            "members": selectors.organization_members(user=user, organization=organization),
            "term": term,
            "history": selectors.organization_history(user=user, organization=organization),
            "children": selectors.organization_list(user=user).filter(parent=organization),
            "project_warnings": selectors.projects_without_branch(user=user, today=today)
            if organization.kind == Organization.Kind.COMMITTEE
            else [],
            "dissolve_form": DissolveForm(initial={"on": today}),
            "can_change": user.has_perm("party.change_organization"),
            "today": today,
        },
    )


def _organization_form(request, *, data=None, initial=None, editing=False) -> OrganizationForm:
    user = request.user
    groups = region_list(user=user, level=Region.Level.VILLAGE_GROUP).select_related("parent")
    return OrganizationForm(
        data,
        initial=initial,
        organizations=selectors.organization_choices(user=user).exclude(
            kind__in=[Organization.Kind.BRANCH, Organization.Kind.JOINT_BRANCH, Organization.Kind.TEMPORARY_BRANCH]
        ),
        regions=region_list(user=user),
        groups=groups,
        projects=scope_to_user(Project.objects.all(), user),
        enterprises=scope_to_user(Enterprise.objects.all(), user),
        editing=editing,
    )


@login_required
@permission_required("party.add_organization", raise_exception=True)
def organization_create(request):
    """Found an organisation; ``?suggest_group=&suggest_project=`` pre-fills the temporary branch a coverage
    suggestion proposes."""
    user = request.user
    initial = {"founded_on": timezone.localdate()}
    suggested = None
    group_id = request.GET.get("suggest_group", "")
    if group_id.isdigit():
        group = get_scoped_or_404(
            Region.objects.select_related("parent"), user, pk=int(group_id), level=Region.Level.VILLAGE_GROUP
        )
        project_id = request.GET.get("suggest_project", "")
        project = get_scoped_or_404(Project.objects.all(), user, pk=int(project_id)) if project_id.isdigit() else None
        initial = selectors.suggestion_prefill(user=user, group=group, project=project)
        suggested = group
    form = _organization_form(request, data=request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organization = services.organization_create(
                actor=user,
                name=data["name"],
                kind=data["kind"],
                parent=data["parent"],
                region=data["region"],
                founded_on=data["founded_on"],
                founding_reason=data["founding_reason"],
                covered_groups=data["covered_groups"],
                projects=data["projects"],
                enterprises=data["enterprises"],
                party_groups=data["party_groups"] or 0,
            )
        except SERVICE_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已成立%(name)s") % {"name": organization.name})
            return redirect("party:organization-detail", pk=organization.pk)
    return render(
        request,
        "party/organization_form.html",
        {"form": form, "suggested": suggested},
        status=400 if form.errors else 200,
    )


@login_required
@permission_required("party.change_organization", raise_exception=True)
def organization_edit(request, pk: int):
    user = request.user
    organization = selectors.organization_get(user=user, pk=pk)
    initial = {
        "name": organization.name,
        "kind": organization.kind,
        "parent": organization.parent_id,
        "region": organization.region_id,
        "covered_groups": list(organization.covered_groups.values_list("pk", flat=True)),
        "projects": list(organization.projects.values_list("pk", flat=True)),
        "enterprises": list(organization.enterprises.values_list("pk", flat=True)),
        "founded_on": organization.founded_on,
        "founding_reason": organization.founding_reason,
        "party_groups": organization.party_groups,
    }
    form = _organization_form(request, data=request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.organization_update(
                organization=organization,
                actor=user,
                on=timezone.localdate(),
                name=data["name"],
                region=data["region"],
                covered_groups=data["covered_groups"],
                projects=data["projects"],
                enterprises=data["enterprises"],
                party_groups=data["party_groups"] or 0,
                reason=data.get("reason", ""),
            )
        except SERVICE_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("party:organization-detail", pk=organization.pk)
    return render(
        request,
        "party/organization_form.html",
        {"form": form, "organization": organization},
        status=400 if form.errors else 200,
    )


@login_required
@permission_required("party.change_organization", raise_exception=True)
@require_POST
def organization_dissolve(request, pk: int):
    organization = selectors.organization_get(user=request.user, pk=pk)
    form = DissolveForm(request.POST)
    if form.is_valid():
        try:
            services.organization_dissolve(organization=organization, actor=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            messages.error(request, exc.message if isinstance(exc, DomainError) else "; ".join(exc.messages))
        else:
            messages.success(request, _("已撤销%(name)s") % {"name": organization.name})
    else:
        messages.error(request, _("请填写撤销日期和原因"))
    return redirect("party:organization-detail", pk=organization.pk)


@login_required
@permission_required("party.add_committeeterm", raise_exception=True)
def term_create(request, pk: int):
    """Record an election (换届): the term and its posts."""
    user = request.user
    organization = selectors.organization_get(user=user, pk=pk)
    members = selectors.member_choices(user=user, full_only=True).filter(
        organization=organization
    ) | selectors.member_choices(user=user, full_only=True).filter(seconded_to=organization)
    form = TermForm(request.POST or None, members=members, initial={"elected_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.term_elect(
                organization=organization,
                actor=user,
                elected_on=form.cleaned_data["elected_on"],
                posts=form.posts(),
                note=form.cleaned_data["note"],
            )
        except SERVICE_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已记录换届"))
            return redirect("party:organization-detail", pk=organization.pk)
    return render(
        request,
        "party/term_form.html",
        {"form": form, "organization": organization},
        status=400 if form.errors else 200,
    )


# --- coverage ------------------------------------------------------------------------------------------------


def _coverage_project(request):
    """The project whose area is judged (?project=), or None for the whole township; the projects with land."""
    user = request.user
    projects = list(
        scope_to_user(Project.objects.filter(parcels__isnull=False).distinct(), user, aggregate=True).order_by(
            "-land_demand_mu", "pk"
        )
    )
    raw = request.GET.get("project", "")
    project = next((p for p in projects if str(p.pk) == raw), None)
    return project, projects


@login_required
@permission_required("party.view_member", raise_exception=True)
def coverage(request):
    """Coverage of the township or of a project's area: groups covered or not, who lives in those that are not,
    a suggestion for each, and the map."""
    project, projects = _coverage_project(request)
    form = AreaFilterForm(request.GET, regions=region_list(user=request.user))
    region = form.values["region"]
    result = selectors.coverage(user=request.user, project=project, region=region)
    covered = request.GET.get("covered", "")  # "1": only the groups covered, "0": only those not (read leniently)
    rows = [g for g in result.groups if covered not in ("0", "1") or g.covered == (covered == "1")]
    query = {k: v.pk for k, v in (("project", project), ("region", region)) if v is not None}
    data_url = reverse("party:coverage-geojson") + (f"?{urlencode(query)}" if query else "")
    return render(
        request,
        "party/coverage.html",
        {
            "result": result,
            "rows": rows,
            "project": project,
            "projects": projects,
            "form": form,
            "map_config": {
                "dataUrl": data_url,
                "labels": {
                    "loading": _("正在加载…"),
                    "covered": _("已覆盖"),
                    "uncovered": _("未覆盖"),
                    "none": _("所选范围的村民小组没有地块图形,见下表"),
                    "error": _("地图数据加载失败"),
                    "create": _("按建议成立临时党支部"),
                    "members": _("正式党员%(full)s名,预备党员%(probationary)s名,积极分子和发展对象%(activists)s名"),
                },
            },
        },
    )


@login_required
@permission_required("party.view_member", raise_exception=True)
@require_GET
def coverage_geojson(request):
    project, _projects = _coverage_project(request)
    region = AreaFilterForm(request.GET, regions=region_list(user=request.user)).values["region"]
    result = selectors.coverage(user=request.user, project=project, region=region)
    response = JsonResponse(selectors.coverage_features(user=request.user, result=result))
    response["Content-Type"] = "application/geo+json"
    return response
