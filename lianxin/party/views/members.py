"""Pages of members: the roster (filters, masked export), one member (details, timeline, transfers, contacts, dues,
evaluations, study hours), registering a member who joined before, transfers, secondment, leaving."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from lianxin.core.errors import DomainError
from lianxin.core.web import add_service_errors, page_from_request, querystring_without
from lianxin.imports.xlsx import ExportColumn, export_response, title_prefix
from lianxin.regions.models import Region
from lianxin.regions.selectors import region_list

from .. import selectors, services
from ..forms import (
    LeaveForm,
    MemberAccountForm,
    MemberDetailsForm,
    MemberFilterForm,
    MemberRegisterForm,
    SecondForm,
    StepForm,
    StopForm,
    ThoughtReportForm,
    TransferForm,
)
from ..models import Language, Member, Organization

SERVICE_ERRORS = (DomainError, ValidationError)


def _filter_form(request) -> MemberFilterForm:
    user = request.user
    return MemberFilterForm(
        request.GET,
        organizations=selectors.organization_choices(user=user),
        groups=region_list(user=user, level=Region.Level.VILLAGE_GROUP).select_related("parent"),
        languages=Language.objects.all(),
        regions=region_list(user=user),
    )


def _filtered(request, form: MemberFilterForm):
    values = form.values
    return selectors.member_list(
        user=request.user,
        organization=values["organization"],
        stage=values["stage"] or "",
        status=values["status"] or ("" if "status" in request.GET else Member.Status.ACTIVE),
        village_group=values["village_group"].pk if values["village_group"] else None,
        language=values["language"].pk if values["language"] else None,
        q=values["q"] or "",
        admitted_from=values["admitted_from"],
        admitted_to=values["admitted_to"],
        region=values["region"],
    )


@login_required
@permission_required("party.view_member", raise_exception=True)
def member_list(request):
    """The roster (党员花名册): each person once, with the branch holding the relation and where seconded."""
    form = _filter_form(request)
    qs = _filtered(request, form)
    return render(
        request,
        "party/member_list.html",
        {
            "page": page_from_request(request, qs),
            "form": form,
            "filters": querystring_without(request, "after", "before"),
            "export_query": querystring_without(request, "after", "before"),
            "totals": selectors.member_totals(user=request.user),
        },
    )


@login_required
@permission_required("party.export_member", raise_exception=True)
@require_GET
def member_export(request):
    """The roster as .xlsx under the same filters; resident IDs masked, the export recorded as a security event."""
    form = _filter_form(request)
    qs = _filtered(request, form).prefetch_related("languages").order_by("organization__path", "-stage", "pk")
    columns = [
        ExportColumn(_("姓名"), "name"),
        ExportColumn(_("身份证号码"), "resident_id"),
        ExportColumn(_("性别"), "choice"),
        ExportColumn(_("民族"), "choice"),
        ExportColumn(_("组织关系所在党组织")),
        ExportColumn(_("选派到")),
        ExportColumn(_("人员类别"), "choice"),
        ExportColumn(_("入党申请日期"), "date"),
        ExportColumn(_("入党日期"), "date"),
        ExportColumn(_("转为正式党员日期"), "date"),
        ExportColumn(_("党内职务")),
        ExportColumn(_("学历"), "choice"),
        ExportColumn(_("职业"), "choice"),
        ExportColumn(_("使用语言")),
        ExportColumn(_("居住村民小组")),
        ExportColumn(_("状态"), "choice"),
    ]
    rows = (
        (
            m.person.name,
            m.person.resident_id_masked,
            m.person.get_gender_display(),
            m.person.get_ethnicity_display(),
            m.organization.name,
            m.seconded_to.name if m.seconded_to_id else "",
            m.get_stage_display(),
            m.applied_on,
            m.joined_on,
            m.full_on,
            m.party_post,
            m.get_education_display(),
            m.get_occupation_display(),
            "、".join(lang.name for lang in m.languages.all()),
            _("不在本镇居住(%(place)s)") % {"place": m.residence}
            if m.non_resident
            else m.person.household.village_group.name,
            m.get_status_display(),
        )
        for m in qs.iterator(chunk_size=2000)
    )
    values = form.values
    return export_response(
        request,
        list_key="party_members",
        title=title_prefix(request.user) + _("党员花名册"),
        columns=columns,
        rows=rows,
        filters={
            "organization": values["organization"].pk if values["organization"] else None,
            "stage": values["stage"] or "",
            "status": values["status"] or "",
            "search": bool((values["q"] or "").strip()),
        },
        back=f"{reverse('party:member-list')}?{request.GET.urlencode()}",
        count_unit=pgettext("count unit", "人"),
    )


@login_required
@permission_required("party.view_member", raise_exception=True)
def member_detail(request, pk: int):
    """One person: details, the branch holding the relation and where seconded, the whole timeline, transfers,
    households contacted, dues, evaluations, study hours; the next step's form for people in the pipeline."""
    user = request.user
    member = selectors.member_get(user=user, pk=pk)
    today = timezone.localdate()
    rules = services.rules_current()
    timeline = services.timeline_of(member)
    sponsors = selectors.member_choices(user=user, full_only=True).filter(
        Q(organization=member.organization) | Q(seconded_to=member.organization)
    )
    step_form = StepForm(sponsors=sponsors, initial={"step": member.next_step, "done_on": today})
    from ..rules import monthly_dues

    study = selectors.study_hours_by_member(year=today.year, members=[member.pk]).get(member.pk)
    return render(
        request,
        "party/member_detail.html",
        {
            "member": member,
            "timeline": selectors.timeline_rows(member),
            "training": (timeline.training_days, timeline.training_hours),
            "transfers": member.transfers.select_related("from_organization", "to_organization", "recorded_by"),
            "links": member.household_links.filter(until__isnull=True).select_related("household__village_group"),
            "dues": member.dues_payments.order_by("-month", "-id")[:24],
            "monthly_dues": monthly_dues(
                member.dues_category, member.monthly_income, member.dues_fixed, rules.farmer_dues
            ),
            "evaluations": member.evaluations.order_by("-year"),
            "study_hours": study or 0,
            "study_required": rules.study_hours_per_year,
            "posts": member.posts.select_related("term__organization").order_by("-term__elected_on"),
            "thought_report_due": services.thought_report_due(member),
            "step_form": step_form if member.in_pipeline and user.has_perm("party.add_developmentstep") else None,
            "stop_form": StopForm(initial={"on": today}),
            "thought_form": ThoughtReportForm(initial={"submitted_on": today}),
            "can_change": user.has_perm("party.change_member"),
            "can_see_person": user.has_perm("people.view_person"),
            "today": today,
        },
    )


