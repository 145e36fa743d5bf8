"""Pages of employment: postings (enterprise liaisons post, cadres see them), one posting with the ranked
candidates (landless farmers first) and the proposals the enterprise accepts or declines, placements, the
hiring quotas (committed vs actual) and the employed landless farmers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianxin.core.errors import DomainError
from lianxin.core.permissions import get_scoped_or_404, scope_to_user
from lianxin.core.web import add_service_errors, page_from_request, querystring_without
from lianxin.enterprises.models import Enterprise
from lianxin.people.models import Person
from lianxin.regions.models import Region
from lianxin.regions.selectors import in_region, region_list

from .. import selectors, services
from ..forms import (
    AcceptForm,
    DeclineForm,
    PlacementFilterForm,
    PostingFilterForm,
    PostingForm,
    QuotaForm,
    YearFilterForm,
)
from ..models import HiringQuota, JobPosting, Placement
from .register import groups_of

SERVICE_ERRORS = (DomainError, ValidationError)


@login_required
@permission_required("livelihood.view_jobposting", raise_exception=True)
def posting_list(request):
    form = PostingFilterForm(request.GET)
    values = form.values
    qs = selectors.posting_list(user=request.user, status=values["status"] or "", q=values["q"] or "")
    return render(
        request,
        "livelihood/posting_list.html",
        {
            "form": form,
            "page": page_from_request(request, qs),
            "filters": querystring_without(request, "after", "before"),
        },
    )


@login_required
@permission_required("livelihood.add_jobposting", raise_exception=True)
def posting_create(request):
    user = request.user
    enterprises = scope_to_user(Enterprise.objects.all(), user)
    regions = (
        selectors.region_choices(
            user=user, levels=(Region.Level.TOWNSHIP, Region.Level.VILLAGE, Region.Level.VILLAGE_GROUP)
        )
        if not user.scope_enterprise_id
        else Region.objects.filter(pk__in=enterprises.values("region")).select_related("parent")
    )
    initial = {"starts_on": timezone.localdate()}
    if user.scope_enterprise_id:
        initial["enterprise"] = user.scope_enterprise_id
        first = regions.first()
        initial["region"] = first.pk if first else None
    form = PostingForm(request.POST or None, enterprises=enterprises, regions=regions, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            posting = services.posting_create(actor=user, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已发布岗位“%(title)s”") % {"title": posting.title})
            return redirect("livelihood:posting-detail", pk=posting.pk)
    return render(
        request,
        "livelihood/form.html",
        {
            "form": form,
            "title": _("发布招聘岗位"),
            "back": reverse("livelihood:posting-list"),
            "testid": "posting-form",
        },
        status=400 if form.errors else 200,
    )


@login_required
@permission_required("livelihood.view_jobposting", raise_exception=True)
def posting_detail(request, pk: int):
    """The posting, its proposals and placements, and — for cadres who may propose — the ranked candidates."""
    user = request.user
    posting = get_scoped_or_404(JobPosting.objects.select_related("enterprise", "region"), user, pk=pk)
    candidates = None
    if user.has_perm("livelihood.add_placement") and posting.status == JobPosting.Status.OPEN:
        candidates = selectors.match(user=user, posting=posting, limit=30)
    placements = selectors.placement_list(user=user, posting=posting).order_by("status", "-pk")
    return render(
        request,
        "livelihood/posting_detail.html",
        {
            "posting": posting,
            "candidates": candidates,
            "placements": placements,
            "accept_form": AcceptForm(
                initial={"starts_on": max(posting.starts_on, timezone.localdate()), "wage": posting.wage_min}
            ),
            "decline_form": DeclineForm(),
            "can_decide": user.has_perm("livelihood.decide_placement"),
        },
    )


@login_required
@require_POST
@permission_required("livelihood.add_placement", raise_exception=True)
def propose(request, pk: int):
    user = request.user
    posting = get_scoped_or_404(JobPosting.objects.all(), user, pk=pk)
    person_id = request.POST.get("person", "")
    if not person_id.isdigit():
        raise Http404
    person = get_scoped_or_404(Person.objects.select_related("household"), user, pk=int(person_id))
    try:
        services.placement_propose(actor=user, posting=posting, person=person, on=timezone.localdate())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已推荐%(name)s") % {"name": person.name})
    return redirect("livelihood:posting-detail", pk=posting.pk)


def _placement(request, pk: int) -> Placement:
    return get_scoped_or_404(Placement.objects.select_related("posting", "person"), request.user, pk=pk)


@login_required
@require_POST
@permission_required("livelihood.decide_placement", raise_exception=True)
def accept(request, pk: int):
    placement = _placement(request, pk)
    form = AcceptForm(request.POST)
    if form.is_valid():
        try:
            services.placement_accept(actor=request.user, placement=placement, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            messages.error(request, getattr(exc, "message", "; ".join(getattr(exc, "messages", []))))
        else:
            messages.success(request, _("已录用%(name)s") % {"name": placement.person.name})
    else:
        messages.error(
            request, "; ".join(f"{form.fields[f].label}:{e[0]}" for f, e in form.errors.items() if f in form.fields)
        )
    return redirect("livelihood:posting-detail", pk=placement.posting_id)


@login_required
@require_POST
@permission_required("livelihood.decide_placement", raise_exception=True)
def decline(request, pk: int):
    placement = _placement(request, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.placement_decline(
                actor=request.user, placement=placement, reason=form.cleaned_data["reason"], on=timezone.localdate()
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已记录未录用%(name)s及原因") % {"name": placement.person.name})
    else:
        messages.error(request, _("未录用原因:请填写未录用原因"))
    return redirect("livelihood:posting-detail", pk=placement.posting_id)


@login_required
@permission_required("livelihood.view_placement", raise_exception=True)
def placement_list(request):
    user = request.user
    form = PlacementFilterForm(request.GET, groups=groups_of(user), regions=region_list(user=user))
    values = form.values
    qs = selectors.placement_list(
        user=user,
        status=values["status"] or "",
        village_group=values["village_group"],
        employed_on=values["employed_on"],
        started_from=values["started_from"],
        started_to=values["started_to"],
    )
    qs = in_region(qs, values["region"])
    return render(
        request,
        "livelihood/placement_list.html",
        {
            "form": form,
            "page": page_from_request(request, qs),
            "filters": querystring_without(request, "after", "before"),
        },
    )


@login_required
@permission_required("livelihood.view_hiringquota", raise_exception=True)
def quotas(request):
    """Each enterprise's commitment to hire landless farmers first, against those it employed (committed vs actual)."""
    user = request.user
    years = sorted(set(scope_to_user(HiringQuota.objects.all(), user).values_list("year", flat=True)), reverse=True)
    form = YearFilterForm(request.GET, years=years or [timezone.localdate().year])
    year = form.values["year"] or (years[0] if years else timezone.localdate().year)
    quota_form = None
    if user.has_perm("livelihood.add_hiringquota"):
        quota_form = QuotaForm(
            request.POST or None, enterprises=scope_to_user(Enterprise.objects.all(), user), initial={"year": year}
        )
        if request.method == "POST" and quota_form.is_valid():
            try:
                services.quota_set(actor=user, **quota_form.cleaned_data)
            except SERVICE_ERRORS as exc:
                add_service_errors(quota_form, exc)
            else:
                messages.success(request, _("已保存优先招用指标"))
                return redirect(f"{reverse('livelihood:quotas')}?year={quota_form.cleaned_data['year']}")
    elif request.method == "POST":
        raise Http404
    rows = selectors.quota_rows(user=user, year=year)
    return render(
        request,
        "livelihood/quotas.html",
        {"form": form, "year": year, "rows": rows, "quota_form": quota_form},
        status=400 if quota_form is not None and quota_form.errors else 200,
    )


@login_required
@permission_required("livelihood.view_placement", raise_exception=True)
def employed(request):
    """Employed landless farmers now, by month, by enterprise and by village group."""
    data = selectors.employed_figures(user=request.user)
    chart = {
        "categories": [label for label, _n in data["by_month"]],
        "series": [{"name": _("在岗失地农民(人)"), "data": [n for _label, n in data["by_month"]]}],
    }
    return render(request, "livelihood/employed.html", {"data": data, "chart": chart})
