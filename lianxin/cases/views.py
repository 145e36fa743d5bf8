from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from lianxin.core.errors import DomainError
from lianxin.core.pagination import Segment, segmented_keyset_page, segments_iterator
from lianxin.core.permissions import scope_to_user
from lianxin.core.web import add_service_errors, querystring_without
from lianxin.enterprises.models import Enterprise, Project
from lianxin.imports.xlsx import ExportColumn, export_response, title_prefix
from lianxin.people.models import Household, Person
from lianxin.regions.models import Region
from lianxin.regions.selectors import region_list

from . import report_guard, selectors, services
from .forms import (
    AcknowledgeForm,
    AssignForm,
    AttachmentForm,
    CaseFilterForm,
    CommentForm,
    DisputeForm,
    EnterpriseRequestForm,
    IncidentResultForm,
    InstructionForm,
    IntegrityReportForm,
    MediationForm,
    PartyPickForm,
    PartySearchForm,
    PatrolFilterForm,
    PatrolLogForm,
    RatingForm,
    SecurityIncidentForm,
    ServiceItemForm,
    TransitionForm,
)
from .models import LEADER_EVENT_TYPES, Case, ServiceStandardCheck

Kind, State = Case.Kind, Case.State


def _filter_form(request) -> CaseFilterForm:
    user = request.user
    enterprises = scope_to_user(Enterprise.objects.all(), user)
    return CaseFilterForm(
        request.GET,
        user=user,
        kinds=[(k, Kind(k).label) for k in selectors.visible_kinds(user)],
        regions=region_list(user=user),
        enterprises=enterprises if user.has_perm("cases.view_enterprise_request") else Enterprise.objects.none(),
        projects=scope_to_user(Project.objects.all(), user),
    )


def _filters(form: CaseFilterForm) -> dict:
    values = form.values
    figure_filters = {name: values[name] for name in CaseFilterForm.FIGURE_FILTERS}
    for name in ("resolved", "timed", "on_time", "open", "solved", "rated"):
        figure_filters[name] = bool(figure_filters[name])
    for name in ("dispute_category", "dispute_outcome", "incident_type"):
        figure_filters[name] = figure_filters[name] or ""
    return {
        **figure_filters,
        "kind": values["kind"] or "",
        "state": values["state"] or "",
        "region": values["region"],
        "assignee": values["assignee"],
        "enterprise": values["enterprise"],
        "overdue": bool(values["overdue"]),
        "q": values["q"] or "",
    }


@login_required
@permission_required("cases.view_case", raise_exception=True)
def case_list(request):
    """The cases by urgency: overdue first, then by deadline, then the ones without a running clock."""
    form = _filter_form(request)
    filters = _filters(form)
    qs = selectors.case_list_page_rows(selectors.case_list(user=request.user, **filters))
    segments = selectors.case_urgency_segments(qs, state=filters["state"], overdue=filters["overdue"])
    page = segmented_keyset_page(
        segments, after=request.GET.get("after"), before=request.GET.get("before"), size=settings.LIANXIN_PAGE_SIZE
    )
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "filters": querystring_without(request, "after", "before"),
            "today": timezone.localdate(),
            "can_register": request.user.has_perm("cases.add_case"),
            "kinds": form.fields["kind"].choices[1:],
            "show_suspects": filters["kind"] == Kind.SECURITY_INCIDENT,
        },
    )


