"""Pages of the members' care of households and of the books: household contacts (党员联户), dues (党费), the yearly
democratic evaluation (民主评议), the local rules and campaign tags, branch secretaries' scopes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianxin.core.errors import DomainError
from lianxin.core.permissions import scope_to_user
from lianxin.core.web import add_service_errors, page_from_request, querystring_without
from lianxin.people.models import Household
from lianxin.regions.selectors import region_list

from .. import selectors, services
from ..forms import AreaFilterForm, BranchYearForm, ContactForm, DuesForm, RulesForm, SecretaryScopeForm, ThemeForm
from ..models import MemberEvaluation, Organization, SecretaryScope, Theme

SERVICE_ERRORS = (DomainError, ValidationError)


def _message(exc) -> str:
    return exc.message if isinstance(exc, DomainError) else "; ".join(exc.messages)


@login_required
@permission_required("party.view_memberhouseholdlink", raise_exception=True)
def contacts(request):
    """Every household of the project area and its contact member (党员联户), the coverage figure, and assigning
    a contact to the households ticked."""
    user = request.user
    project = selectors.main_project(user=user, aggregate=True)
    raw = request.GET.get("project", "")
    if raw.isdigit():
        from lianxin.enterprises.models import Project

        project = scope_to_user(Project.objects.filter(pk=int(raw)), user, aggregate=True).first() or project
    unlinked = request.GET.get("unlinked") == "1"
    linked = request.GET.get("linked") == "1"
    area_form = AreaFilterForm(request.GET, regions=region_list(user=user))
    region = area_form.values["region"]
    page = None
    figure = None
    links = {}
    if project is not None:
        figure = selectors.contact_coverage(user=user, project=project, region=region)
        page = page_from_request(
            request,
            selectors.household_contact_rows(
                user=user, project=project, unlinked_only=unlinked, linked_only=linked, region=region
            ),
        )
        links = selectors.contacts_for(user=user, household_ids=[h.pk for h in page.items])
        for household in page.items:
            household.contact = links.get(household.pk)
    form = None
    if user.has_perm("party.add_memberhouseholdlink"):
        form = ContactForm(members=selectors.member_choices(user=user), initial={"since": timezone.localdate()})
    return render(
        request,
        "party/contacts.html",
        {
            "project": project,
            "figure": figure,
            "page": page,
            "unlinked": unlinked,
            "form": form,
            "area_form": area_form,
            "region": region,
            "filters": querystring_without(request, "after", "before"),
        },
    )


@login_required
@permission_required("party.add_memberhouseholdlink", raise_exception=True)
@require_POST
def contacts_assign(request):
    user = request.user
    form = ContactForm(request.POST, members=selectors.member_choices(user=user))
    ids = [int(v) for v in request.POST.getlist("household") if v.isdigit()]
    households = list(scope_to_user(Household.objects.filter(pk__in=ids), user))
    if not households:
        messages.error(request, _("请勾选要联系的户"))
    elif form.is_valid():
        try:
            created = services.household_link_set(
                actor=user, member=form.cleaned_data["member"], households=households, since=form.cleaned_data["since"]
            )
        except SERVICE_ERRORS as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(request, _("已为%(n)d户指定联系党员") % {"n": len(created)})
    else:
        messages.error(request, _("请选择联系党员和起始日期"))
    return redirect(request.POST.get("next") or "party:contacts")


@login_required
@permission_required("party.view_duespayment", raise_exception=True)
def dues(request):
    """Dues per branch: who owes for which months of the year (from each member's monthly amount under the
    current rules), and recording payments."""
    user = request.user
    today = timezone.localdate()
    organizations = selectors.organization_choices(user=user, holding_only=True)
    filter_form = BranchYearForm(request.GET or {"year": today.year}, organizations=organizations)
    organization = filter_form.values["organization"] or organizations.first()
    year = filter_form.values["year"] or today.year
    rules = services.rules_current()
    members = selectors.member_choices(user=user)
    form = DuesForm(request.POST or None, members=members, initial={"paid_on": today})
    if request.method == "POST":
        if not user.has_perm("party.add_duespayment"):
            raise PermissionDenied
        if form.is_valid():
            try:
                rows = services.dues_pay(actor=user, **form.cleaned_data)
            except SERVICE_ERRORS as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已记录%(n)d个月的党费") % {"n": len(rows)})
                return redirect(f"{request.path}?{request.GET.urlencode()}")
    arrears = (
        selectors.dues_arrears(
            user=user, organization=organization, year=year, today=today, farmer_default=rules.farmer_dues
        )
        if organization
        else []
    )
    return render(
        request,
        "party/dues.html",
        {"filter_form": filter_form, "organization": organization, "year": year, "arrears": arrears, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@permission_required("party.view_memberevaluation", raise_exception=True)
def evaluations(request):
    """The yearly democratic evaluation of a branch's members (民主评议党员): grade per member."""
    user = request.user
    today = timezone.localdate()
    organizations = selectors.organization_choices(user=user, holding_only=True)
    filter_form = BranchYearForm(request.GET or {"year": today.year - 1}, organizations=organizations)
    organization = filter_form.values["organization"] or organizations.first()
    year = filter_form.values["year"] or today.year - 1
    members = (
        list(selectors.member_list(user=user, organization=organization).filter(organization=organization))
        if organization
        else []
    )
    existing = selectors.evaluations_for(user=user, organization=organization, year=year) if organization else {}
    if request.method == "POST":
        if not user.has_perm("party.add_memberevaluation"):
            raise PermissionDenied
        grades = {m: (request.POST.get(f"grade_{m.pk}", ""), request.POST.get(f"note_{m.pk}", "")) for m in members}
        try:
            count = services.evaluation_record(actor=user, organization=organization, year=year, grades=grades)
        except SERVICE_ERRORS as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(request, _("已保存%(n)d名党员的评议等次") % {"n": count})
            return redirect(f"{request.path}?{request.GET.urlencode()}")
    rows = [(m, existing.get(m.pk)) for m in members]
    return render(
        request,
        "party/evaluations.html",
        {
            "filter_form": filter_form,
            "organization": organization,
            "year": year,
            "rows": rows,
            "grades": MemberEvaluation.Grade.choices,
            "summary": selectors.evaluation_summary(user=user, year=year),
        },
    )


