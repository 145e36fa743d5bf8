"""Pages of the land acquisition ledger (征地). Thin: parse, load through selectors, call one service, render."""

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from lianxin.core.errors import DomainError
from lianxin.core.permissions import get_scoped_or_404, require_perm, scope_to_user
from lianxin.core.web import add_service_errors, page_from_request, querystring_without
from lianxin.enterprises.models import Project
from lianxin.imports.xlsx import ExportColumn, export_response, title_prefix
from lianxin.regions.models import Region

from . import selectors, services
from .forms import (
    AgreementFilterForm,
    AgreementForm,
    AgreementStartForm,
    AttachmentForm,
    ContractRightForm,
    HandoverForm,
    HandoverOverrideForm,
    HoldingForm,
    LedgerFilterForm,
    MilestoneForm,
    OverrideDecisionForm,
    ParcelFilterForm,
    ParcelForm,
    PaymentFilterForm,
    PaymentForm,
    ProgressFilterForm,
    ReversalForm,
    StandardEndForm,
    StandardFilterForm,
    StandardForm,
    SupplementForm,
)
from .models import (
    AgreementAttachment,
    Compensation,
    ContractRight,
    Handover,
    HandoverOverride,
    Parcel,
    ProcedureMilestone,
)

SERVICE_ERRORS = (ValidationError, DomainError)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _project_or_404(user, pk) -> Project:
    project = selectors.parcel_project_choices(user=user).filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


def _filter_regions(user):
    """Townships, villages and village groups the user may filter by (a township or a village: its subtree)."""
    levels = [Region.Level.TOWNSHIP, Region.Level.VILLAGE, Region.Level.VILLAGE_GROUP]
    return scope_to_user(Region.objects.filter(level__in=levels), user)


AGREEMENT_SEARCH = _lazy("协议编号或户编号")
PAYMENT_SEARCH = _lazy("凭证号、协议编号或户编号")


def _logged_filters(values: dict) -> dict:
    """The filters as the export's security event records them (ids; whether a search was used; dates)."""
    dates = {k: v.isoformat() for k, v in values.items() if k.endswith(("_from", "_to")) and v}
    return {
        "project": values["project"] and values["project"].pk,
        "village_group": values["village_group"] and values["village_group"].pk,
        "search": bool(values["q"]),
        "unpaid": bool(values["unpaid"]),
        **dates,
    }


def _ledger_filter_form(request, form_class: type[LedgerFilterForm], placeholder: str) -> LedgerFilterForm:
    return form_class(
        request.GET,
        projects=selectors.land_project_list(user=request.user),
        village_groups=_filter_regions(request.user),
        placeholder=placeholder,
    )


# --- home ----------------------------------------------------------------------------------------


@login_required
@permission_required("land.view_parcel", raise_exception=True)
def home(request):
    """One card per project: the project's own figures (its land demand) labelled as the project's, and the
    progress within the user's scope labelled with that scope (全项目, or e.g. 甲马石村委会)."""
    projects = list(selectors.land_project_list(user=request.user))
    summaries = []
    for project in projects:
        progress = selectors.land_progress(user=request.user, project=project)
        whole = selectors.scope_covers_project(user=request.user, project=project)
        summaries.append((project, progress, None if whole else request.user.scope_label))
    return render(request, "land/home.html", {"summaries": summaries})


# --- parcels -------------------------------------------------------------------------------------


def _parcel_filter_form(request) -> ParcelFilterForm:
    projects = selectors.land_project_list(user=request.user)
    return ParcelFilterForm(
        request.GET,
        projects=projects,
        village_groups=selectors.land_village_and_group_list(user=request.user),
    )


@login_required
@permission_required("land.view_parcel", raise_exception=True)
def parcel_list(request):
    form = _parcel_filter_form(request)
    qs = selectors.parcel_list(user=request.user, **form.filters())
    page = page_from_request(request, qs)
    return render(
        request,
        "land/parcel_list.html",
        {
            "form": form,
            "page": page,
            "page_area": sum((p.area_mu for p in page.items), Decimal("0")),
            "filters": querystring_without(request, "after", "before"),
        },
    )