@login_required
@permission_required("cases.view_case", raise_exception=True)
@require_GET
def case_export(request):
    """The case list as .xlsx under the same filters, in the same order (by urgency)."""
    filters = _filters(_filter_form(request))
    qs = selectors.case_list(user=request.user, **filters)
    segments = selectors.case_urgency_segments(qs, state=filters["state"], overdue=filters["overdue"])
    ordered = segments_iterator(segments)
    columns = [
        ExportColumn(_("编号")),
        ExportColumn(_("类别"), "choice"),
        ExportColumn(_("标题")),
        ExportColumn(_("所属区域")),
        ExportColumn(_("状态"), "choice"),
        ExportColumn(_("登记日期"), "date"),
        ExportColumn(_("受理日期"), "date"),
        ExportColumn(_("办理期限"), "date"),
        ExportColumn(_("承办人")),
        ExportColumn(_("满意度"), "int"),
    ]
    rows = (
        (
            c.number,
            c.get_kind_display(),
            c.title,
            c.region.name,
            c.get_state_display(),
            timezone.localtime(c.registered_at).date(),
            c.accepted_on,
            c.due_on,
            (c.assignee.get_full_name() or c.assignee.username) if c.assignee_id else "",
            c.satisfaction,
        )
        for c in ordered
    )
    logged = {k: v for k, v in filters.items() if k != "q"}
    logged.update(
        region=filters["region"] and filters["region"].pk,
        enterprise=filters["enterprise"] and filters["enterprise"].pk,
        project=filters["project"] and filters["project"].pk,
        registered_from=filters["registered_from"] and filters["registered_from"].isoformat(),
        registered_to=filters["registered_to"] and filters["registered_to"].isoformat(),
        search=bool(filters["q"].strip()),
    )
    return export_response(
        request,
        list_key="cases",
        title=title_prefix(request.user) + _("案件台账"),
        columns=columns,
        rows=rows,
        filters=logged,
        back=f"{reverse('cases:case-list')}?{request.GET.urlencode()}",
        count_unit=pgettext("count unit", "件"),
    )


def _leader_entries(case: Case, events: list) -> list[tuple]:
    """The leaders' instructions and chases on the case, each with whether the handler has answered it
    (an event of the assignee after it)."""
    entries = []
    for event in events:
        if event.type in LEADER_EVENT_TYPES:
            answered = any(e.actor_id == case.assignee_id and e.pk > event.pk for e in events if case.assignee_id)
            entries.append((event, answered))
    return entries


def _detail_context(request, case: Case) -> dict:
    user = request.user
    targets = services.allowed_targets(case, user)
    can_handle = selectors.can_handle(user, case)
    today = timezone.localdate()
    events = list(case.events.all())
    leader_entries = _leader_entries(case, events)
    return {
        "case": case,
        "parties": list(case.parties.all()),
        "events": events,
        "leader_entries": leader_entries,
        "can_instruct": case.is_open and user.has_perm("cases.instruct_case"),
        "can_acknowledge": can_handle and any(not answered for _e, answered in leader_entries),
        "instruction_form": InstructionForm(),
        "acknowledge_form": AcknowledgeForm(),
        "parcels": selectors.case_parcels(case),
        "targets": [(t, State(t).label, services.TRANSITIONS[(case.state, t)]) for t in targets],
        "can_handle": can_handle,
        "can_rate": case.state in (State.RESOLVED, State.REVISITED)
        and case.satisfaction is None
        and user.has_perm("cases.rate_case"),  # handlers record the revisit with the 回访 action instead
        "can_comment": can_handle
        or (case.kind == Kind.ENTERPRISE_REQUEST and user.has_perm("cases.submit_enterprise_request")),
        "overdue": case.overdue_on(today),
        "outcomes": Case.DisputeOutcome.choices,
        "rating_form": RatingForm(),
        "service_standard_items": ServiceStandardCheck.ITEMS,
        "comment_form": CommentForm(),
        "mediation_form": MediationForm(initial={"held_on": today}),
        "attachment_form": AttachmentForm(),
        "incident_form": IncidentResultForm(
            initial={"solved": case.solved, "suspects_caught": case.suspects_caught, "loss_value": case.loss_value}
        ),
        "assign_form": AssignForm(
            candidates=selectors.handler_candidates(case=case) if can_handle else [],
            initial={"assignee": case.assignee_id, "co_handlers": [u.pk for u in case.co_handlers.all()]},
        )
        if can_handle and case.is_open
        else None,
    }