def _details_initial(member: Member) -> dict:
    return {
        "party_post": member.party_post,
        "education": member.education,
        "occupation": member.occupation,
        "languages": list(member.languages.values_list("pk", flat=True)),
        "non_resident": member.non_resident,
        "residence": member.residence,
        "dues_category": member.dues_category,
        "monthly_income": member.monthly_income,
        "dues_fixed": member.dues_fixed,
    }


@login_required
@permission_required("party.change_member", raise_exception=True)
def member_edit(request, pk: int):
    member = selectors.member_get(user=request.user, pk=pk)
    form = MemberDetailsForm(request.POST or None, initial=_details_initial(member), languages=Language.objects.all())
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(
                actor=request.user, member=member, languages=form.cleaned_data["languages"], **form.details()
            )
        except SERVICE_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("party:member-detail", pk=member.pk)
    return render(
        request, "party/member_form.html", {"form": form, "member": member}, status=400 if form.errors else 200
    )


@login_required
@permission_required("party.add_member", raise_exception=True)
def member_create(request):
    """Put a member who joined earlier (or is transferring in) on the books: picked from the population register
    by resident ID, dates checked under the pipeline's rules."""
    user = request.user
    form = MemberRegisterForm(
        request.POST or None,
        persons=selectors.person_choices(user=user),
        organizations=selectors.organization_choices(user=user, holding_only=True),
        languages=Language.objects.all(),
        initial={"dues_category": Member.DuesCategory.FARMER},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member, warnings = services.member_register(
                actor=user,
                person=data["person"],
                organization=data["organization"],
                stage=data["stage"],
                joined_on=data["joined_on"],
                applied_on=data["applied_on"],
                full_on=data["full_on"],
                extended_months=data["extended_months"] or 0,
                languages=data["languages"],
                **form.details(),
            )
        except SERVICE_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            for warning in warnings:
                messages.warning(request, warning)
            messages.success(request, _("%(name)s已登记") % {"name": member.person.name})
            return redirect("party:member-detail", pk=member.pk)
    return render(
        request, "party/member_form.html", {"form": form, "creating": True}, status=400 if form.errors else 200
    )


@login_required
@permission_required("party.add_membershiptransfer", raise_exception=True)
def member_transfer(request, pk: int):
    user = request.user
    member = selectors.member_get(user=user, pk=pk)
    form = TransferForm(
        request.POST or None,
        organizations=selectors.organization_choices(user=user, holding_only=True).exclude(pk=member.organization_id),
        initial={"on": timezone.localdate(), "direction": "internal"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.member_transfer(
                actor=user,
                member=member,
                direction=data["direction"],
                on=data["on"],
                to_organization=data["to_organization"],
                external_unit=data["external_unit"],
                letter_number=data["letter_number"],
                reason=data["reason"],
            )
        except SERVICE_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已办理组织关系转接"))
            return redirect("party:member-detail", pk=member.pk)
    return render(
        request,
        "party/member_action.html",
        {"form": form, "member": member, "title": _("组织关系转接")},
        status=400 if form.errors else 200,
    )


@login_required
@permission_required("party.change_member", raise_exception=True)
def member_second(request, pk: int):
    user = request.user
    member = selectors.member_get(user=user, pk=pk)
    form = SecondForm(
        request.POST or None,
        organizations=selectors.organization_choices(user=user).filter(kind=Organization.Kind.TEMPORARY_BRANCH),
        initial={"on": timezone.localdate(), "seconded_to": member.seconded_to_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.member_second(
                actor=user, member=member, to=form.cleaned_data["seconded_to"], on=form.cleaned_data["on"]
            )
        except SERVICE_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存选派"))
            return redirect("party:member-detail", pk=member.pk)
    return render(
        request,
        "party/member_action.html",
        {"form": form, "member": member, "title": _("选派到临时党支部")},
        status=400 if form.errors else 200,
    )


@login_required
@permission_required("party.change_member", raise_exception=True)
def member_leave(request, pk: int):
    member = selectors.member_get(user=request.user, pk=pk)
    form = LeaveForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.member_leave(actor=request.user, member=member, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记"))
            return redirect("party:member-detail", pk=member.pk)
    return render(
        request,
        "party/member_action.html",
        {"form": form, "member": member, "title": _("党员离开")},
        status=400 if form.errors else 200,
    )


@login_required
@permission_required("party.change_member", raise_exception=True)
def member_account(request, pk: int):
    """Link the member to their own account (or unlink), so a follow-up handed to them reaches their 待办."""
    member = selectors.member_get(user=request.user, pk=pk)
    form = MemberAccountForm(request.POST or None, member=member, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_account_set(actor=request.user, member=member, account=form.cleaned_data["account"])
        except SERVICE_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("party:member-detail", pk=member.pk)
    return render(
        request,
        "party/member_action.html",
        {"form": form, "member": member, "title": _("关联系统账号"), "submit_class": "btn-primary"},
        status=400 if form.errors else 200,
    )


@login_required
@permission_required("party.add_thoughtreport", raise_exception=True)
@require_POST
def thought_report_add(request, pk: int):
    member = selectors.member_get(user=request.user, pk=pk)
    form = ThoughtReportForm(request.POST)
    if form.is_valid():
        try:
            services.thought_report_record(actor=request.user, member=member, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            messages.error(request, exc.message if isinstance(exc, DomainError) else "; ".join(exc.messages))
        else:
            messages.success(request, _("已登记思想汇报"))
    return redirect("party:member-detail", pk=member.pk)


@login_required
@permission_required("party.change_member", raise_exception=True)
@require_POST
def pipeline_stop(request, pk: int):
    member = selectors.member_get(user=request.user, pk=pk)
    form = StopForm(request.POST)
    if form.is_valid():
        try:
            services.pipeline_stop(actor=request.user, member=member, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            messages.error(request, exc.message if isinstance(exc, DomainError) else "; ".join(exc.messages))
        else:
            messages.success(request, _("已终止发展"))
    else:
        messages.error(request, _("请填写日期和原因"))
    return redirect("party:member-detail", pk=member.pk)