@login_required
@permission_required("land.view_parcel", raise_exception=True)
@require_GET
def parcel_export(request):
    """The parcel list as .xlsx under the same filters, with a 合计 row of area."""
    form = _parcel_filter_form(request)
    filters = form.filters()
    qs = selectors.parcel_list(user=request.user, **filters).order_by("-pk")
    columns = [
        ExportColumn(_("项目")),
        ExportColumn(_("地块编号"), "text"),
        ExportColumn(_("村委会")),
        ExportColumn(_("村民小组")),
        ExportColumn(_("地类编码"), "text"),
        ExportColumn(_("地类")),
        ExportColumn(_("测量面积"), "area", total=True),
        ExportColumn(_("图形计算面积"), "area", total=True),
        ExportColumn(_("状态"), "choice"),
        ExportColumn(_("测量日期"), "date"),
    ]
    rows = (
        (
            p.project.name,
            p.code,
            p.village_group.parent.name if p.village_group.parent_id else "",
            p.village_group.name,
            p.land_class.code,
            p.land_class.name,
            p.area_mu,
            p.computed_area_mu,
            p.get_status_display(),
            p.surveyed_on,
        )
        for p in qs.iterator(chunk_size=2000)
    )
    return export_response(
        request,
        list_key="land.parcels",
        title=title_prefix(request.user) + _("征地地块台账"),
        columns=columns,
        rows=rows,
        filters={
            "project": filters.get("project") and filters["project"].pk,
            "village_group": filters.get("village_group") and filters["village_group"].pk,
            "land_class": filters.get("land_class") and filters["land_class"].code,
            "status": filters.get("status", ""),
            "reached": filters.get("reached", ""),
            "handed_over_from": filters["handed_over_from"] and filters["handed_over_from"].isoformat(),
            "handed_over_to": filters["handed_over_to"] and filters["handed_over_to"].isoformat(),
        },
        back=f"{reverse('land:parcel-list')}?{request.GET.urlencode()}",
        count_unit=pgettext("count unit", "块"),
    )