@login_required
@permission_required("party.view_partyrules", raise_exception=True)
def rules(request):
    """The township's local rules and the campaign tags (三强化、三项教育 …)."""
    user = request.user
    current = services.rules_current()
    form = RulesForm(request.POST or None, instance=current, prefix="rules")
    theme_form = ThemeForm(prefix="theme")
    if request.method == "POST" and "rules-notice_workdays" in request.POST:
        if not user.has_perm("party.change_partyrules"):
            raise PermissionDenied
        if form.is_valid():
            try:
                values = {name: form.cleaned_data[name] for name in form.Meta.fields}
                services.rules_update(actor=user, **values)
            except SERVICE_ERRORS as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("本地规定已保存"))
                return redirect("party:rules")
    elif request.method == "POST":
        theme_form = ThemeForm(request.POST, prefix="theme")
        if theme_form.is_valid():
            try:
                services.theme_save(actor=user, **theme_form.cleaned_data)
            except SERVICE_ERRORS as exc:
                add_service_errors(theme_form, exc)
            else:
                messages.success(request, _("已添加主题活动"))
                return redirect("party:rules")
    return render(
        request,
        "party/rules.html",
        {
            "form": form,
            "theme_form": theme_form,
            "themes": Theme.objects.all(),
            "can_change": user.has_perm("party.change_partyrules"),
        },
    )


@login_required
@permission_required("party.change_secretaryscope", raise_exception=True)
def secretaries(request):
    """Which organisation each branch secretary's account is scoped to (system administrators)."""
    from django.contrib.auth import get_user_model

    from lianxin.accounts.roles import Role

    user = request.user
    users = get_user_model().objects.filter(role=Role.BRANCH_SECRETARY, is_active=True).order_by("username")
    organizations = scope_to_user(Organization.objects.filter(dissolved_on__isnull=True), user).order_by("path")
    form = SecretaryScopeForm(request.POST or None, users=users, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        try:
            services.secretary_scope_set(actor=user, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已设置"))
            return redirect("party:secretaries")
    scopes = scope_to_user(SecretaryScope.objects.select_related("user", "organization"), user)
    return render(request, "party/secretaries.html", {"form": form, "scopes": scopes, "users": users})
