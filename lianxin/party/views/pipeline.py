"""Pages of the development pipeline (发展党员): everyone in it with the next step and its due date, the overdue
steps (the committee's 待办), the year's plan against actual; entering an application; recording a step."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianxin.core.errors import DomainError
from lianxin.core.permissions import get_scoped_or_404
from lianxin.core.web import add_service_errors
from lianxin.regions.selectors import region_list

from .. import selectors, services
from ..forms import PipelineFilterForm, PipelineStartForm, PlanForm, StepForm
from ..models import DevelopmentStep

SERVICE_ERRORS = (DomainError, ValidationError)


@login_required
@permission_required("party.view_member", raise_exception=True)
def pipeline(request):
    """Everyone in the pipeline with stage, next step and due date (soonest first), the overdue steps, and each
    branch's development plan for the year against the members it received."""
    user = request.user
    today = timezone.localdate()
    organizations = selectors.organization_choices(user=user, branches_only=True)
    form = PipelineFilterForm(request.GET, organizations=organizations, regions=region_list(user=user))
    values = form.values
    year = values["year"] or today.year
    rows = selectors.pipeline_due_rows(
        user=user,
        stage=values["stage"] or "",
        organization=values["organization"],
        overdue_on=today if values["overdue"] else None,
        limit=500,
        region=values["region"],
    )
    return render(
        request,
        "party/pipeline.html",
        {
            "form": form,
            "rows": rows,
            "truncated": len(rows) == 500,
            "overdue": selectors.pipeline_overdue_for(user, today),
            "plans": selectors.plan_vs_actual(user=user, year=year),
            "plan_form": PlanForm(organizations=organizations, initial={"year": year})
            if user.has_perm("party.add_developmentplan")
            else None,
            "year": year,
            "today": today,
        },
    )


@login_required
@permission_required("party.add_member", raise_exception=True)
def pipeline_start(request):
    """Enter an application (递交入党申请书): the person from the population register, the branch, the date
    (past dates welcome: the same rules apply)."""
    user = request.user
    form = PipelineStartForm(
        request.POST or None,
        request.FILES or None,
        persons=selectors.person_choices(user=user),
        organizations=selectors.organization_choices(user=user, branches_only=True),
        initial={"applied_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = services.pipeline_start(
                actor=user,
                person=data["person"],
                organization=data["organization"],
                applied_on=data["applied_on"],
                note=data["note"],
                document=data["document"],
                occupation=data["occupation"],
                education=data["education"],
            )
        except SERVICE_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记%(name)s的入党申请") % {"name": member.person.name})
            return redirect("party:member-detail", pk=member.pk)
    return render(request, "party/pipeline_start.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@permission_required("party.add_developmentstep", raise_exception=True)
def step_create(request, pk: int):
    """Record a step of a person's development; a refusal names the rule and the article."""
    user = request.user
    member = selectors.member_get(user=user, pk=pk)
    sponsors = selectors.member_choices(user=user, full_only=True).filter(
        Q(organization=member.organization) | Q(seconded_to=member.organization)
    )
    form = StepForm(
        request.POST or None,
        request.FILES or None,
        sponsors=sponsors,
        initial={"step": member.next_step, "done_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.pipeline_step_record(
                actor=user,
                member=member,
                step=data["step"],
                on=data["done_on"],
                responsible=data["responsible"],
                note=data["note"],
                people=list(data["people"]),
                notice_from=data["notice_from"],
                vote=form.vote(),
                outcome=data["outcome"],
                extension_months=data["extension_months"],
                passed_review=data["passed_review"],
                document=data["document"],
            )
        except SERVICE_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            for warning in result.warnings:
                messages.warning(request, warning)
            messages.success(
                request,
                _("已登记“%(step)s”(%(date)s)")
                % {"step": result.step.get_step_display(), "date": result.step.done_on.isoformat()},
            )
            return redirect("party:member-detail", pk=member.pk)
    return render(request, "party/step_form.html", {"form": form, "member": member}, status=400 if form.errors else 200)


@login_required
@permission_required("party.view_developmentstep", raise_exception=True)
def step_document(request, pk: int):
    step = get_scoped_or_404(DevelopmentStep.objects.all(), request.user, pk=pk)
    if not step.document:
        raise Http404
    response = FileResponse(step.document.open("rb"), filename=step.document_name or "document", as_attachment=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@permission_required("party.add_developmentplan", raise_exception=True)
@require_POST
def plan_set(request):
    user = request.user
    form = PlanForm(request.POST, organizations=selectors.organization_choices(user=user, branches_only=True))
    if form.is_valid():
        try:
            services.plan_set(actor=user, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            messages.error(request, exc.message if isinstance(exc, DomainError) else "; ".join(exc.messages))
        else:
            messages.success(request, _("已保存发展计划"))
        return redirect(f"{reverse('party:pipeline')}?year={form.cleaned_data['year']}")
    messages.error(request, _("请选择党支部并填写年度和计划数"))
    return redirect("party:pipeline")