@login_required
@permission_required("land.add_parcel", raise_exception=True)
def parcel_create(request):

    groups = scope_to_user(Region.objects.filter(level=Region.Level.VILLAGE_GROUP), request.user)
    projects = selectors.parcel_project_choices(user=request.user)
    form = ParcelForm(
        request.POST or None,
        projects=projects,
        village_groups=groups.select_related("parent"),
        initial={"surveyed_on": timezone.localdate(), "project": _int(request.GET.get("project"))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            parcel = services.parcel_register(actor=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            return redirect("land:parcel-detail", pk=parcel.pk)
    return render(request, "land/parcel_form.html", {"form": form})


def _parcel_context(request, parcel: Parcel, **extra) -> dict:
    holdings = list(selectors.holding_list(user=request.user, parcel=parcel))
    agreement_ids = {h.agreement_id for h in holdings if h.agreement_id}
    payments = selectors.payment_list(user=request.user).filter(agreement_id__in=agreement_ids).order_by("-pk")[:100]
    handover = Handover.objects.filter(parcel=parcel).select_related("recorded_by", "override__decided_by").first()
    overrides = list(
        scope_to_user(HandoverOverride.objects.filter(parcel=parcel), request.user).select_related(
            "proposed_by", "decided_by"
        )
    )
    pending = next((o for o in overrides if o.status == HandoverOverride.Status.PROPOSED), None)
    context = {
        "parcel": parcel,
        "holdings": holdings,
        "payments": payments,
        "handover": handover,
        "blockers": services.handover_blockers(parcel) if handover is None else [],
        "handover_form": HandoverForm(initial={"handed_over_on": timezone.localdate()}),
        "override_form": HandoverOverrideForm(initial={"handed_over_on": timezone.localdate()}),
        "decision_form": OverrideDecisionForm(),
        "overrides": overrides,
        "pending_override": pending,
        "can_decide": pending is not None
        and request.user.has_perm("land.decide_handoveroverride")
        and pending.proposed_by_id != request.user.pk,
        "holding_form": HoldingForm(initial={"share_percent": Decimal("100")}),
        "tolerance_percent": None,
    }
    context.update(extra)
    return context


@login_required
@permission_required("land.view_parcel", raise_exception=True)
def parcel_detail(request, pk: int):
    parcel = selectors.parcel_get(user=request.user, pk=pk)
    return render(request, "land/parcel_detail.html", _parcel_context(request, parcel))


@login_required
@permission_required("land.add_contractholding", raise_exception=True)
@require_POST
def holding_add(request, pk: int):
    parcel = selectors.parcel_get(user=request.user, pk=pk)
    form = HoldingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        from lianxin.people.models import Household

        candidates = list(scope_to_user(Household.objects.all(), request.user).filter(number=data["household"].strip()))
        in_group = [h for h in candidates if h.village_group_id == parcel.village_group_id]
        chosen = in_group or candidates
        if not chosen:
            form.add_error("household", _("没有找到户编号为%(number)s的户") % {"number": data["household"]})
        elif len(chosen) > 1:
            form.add_error(
                "household", _("户编号%(number)s不唯一,请先在本小组中登记该户") % {"number": data["household"]}
            )
        else:
            try:
                services.holding_add(
                    parcel=parcel,
                    household=chosen[0],
                    share_percent=data["share_percent"],
                    contract_right_ref=data["contract_right_ref"],
                    actor=request.user,
                )
            except SERVICE_ERRORS as exc:
                add_service_errors(form, exc)
            else:
                return redirect("land:parcel-detail", pk=parcel.pk)
    return render(request, "land/parcel_detail.html", _parcel_context(request, parcel, holding_form=form), status=400)


@login_required
@permission_required("land.add_handover", raise_exception=True)
@require_POST
def parcel_handover(request, pk: int):
    parcel = selectors.parcel_get(user=request.user, pk=pk)
    form = HandoverForm(request.POST)
    if form.is_valid():
        try:
            services.handover_record(parcel=parcel, actor=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("地块%(code)s已交地") % {"code": parcel.code})
            return redirect("land:parcel-detail", pk=parcel.pk)
    return render(request, "land/parcel_detail.html", _parcel_context(request, parcel, handover_form=form), status=400)


@login_required
@permission_required("land.override_handover", raise_exception=True)
@require_POST
def handover_override_propose(request, pk: int):
    """Propose handing the parcel over before every holder is paid (先行交地), for a township leader to decide."""
    parcel = selectors.parcel_get(user=request.user, pk=pk)
    form = HandoverOverrideForm(request.POST)
    if form.is_valid():
        try:
            services.handover_override_propose(parcel=parcel, actor=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已提请镇领导批准地块%(code)s先行交地") % {"code": parcel.code})
            return redirect(reverse("land:parcel-detail", args=[parcel.pk]) + "#handover")
    return render(request, "land/parcel_detail.html", _parcel_context(request, parcel, override_form=form), status=400)


@login_required
@permission_required("land.decide_handoveroverride", raise_exception=True)
@require_POST
def handover_override_decide(request, pk: int):
    """A township leader approves (the parcel is handed over) or rejects a proposal to hand over early."""
    override = get_scoped_or_404(HandoverOverride.objects.select_related("parcel"), request.user, pk=pk)
    form = OverrideDecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == OverrideDecisionForm.APPROVE
        try:
            services.handover_override_decide(
                override=override, approve=approve, note=form.cleaned_data["note"], actor=request.user
            )
        except SERVICE_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            done = _("已批准地块%(code)s先行交地") if approve else _("已驳回地块%(code)s的先行交地申请")
            messages.success(request, done % {"code": override.parcel.code})
            return redirect(reverse("land:parcel-detail", args=[override.parcel_id]) + "#handover")
    parcel = selectors.parcel_get(user=request.user, pk=override.parcel_id)
    return render(request, "land/parcel_detail.html", _parcel_context(request, parcel, decision_form=form), status=400)


# --- standards -----------------------------------------------------------------------------------


def _standard_regions(user):

    return scope_to_user(Region.objects.filter(level__in=[Region.Level.TOWNSHIP, Region.Level.VILLAGE]), user).order_by(
        "path"
    )


@login_required
@permission_required("land.view_compensationstandard", raise_exception=True)
def standard_list(request):
    form = StandardFilterForm(request.GET)
    values = form.values
    qs = selectors.standard_list(user=request.user, item=values["item"] or "", on=values["on"])
    return render(
        request,
        "land/standard_list.html",
        {
            "form": form,
            "standards": qs.order_by("item", "region__path", "land_class__sort_order", "-effective_from")[:500],
            "items": Compensation.choices,
            "end_form": StandardEndForm(),
        },
    )


@login_required
@permission_required("land.add_compensationstandard", raise_exception=True)
def standard_create(request):
    form = StandardForm(request.POST or None, regions=_standard_regions(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.standard_create(actor=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("补偿标准已保存"))
            return redirect("land:standard-list")
    return render(request, "land/standard_form.html", {"form": form})


@login_required
@permission_required("land.change_compensationstandard", raise_exception=True)
@require_POST
def standard_end(request, pk: int):
    standard = selectors.standard_get(user=request.user, pk=pk)
    form = StandardEndForm(request.POST)
    if form.is_valid():
        try:
            services.standard_end(standard=standard, actor=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            messages.error(request, getattr(exc, "message", None) or "; ".join(exc.messages))
        else:
            messages.success(request, _("已设置失效日期"))
    else:
        messages.error(request, _("请填写有效的失效日期"))
    return redirect("land:standard-list")


# --- agreements ----------------------------------------------------------------------------------


@login_required
@permission_required("land.view_agreement", raise_exception=True)
def agreement_list(request):
    form = _ledger_filter_form(request, AgreementFilterForm, AGREEMENT_SEARCH)
    qs = selectors.agreement_list(user=request.user, **form.values)
    return render(
        request,
        "land/agreement_list.html",
        {
            "form": form,
            "page": page_from_request(request, qs),
            "filters": querystring_without(request, "after", "before"),
            "projects": selectors.land_project_list(user=request.user),
            "village_groups": selectors.land_village_group_list(user=request.user),
        },
    )


@login_required
@permission_required("land.view_agreement", raise_exception=True)
@require_GET
def agreement_export(request):
    form = _ledger_filter_form(request, AgreementFilterForm, AGREEMENT_SEARCH)
    values = form.values
    qs = selectors.agreement_list(user=request.user, **values).order_by("-pk")
    columns = [
        ExportColumn(_("协议编号"), "text"),
        ExportColumn(_("项目")),
        ExportColumn(_("村民小组")),
        ExportColumn(_("户编号"), "text"),
        ExportColumn(_("户主"), "name"),
        ExportColumn(_("签订日期"), "date"),
        ExportColumn(_("按标准计算金额"), "money", total=True),
        ExportColumn(_("协商补充金额"), "money", total=True),
        ExportColumn(_("补充协议金额"), "money", total=True),
        ExportColumn(_("协议总金额"), "money", total=True),
        ExportColumn(_("已兑付金额"), "money", total=True),
        ExportColumn(_("未兑付金额"), "money", total=True),
    ]
    rows = (
        (
            a.number,
            a.project.name,
            a.village_group.name,
            a.household.number,
            a.head_name or "",
            a.signed_on,
            a.items_total,
            a.supplement_amount,
            a.supplementary_total,
            a.total_amount,
            a.paid_total,
            a.balance,
        )
        for a in qs.iterator(chunk_size=2000)
    )
    return export_response(
        request,
        list_key="land.agreements",
        title=title_prefix(request.user) + _("征地补偿协议台账"),
        columns=columns,
        rows=rows,
        filters=_logged_filters(values),
        back=f"{reverse('land:agreement-list')}?{request.GET.urlencode()}",
        count_unit=pgettext("count unit", "份"),
    )


def _attachments(data: dict) -> list[services.AttachmentCount]:
    return [
        services.AttachmentCount(unit=unit, quantity=data[name])
        for name, unit in AgreementForm.ATTACHMENT_FIELDS.items()
        if data.get(name)
    ]


@login_required
@permission_required("land.add_agreement", raise_exception=True)
def agreement_create(request):
    """Choose a project and a household; its unsigned shares come prefilled; "计算" shows the items
    computed from the standards in force on the signing date before "保存" signs."""
    projects = selectors.land_project_list(user=request.user)
    choice = AgreementStartForm(request.GET, projects=projects).values
    project = choice["project"] or projects.first()
    household_id = choice["household"]
    context: dict = {"projects": projects, "project": project, "q": choice["q"] or ""}
    if household_id is None or project is None:
        context["households"] = selectors.household_search(user=request.user, q=context["q"]) if context["q"] else []
        return render(request, "land/agreement_form.html", context)
    household = selectors.household_get(user=request.user, pk=household_id)
    holdings = list(
        selectors.holding_list(user=request.user, household=household, project=project).filter(agreement__isnull=True)
    )
    form = AgreementForm(
        request.POST or None,
        holdings=holdings,
        initial={"holdings": [str(h.pk) for h in holdings], "signed_on": timezone.localdate()},
    )
    context.update({"household": household, "holdings": holdings, "form": form})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [h for h in holdings if str(h.pk) in data["holdings"]]
        try:
            if request.POST.get("action") == "save":
                agreement = services.agreement_create(
                    project=project,
                    household=household,
                    holdings=chosen,
                    signed_on=data["signed_on"],
                    number=data["number"],
                    attachments=_attachments(data),
                    supplement_amount=data["supplement_amount"] or Decimal("0"),
                    supplement_reason=data["supplement_reason"],
                    actor=request.user,
                )
                messages.success(request, _("补偿协议%(number)s已保存") % {"number": agreement.number})
                return redirect("land:agreement-detail", pk=agreement.pk)
            quote = services.agreement_quote(
                household=household, holdings=chosen, signed_on=data["signed_on"], attachments=_attachments(data)
            )
            context["quote"] = quote
            context["quote_total"] = quote.items_total + (data["supplement_amount"] or Decimal("0"))
        except SERVICE_ERRORS as exc:
            add_service_errors(form, exc)
    return render(request, "land/agreement_form.html", context, status=400 if form.errors else 200)


def _agreement_context(request, agreement, **extra) -> dict:
    context = {
        "agreement": agreement,
        "items": agreement.items.select_related("parcel", "standard__region").order_by("id"),
        "holdings": selectors.holding_list(user=request.user).filter(agreement=agreement),
        "supplements": agreement.supplements.all(),
        "attachments": agreement.attachments.all(),
        "payments": list(selectors.payment_list(user=request.user, agreement=agreement).order_by("pk")),
        "payment_form": PaymentForm(initial={"paid_on": timezone.localdate(), "amount": agreement.balance or None}),
        "reversal_form": ReversalForm(),
        "supplement_form": SupplementForm(initial={"signed_on": timezone.localdate()}),
        "attachment_form": AttachmentForm(),
    }
    context.update(extra)
    return context


@login_required
@permission_required("land.view_agreement", raise_exception=True)
def agreement_detail(request, pk: int):
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    return render(request, "land/agreement_detail.html", _agreement_context(request, agreement))


@login_required
@permission_required("land.add_payment", raise_exception=True)
@require_POST
def payment_record(request, pk: int):
    return _agreement_form_post(request, pk, PaymentForm, services.payment_record, "payment_form", _("兑付已记录"))


@login_required
@permission_required("land.add_payment", raise_exception=True)
@require_POST
def payment_reverse(request, pk: int):
    payment = selectors.payment_get(user=request.user, pk=pk)
    form = ReversalForm(request.POST)
    if form.is_valid():
        try:
            services.payment_reverse(payment=payment, reason=form.cleaned_data["reason"], actor=request.user)
        except SERVICE_ERRORS as exc:
            messages.error(request, exc.message if isinstance(exc, DomainError) else "; ".join(exc.messages))
        else:
            messages.success(request, _("已冲销凭证%(voucher)s") % {"voucher": payment.voucher_no})
    else:
        messages.error(request, _("请填写冲销理由"))
    return redirect("land:agreement-detail", pk=payment.agreement_id)


@login_required
@permission_required("land.add_supplementaryagreement", raise_exception=True)
@require_POST
def supplement_add(request, pk: int):
    return _agreement_form_post(
        request, pk, SupplementForm, services.supplementary_agreement_add, "supplement_form", _("补充协议已保存")
    )


@login_required
@permission_required("land.add_agreementattachment", raise_exception=True)
@require_POST
def attachment_add(request, pk: int):
    return _agreement_form_post(
        request, pk, AttachmentForm, services.agreement_attachment_add, "attachment_form", _("附件已保存")
    )


def _agreement_form_post(request, pk: int, form_class, service, form_name: str, done: str):
    """A form posted from the agreement page (payment, supplement, attachment): the service writes it;
    errors come back on the same page, the form filled in as sent."""
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            service(agreement=agreement, actor=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("land:agreement-detail", pk=agreement.pk)
    context = _agreement_context(request, agreement, **{form_name: form})
    return render(request, "land/agreement_detail.html", context, status=400)


def _file_response(field_file):
    """A stored document, to a user who may see its record (media files are not served publicly)."""
    import mimetypes

    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    response = FileResponse(
        handle, content_type=content_type, as_attachment=True, filename=field_file.name.rsplit("/", 1)[-1]
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@permission_required("land.view_agreementattachment", raise_exception=True)
def attachment_file(request, pk: int):
    attachment = get_scoped_or_404(AgreementAttachment.objects.all(), request.user, pk=pk)
    return _file_response(attachment.file)


@login_required
@permission_required("land.view_proceduremilestone", raise_exception=True)
def procedure_document(request, pk: int):
    milestone = get_scoped_or_404(ProcedureMilestone.objects.exclude(document=""), request.user, pk=pk)
    _project_or_404(request.user, milestone.project_id)
    return _file_response(milestone.document)


# --- payments ------------------------------------------------------------------------------------


@login_required
@permission_required("land.view_payment", raise_exception=True)
def payment_list(request):
    form = _ledger_filter_form(request, PaymentFilterForm, PAYMENT_SEARCH)
    qs = selectors.payment_list(user=request.user, **form.values).select_related("agreement__household")
    return render(
        request,
        "land/payment_list.html",
        {
            "form": form,
            "page": page_from_request(request, qs),
            "filters": querystring_without(request, "after", "before"),
            "projects": selectors.land_project_list(user=request.user),
            "village_groups": selectors.land_village_group_list(user=request.user),
        },
    )


@login_required
@permission_required("land.view_payment", raise_exception=True)
@require_GET
def payment_export(request):
    values = _ledger_filter_form(request, PaymentFilterForm, PAYMENT_SEARCH).values
    qs = selectors.payment_list(user=request.user, **values).select_related("agreement__household").order_by("-pk")
    columns = [
        ExportColumn(_("协议编号"), "text"),
        ExportColumn(_("户编号"), "text"),
        ExportColumn(_("兑付日期"), "date"),
        ExportColumn(_("金额"), "money", total=True),
        ExportColumn(_("凭证号"), "text"),
        ExportColumn(_("收款人"), "name"),
        ExportColumn(_("收款账号"), "text"),
        ExportColumn(_("冲销的凭证号"), "text"),
        ExportColumn(_("冲销理由")),
    ]
    rows = (
        (
            p.agreement.number,
            p.agreement.household.number,
            p.paid_on,
            p.amount,
            p.voucher_no,
            p.payee_name,
            p.bank_account_masked,
            p.reverses.voucher_no if p.reverses_id else "",
            p.reason,
        )
        for p in qs.iterator(chunk_size=2000)
    )
    return export_response(
        request,
        list_key="land.payments",
        title=title_prefix(request.user) + _("征地补偿兑付台账"),
        columns=columns,
        rows=rows,
        filters=_logged_filters(values),
        back=f"{reverse('land:payment-list')}?{request.GET.urlencode()}",
        count_unit=pgettext("count unit", "笔"),
    )


# --- households ----------------------------------------------------------------------------------


@login_required
@permission_required("land.view_contractholding", raise_exception=True)
def household_detail(request, pk: int):
    household = selectors.household_get(user=request.user, pk=pk)
    right = ContractRight.objects.filter(household=household).first()
    form = ContractRightForm(
        request.POST or None,
        initial={"contracted_area_mu": right.contracted_area_mu, "certificate_no": right.certificate_no}
        if right
        else None,
    )
    if request.method == "POST":
        require_perm(request.user, "land.add_contractright")
        if form.is_valid():
            try:
                services.contract_right_set(household=household, actor=request.user, **form.cleaned_data)
            except SERVICE_ERRORS as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("承包面积已保存"))
                return redirect("land:household-detail", pk=household.pk)
    return render(
        request,
        "land/household_detail.html",
        {
            "household": household,
            "figures": selectors.household_land_figures(household),
            "holdings": selectors.holding_list(user=request.user, household=household),
            "agreements": selectors.agreement_list(user=request.user, household=household),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


# --- procedure and progress ----------------------------------------------------------------------


@login_required
@permission_required("land.view_proceduremilestone", raise_exception=True)
def procedure(request, pk: int):
    project = _project_or_404(request.user, pk)
    form = MilestoneForm(request.POST or None, request.FILES or None, initial={"step": request.GET.get("step")})
    if request.method == "POST":
        if not request.user.has_perm("land.add_proceduremilestone"):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.milestone_record(project=project, actor=request.user, **form.cleaned_data)
            except SERVICE_ERRORS as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("程序节点已保存"))
                return redirect("land:procedure", pk=project.pk)
    return render(
        request,
        "land/procedure.html",
        {"project": project, "status": selectors.procedure_status(project=project), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def progress(request, pk: int):
    """Progress of a project's acquisition, for the whole project or one village (group); the stalled list
    only for roles that may read households."""
    if not (request.user.has_perm("land.view_parcel") or request.user.has_perm("accounts.view_dashboard")):
        raise PermissionDenied
    project = _project_or_404(request.user, pk)
    form = ProgressFilterForm(request.GET, regions=_filter_regions(request.user))
    group, days = form.values["village_group"], form.values["days"]
    whole = selectors.scope_covers_project(user=request.user, project=project)
    context = {
        "form": form,
        "project": project,
        "village_group": group,
        "scope": None if whole else request.user.scope_label,
        "progress": selectors.land_progress(user=request.user, project=project, village_group=group),
        "groups": selectors.land_progress_by_group(user=request.user, project=project, village_group=group),
        "trend": selectors.land_trend(user=request.user, project=project, village_group=group),
        "days": days if days is not None else settings.LIANXIN_LAND_STALLED_DAYS,
        "filters": querystring_without(request, "after", "before"),
    }
    if request.user.has_perm("people.view_household") and request.user.has_perm("land.view_contractholding"):
        page = page_from_request(
            request, selectors.stalled_households(user=request.user, project=project, days=days, village_group=group)
        )
        parcels = selectors.stalled_parcel_ids(project=project, households=page.items, days=days)
        for household in page.items:
            household.stalled_parcel_ids = parcels.get(household.pk, [])
        context["stalled"] = page
    return render(request, "land/progress.html", context)