@login_required
@permission_required("cases.view_case", raise_exception=True)
def case_detail(request, pk: int):
    case = selectors.case_get(user=request.user, pk=pk)
    return render(request, "cases/case_detail.html", _detail_context(request, case))


def _service_call(request, case: Case, call) -> None:
    try:
        call()
    except (DomainError, ValidationError) as exc:
        message = exc.message if isinstance(exc, DomainError) else "; ".join(exc.messages)
        messages.error(request, message)


@login_required
@require_POST
def case_transition(request, pk: int):
    case = selectors.case_get(user=request.user, pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("提交的内容有误,请检查后重试"))
        return redirect("cases:case-detail", pk=case.pk)
    data = form.cleaned_data
    outcome = {}
    if case.kind == Kind.DISPUTE:
        outcome["outcome"] = data["outcome"]
    if case.kind == Kind.SECURITY_INCIDENT and data["to_state"] == State.RESOLVED:
        outcome["solved"] = data["solved"]
        outcome["suspects_caught"] = data["suspects_caught"]
    if data["to_state"] == State.REVISITED and data["satisfaction"]:
        outcome["satisfaction"] = data["satisfaction"]
        outcome["comment"] = data["reason"]
    if data["to_state"] == State.REVISITED and case.kind == Kind.ENTERPRISE_REQUEST and data["service_standard_asked"]:
        outcome["service_standard"] = form.service_standard()

    def call():
        services.case_transition(
            case=case, to_state=data["to_state"], actor=request.user, reason=data["reason"], **outcome
        )
        messages.success(request, _("案件已变更为“%(state)s”") % {"state": State(data["to_state"]).label})

    _service_call(request, case, call)
    return redirect("cases:case-detail", pk=case.pk)


@login_required
@require_POST
def case_rate(request, pk: int):
    case = selectors.case_get(user=request.user, pk=pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择满意度"))
        return redirect("cases:case-detail", pk=case.pk)

    def call():
        services.case_rate(
            case=case,
            actor=request.user,
            satisfaction=form.cleaned_data["satisfaction"],
            comment=form.cleaned_data["comment"],
            service_standard=form.service_standard() if case.kind == Kind.ENTERPRISE_REQUEST else None,
        )
        messages.success(request, _("感谢您的评价"))

    _service_call(request, case, call)
    return redirect("cases:case-detail", pk=case.pk)


@login_required
@require_POST
def case_comment(request, pk: int):
    case = selectors.case_get(user=request.user, pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        _service_call(
            request, case, lambda: services.case_comment(case=case, actor=request.user, text=form.cleaned_data["text"])
        )
    else:
        messages.error(request, _("请填写办理意见"))
    return redirect("cases:case-detail", pk=case.pk)


@login_required
@require_POST
def case_assign(request, pk: int):
    case = selectors.case_get(user=request.user, pk=pk)
    if not selectors.can_handle(request.user, case):
        raise PermissionDenied
    form = AssignForm(request.POST, candidates=selectors.handler_candidates(case=case))
    if form.is_valid():
        _service_call(
            request,
            case,
            lambda: services.case_assign(
                case=case,
                actor=request.user,
                assignee=form.cleaned_data["assignee"],
                co_handlers=form.cleaned_data["co_handlers"],
            ),
        )
    else:
        messages.error(request, _("请选择有权办理此案件的承办人"))
    return redirect("cases:case-detail", pk=case.pk)


@login_required
@permission_required("cases.instruct_case", raise_exception=True)
@require_POST
def case_instruct(request, pk: int):
    """A leader's instruction (批示) or chase (督办): a line of the history, in the handler's 待办 until answered."""
    case = selectors.case_get(user=request.user, pk=pk)
    form = InstructionForm(request.POST)
    if form.is_valid():

        def call():
            event = services.case_instruct(case=case, actor=request.user, **form.cleaned_data)
            messages.success(request, _("已%(type)s,承办人将在待办中看到") % {"type": event.get_type_display()})

        _service_call(request, case, call)
    else:
        messages.error(request, _("请选择批示或督办"))
    return redirect(reverse("cases:case-detail", args=[case.pk]) + "#instructions")


@login_required
@require_POST
def case_acknowledge(request, pk: int):
    """The handler answers the leaders' instructions and chases on the case (回复)."""
    case = selectors.case_get(user=request.user, pk=pk)
    form = AcknowledgeForm(request.POST)
    form.is_valid()
    _service_call(
        request,
        case,
        lambda: services.case_acknowledge(case=case, actor=request.user, text=form.cleaned_data.get("text", "")),
    )
    return redirect(reverse("cases:case-detail", args=[case.pk]) + "#instructions")


@login_required
@require_POST
def mediation_add(request, pk: int):
    case = selectors.case_get(user=request.user, pk=pk)
    form = MediationForm(request.POST)
    if form.is_valid():
        _service_call(
            request, case, lambda: services.mediation_record(case=case, actor=request.user, **form.cleaned_data)
        )
    else:
        messages.error(request, _("调解记录填写不完整:请填写日期、地点、参加人员和调解情况"))
    return redirect("cases:case-detail", pk=case.pk)


@login_required
@require_POST
def attachment_add(request, pk: int):
    case = selectors.case_get(user=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        _service_call(
            request,
            case,
            lambda: services.attachment_add(case=case, actor=request.user, upload=form.cleaned_data["file"]),
        )
    else:
        messages.error(request, _("请选择要上传的文件"))
    return redirect("cases:case-detail", pk=case.pk)


@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    from django.http import FileResponse

    case = selectors.case_get(user=request.user, pk=pk)
    attachment = case.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"), filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def incident_result(request, pk: int):
    case = selectors.case_get(user=request.user, pk=pk)
    form = IncidentResultForm(request.POST)
    if form.is_valid():
        _service_call(
            request, case, lambda: services.security_incident_update(case=case, actor=request.user, **form.cleaned_data)
        )
    else:
        messages.error(request, _("抓获人数须为不小于0的整数"))
    return redirect("cases:case-detail", pk=case.pk)


@login_required
@permission_required("cases.view_dispute", raise_exception=True)
def mediation_agreement(request, pk: int):
    """The printable mediation agreement (人民调解协议书, .docx) of a dispute that reached agreement."""
    from lianxin.core.documents import OfficialDocument, chinese_date

    case = selectors.case_get(user=request.user, pk=pk)
    if case.kind != Kind.DISPUTE:
        raise Http404
    sessions = list(case.mediations.all())
    if not sessions:
        messages.error(request, _("尚未记录调解,记录调解后才能生成调解协议书"))
        return redirect("cases:case-detail", pk=case.pk)
    doc = OfficialDocument(_("人民调解协议书"), subtitle=case.number)
    doc.heading(_("一、当事人"))
    parties = list(case.parties.all())
    rows = [[party.get_role_display(), *_party_name_and_place(party)] for party in parties]
    if rows:
        doc.table([_("身份"), _("姓名/名称"), _("住所地")], rows)
    else:
        doc.paragraph(_("(未登记当事人)"))
    doc.heading(_("二、纠纷简要情况"))
    doc.paragraph(case.description)
    for session in sessions:
        doc.paragraph(
            _("%(date)s在%(place)s调解,参加人员:%(who)s。%(summary)s")
            % {
                "date": chinese_date(session.held_on),
                "place": session.place,
                "who": session.participants,
                "summary": session.summary,
            }
        )
    doc.heading(_("三、经调解,自愿达成如下协议"))
    doc.paragraph(case.result or _("(协议内容待填写)"))
    doc.paragraph(_("本协议一式三份,当事人各执一份,人民调解委员会留存一份,自各方签字之日起生效。"))
    # One signature line per party, named, so every party of the dispute signs under its own name.
    signatures = [
        (_("%(role)s %(name)s(签名)") % {"role": party.get_role_display(), "name": _party_name_and_place(party)[0]}, "")
        for party in parties
    ] or [(_("当事人(签名)"), ""), (_("当事人(签名)"), "")]
    signatures.append((_("人民调解员(签名)"), (case.assignee.get_full_name() if case.assignee_id else "")))
    signatures.append((_("日期"), chinese_date(timezone.localdate())))
    doc.signatures(signatures)
    return doc.response(_("人民调解协议书_%(number)s.docx") % {"number": case.number})


def _party_name_and_place(party) -> tuple[str, str]:
    """A party's name (a household by its head) and where it lives or sits, for the mediation agreement."""
    if party.person_id:
        return party.person.name, party.person.household.village_group.name
    if party.household_id:
        head = party.household.members.filter(relation="head").first()
        return (head.name if head else str(party.household)), party.household.village_group.name
    if party.enterprise_id:
        return party.enterprise.name, party.enterprise.region.name
    return party.name, ""


# --- registration ------------------------------------------------------------------------------------------


def _households(user):
    head = Person.objects.filter(household=OuterRef("pk"), relation=Person.Relation.HEAD).values("name")[:1]
    return scope_to_user(Household.objects.select_related("village_group"), user).annotate(head_name=Subquery(head))


def _parcels(user):
    from lianxin.land.models import Parcel

    return scope_to_user(Parcel.objects.all(), user)


@login_required
def case_create(request):
    """Register a case of one kind; ``?kind=dispute&household=<id>&parcel=<id>`` pre-fills a dispute."""
    kind = request.GET.get("kind") or Kind.DISPUTE
    user = request.user
    if kind == Kind.ENTERPRISE_REQUEST:
        return enterprise_request_create(request)
    if kind == Kind.INTEGRITY_REPORT:
        return redirect("cases:report")
    if kind not in Kind.values or not (
        user.has_perm("cases.add_case") and user.has_perm(selectors.KIND_VIEW_PERMISSIONS[kind])
    ):
        raise PermissionDenied(_("您的角色无权登记此类案件"))
    regions = region_list(user=user)
    if kind == Kind.DISPUTE:
        parcels = _parcels(user)
        initial = {
            "households": request.GET.getlist("household"),
            "persons": request.GET.getlist("person"),
            "parcels": request.GET.getlist("parcel"),
            "dispute_category": Case.DisputeCategory.LAND_COMPENSATION if request.GET.getlist("parcel") else "",
        }
        households = _households(user)
        if initial["households"]:
            ids = [h for h in initial["households"] if h.isdigit() and int(h) < 2**31]
            first = households.filter(pk__in=ids).first()
            if first:
                initial["region"] = first.village_group_id
                initial["title"] = _("%(group)s%(house)s户征地补偿纠纷") % {
                    "group": first.village_group.name,
                    "house": first.head_name or first.number,
                }
        form = DisputeForm(
            request.POST or None,
            initial=initial,
            regions=regions,
            households=households,
            persons=scope_to_user(Person.objects.all(), user),
            enterprises=scope_to_user(Enterprise.objects.all(), user),
            parcels=parcels,
            projects=scope_to_user(Project.objects.all(), user),
        )
    else:
        form = SecurityIncidentForm(
            request.POST or None, regions=regions, initial={"occurred_on": timezone.localdate()}
        )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if kind == Kind.DISPUTE:
                case = services.dispute_register(
                    actor=user,
                    title=data["title"],
                    description=data["description"],
                    region=data["region"],
                    category=data["dispute_category"],
                    parties=form.parties(),
                    parcels=data["parcels"],
                    project=data["project"],
                )
            else:
                case = services.security_incident_register(actor=user, **data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记,编号%(number)s") % {"number": case.number})
            return redirect("cases:case-detail", pk=case.pk)
    context = {"form": form, "kind": kind, "kind_label": Kind(kind).label}
    if kind == Kind.DISPUTE:
        ids = [i for i in (form["parcels"].value() or []) if str(i).isdigit() and int(i) < 2**31]
        context["selected_parcels"] = list(form.fields["parcels"].queryset.filter(pk__in=ids))
        context["picked"] = {
            side: [
                option
                for party_kind, ids in form.picked_ids(side).items()
                for option in selectors.party_options(user=user, kind=party_kind, ids=ids)
            ]
            for side in ("applicant", "respondent")
        }
        return render(request, "cases/dispute_form.html", context, status=400 if form.errors else 200)
    return render(request, "cases/case_form.html", context)


@login_required
@require_POST
def party_search(request):
    """The dispute form's picker (htmx): households, persons and enterprises in scope matching the typed text.
    POSTed, so a name typed in never lands in a URL or an access log."""
    if not (request.user.has_perm("cases.add_case") and request.user.has_perm("cases.view_dispute")):
        raise PermissionDenied
    form = PartySearchForm(request.POST)
    if not form.is_valid():
        return render(request, "cases/_party_results.html", {"options": [], "q": ""})
    side = form.cleaned_data["side"]
    kinds = ("household", "person") if side == "applicant" else selectors.PARTY_KINDS
    options = selectors.party_search(user=request.user, q=form.cleaned_data["q"], kinds=kinds)
    return render(request, "cases/_party_results.html", {"options": options, "q": form.cleaned_data["q"], "side": side})


@login_required
@require_POST
def party_pick(request):
    """One chosen party as a chip (htmx): a ticked box named after the form field of its kind and side."""
    if not (request.user.has_perm("cases.add_case") and request.user.has_perm("cases.view_dispute")):
        raise PermissionDenied
    form = PartyPickForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=204)
    data = form.cleaned_data
    options = selectors.party_options(user=request.user, kind=data["kind"], ids=[data["id"]])
    if not options:
        return HttpResponse(status=204)
    return render(request, "cases/_party_chip.html", {"option": options[0], "side": data["side"]})


@login_required
def enterprise_request_create(request):
    """The enterprise liaison submits a request against the service catalogue (企业诉求)."""
    user = request.user
    if user.has_perm("cases.submit_enterprise_request") and user.scope_enterprise_id:
        enterprises = Enterprise.objects.filter(pk=user.scope_enterprise_id)
    elif user.has_perm("cases.add_case") and user.has_perm("cases.view_enterprise_request"):
        enterprises = scope_to_user(Enterprise.objects.all(), user)
    else:
        raise PermissionDenied(_("您的角色无权提交企业诉求"))
    items = selectors.service_item_list(user=user, active_only=True)
    form = EnterpriseRequestForm(request.POST or None, items=items, enterprises=enterprises)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.enterprise_request_submit(actor=user, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("诉求已提交,编号%(number)s;受理后%(days)s个工作日内办结")
                % {"number": case.number, "days": case.service_item.time_limit_workdays},
            )
            return redirect("cases:case-detail", pk=case.pk)
    return render(
        request,
        "cases/case_form.html",
        {"form": form, "kind": Kind.ENTERPRISE_REQUEST, "kind_label": Kind.ENTERPRISE_REQUEST.label, "items": items},
    )


# --- catalogue and patrols ---------------------------------------------------------------------------------


@login_required
@permission_required("cases.view_serviceitem", raise_exception=True)
def service_item_list(request):
    form = ServiceItemForm(request.POST or None) if request.user.has_perm("cases.add_serviceitem") else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.service_item_save(actor=request.user, **form.cleaned_data)
            except (ValidationError, DomainError) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("服务事项已保存"))
                return redirect("cases:service-item-list")
    return render(
        request,
        "cases/service_item_list.html",
        {"items": selectors.service_item_list(user=request.user), "form": form},
    )


@login_required
@permission_required("cases.change_serviceitem", raise_exception=True)
def service_item_edit(request, pk: int):
    item = selectors.service_item_list(user=request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    form = ServiceItemForm(request.POST or None, initial=ServiceItemForm.initial_for(item))
    if request.method == "POST" and form.is_valid():
        try:
            services.service_item_save(actor=request.user, item=item, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("服务事项已保存"))
            return redirect("cases:service-item-list")
    return render(request, "cases/service_item_form.html", {"form": form, "item": item})


@login_required
@permission_required("cases.view_patrollog", raise_exception=True)
def patrol_log_list(request):
    """Joint-defence patrols by date, newest first (the day patrolled, not the day typed in)."""
    filter_form = PatrolFilterForm(request.GET, regions=region_list(user=request.user))
    values = filter_form.values
    qs = selectors.patrol_log_list(
        user=request.user,
        region=values["region"],
        patrolled_from=values["patrolled_from"],
        patrolled_to=values["patrolled_to"],
    )
    page = segmented_keyset_page(
        [Segment(qs, "patrolled_on", descending=True)],
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=settings.LIANXIN_PAGE_SIZE,
    )
    form = None
    if request.user.has_perm("cases.add_patrollog"):
        form = PatrolLogForm(
            request.POST or None, regions=region_list(user=request.user), initial={"patrolled_on": timezone.localdate()}
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.patrol_log_record(actor=request.user, **form.cleaned_data)
            except (ValidationError, DomainError) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("巡逻记录已保存"))
                return redirect("cases:patrol-list")
    return render(
        request,
        "cases/patrol_list.html",
        {
            "filter_form": filter_form,
            "page": page,
            "filters": querystring_without(request, "after", "before"),
            "form": form,
        },
    )


# --- integrity reports without an account ---------------------------------------------------------------


def _public_regions():
    return Region.objects.filter(level__in=[Region.Level.TOWNSHIP, Region.Level.VILLAGE]).order_by("path")


def integrity_report_create(request):
    """Anyone, signed in or not, may report a cadre asking for favours (廉政举报); anonymous by default.

    The form carries a CSRF token (the middleware checks it), a human check and a honeypot;
    submissions are rate-limited per client and for everyone together (report_guard)."""
    if request.method == "POST" and not report_guard.attempt_allowed(request):
        response = render(request, "cases/report_limited.html", status=429)
        response["Retry-After"] = str(report_guard.retry_after_seconds())
        return response
    form = IntegrityReportForm(request.POST or None, regions=_public_regions())
    if request.method == "POST" and form.is_valid():
        data = {
            k: v for k, v in form.cleaned_data.items() if k not in ("challenge_answer", "challenge_token", "website")
        }
        actor = request.user if request.user.is_authenticated else None
        try:
            case, code, passphrase = services.integrity_report_submit(actor=actor, **data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            report_guard.report_accepted()
            response = render(
                request, "cases/report_done.html", {"number": case.number, "code": code, "passphrase": passphrase}
            )
            response["Cache-Control"] = "no-store"
            return response
    form.show_challenge(report_guard.challenge_new())
    response = render(request, "cases/report_form.html", {"form": form})
    response["Cache-Control"] = "no-store"
    return response


def integrity_report_track(request):
    """Follow a report with its tracking code and passphrase, no account needed; attempts are rate-limited."""
    from .forms import TrackForm
    from .tracking import attempt_allowed

    form = TrackForm(request.POST or None)
    case = None
    if request.method == "POST" and form.is_valid():
        if not attempt_allowed(request):
            form.add_error(None, _("查询过于频繁,请15分钟后再试"))
        else:
            case = services.integrity_report_track(
                code=form.cleaned_data["code"], passphrase=form.cleaned_data["passphrase"]
            )
            if case is None:
                form.add_error(None, _("查询码或查询密码不正确"))
    events = []
    if case is not None:
        events = [e for e in case.events.all() if e.type == e.Type.TRANSITION]
    response = render(request, "cases/track.html", {"form": form, "case": case, "events": events})
    response["Cache-Control"] = "no-store"
    return response
