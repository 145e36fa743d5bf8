from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from lianxin.core.context_processors import MENU_PARAM
from lianxin.core.errors import DomainError
from lianxin.core.web import add_service_errors, page_from_request
from lianxin.imports.xlsx import ExportColumn, export_response, title_prefix
from lianxin.regions.models import Region
from lianxin.regions.selectors import region_list, village_group_choices

from . import selectors, services
from .forms import (
    HouseholdFilterForm,
    HouseholdForm,
    PersonDepartureForm,
    PersonForm,
    PersonRegionFilterForm,
    PersonSearchForm,
)
from .identity import resident_id_parse

# Person searches (names, resident IDs) are kept in the session, not the URL, so they never reach access logs.
SEARCH_SESSION_KEY = "people.person_search"
IGNORED_SESSION_KEY = "people.person_search_ignored"  # what the last search dropped, shown once


def _village_and_group_choices(user):
    """Townships, villages and village groups of the user's scope, for a filter that takes any of them (a township
    or a village: its groups), as a figure of the catalogue narrowed to that region counts."""
    levels = [Region.Level.TOWNSHIP, Region.Level.VILLAGE, Region.Level.VILLAGE_GROUP]
    return region_list(user=user).filter(level__in=levels)


def _household_filters(request) -> HouseholdFilterForm:
    return HouseholdFilterForm(request.GET, village_groups=_village_and_group_choices(request.user))


def _household_rows(request, form: HouseholdFilterForm):
    values = form.values
    return selectors.household_list(
        user=request.user, region=values["village_group"], q=values["q"], in_park=bool(values["in_park"])
    )


@login_required
@permission_required("people.view_household", raise_exception=True)
def household_list(request):
    form = _household_filters(request)
    qs = _household_rows(request, form)
    return render(
        request,
        "people/household_list.html",
        {"page": page_from_request(request, qs), "filters": form.querystring(), "filter_form": form},
    )


@login_required
@permission_required("people.view_household", raise_exception=True)
@require_GET
def household_export(request):
    """The household list as .xlsx: every row the list shows under the same filters, newest first."""
    form = _household_filters(request)
    values = form.values
    group, q = values["village_group"], values["q"]
    qs = _household_rows(request, form).order_by("-pk")
    columns = [
        ExportColumn(_("户编号")),
        ExportColumn(_("村委会")),
        ExportColumn(_("村民小组")),
        ExportColumn(_("住址")),
        ExportColumn(_("人数"), "int", total=True),
    ]
    rows = (
        (h.number, h.village_group.parent.name, h.village_group.name, h.address, h.member_count)
        for h in qs.iterator(chunk_size=2000)
    )
    return export_response(
        request,
        list_key="households",
        title=title_prefix(request.user) + _("户籍台账"),
        columns=columns,
        rows=rows,
        filters={
            "village_group": group.pk if group else None,
            "in_park": bool(values["in_park"]),
            "search": bool(q),  # never the search text
        },
        back=f"{reverse('people:household-list')}?{form.querystring()}",
        count_unit=pgettext("count unit", "户"),
    )


@login_required
def household_detail(request, pk: int):
    household = selectors.household_get(user=request.user, pk=pk)
    return render(
        request,
        "people/household_detail.html",
        {"household": household, "members": selectors.household_members(household=household)},
    )


@login_required
@permission_required("people.add_household", raise_exception=True)
def household_create(request):
    form = HouseholdForm(request.POST or None, village_groups=village_group_choices(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            household = services.household_create(actor=request.user, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            return redirect("people:household-detail", pk=household.pk)
    return render(request, "people/household_form.html", {"form": form})


@login_required
@permission_required("people.change_household", raise_exception=True)
def household_edit(request, pk: int):
    household = selectors.household_get(user=request.user, pk=pk)
    initial = {"village_group": household.village_group, "number": household.number, "address": household.address}
    form = HouseholdForm(request.POST or None, initial=initial, village_groups=village_group_choices(user=request.user))
    form.fields["village_group"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.household_update(
                household=household,
                number=form.cleaned_data["number"],
                address=form.cleaned_data["address"],
                actor=request.user,
            )
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            return redirect("people:household-detail", pk=household.pk)
    return render(request, "people/household_form.html", {"form": form, "household": household})


def _search_box_text(q: str) -> str:
    """What the search box shows for a stored search: a resident ID masked, so the full number never enters the page."""
    try:
        return resident_id_parse(q).masked
    except ValidationError:
        return q


def _person_search(request) -> dict:
    return request.session.get(SEARCH_SESSION_KEY, {})


@login_required
@permission_required("people.view_person", raise_exception=True)
def person_list(request):
    """人口: the search is posted and kept in this page's own session key, so paging and the export keep it;
    opening the page from the menu (``?menu=1``) starts afresh with everyone."""
    village_groups = village_group_choices(user=request.user)
    if request.method == "POST":
        if "clear" in request.POST:
            request.session.pop(SEARCH_SESSION_KEY, None)
        else:
            form = PersonSearchForm(request.POST, village_groups=village_groups)
            search = form.values
            previous = _person_search(request).get("q", "")
            if previous and search["q"] == _search_box_text(previous):  # the masked ID sent back unchanged
                search["q"] = previous
            request.session[SEARCH_SESSION_KEY] = search
            if form.ignored_fields:
                request.session[IGNORED_SESSION_KEY] = form.ignored_fields
        return redirect("people:person-list")
    if request.GET.get(MENU_PARAM):
        request.session.pop(SEARCH_SESSION_KEY, None)
        return redirect("people:person-list")
    search = _person_search(request)
    form = PersonSearchForm(
        {key: value for key, value in {**search, "q": _search_box_text(search.get("q", ""))}.items() if value},
        village_groups=village_groups,
    )
    form.is_valid()
    region_form = PersonRegionFilterForm(request.GET, regions=_village_and_group_choices(request.user))
    regions = region_form.values
    qs = selectors.person_list(
        user=request.user,
        q=search.get("q", ""),
        village_group_id=search.get("village_group"),
        ethnicity=search.get("ethnicity", ""),
        region=regions["region"],
        in_park=bool(regions["in_park"]),
    )
    return render(
        request,
        "people/person_list.html",
        {
            "page": page_from_request(request, qs),
            "form": form,
            "region_form": region_form,
            "searching": any(search.values()),
            "filters": region_form.querystring(),
            "ignored_filters": request.session.pop(IGNORED_SESSION_KEY, []) + region_form.ignored_fields,
        },
    )


@login_required
@permission_required("people.view_person", raise_exception=True)
@require_GET
def person_export(request):
    """The person list as .xlsx under the search kept in the session and the list's select filters
    (village or group, in park); IDs and phones stay masked."""
    search = _person_search(request)
    regions = PersonRegionFilterForm(request.GET, regions=_village_and_group_choices(request.user)).values
    qs = selectors.person_list(
        user=request.user,
        q=search.get("q", ""),
        village_group_id=search.get("village_group"),
        ethnicity=search.get("ethnicity", ""),
        region=regions["region"],
        in_park=bool(regions["in_park"]),
    )
    columns = [
        ExportColumn(_("村委会")),
        ExportColumn(_("村民小组")),
        ExportColumn(_("户编号")),
        ExportColumn(_("姓名"), "name"),
        ExportColumn(_("身份证号码"), "resident_id"),
        ExportColumn(_("性别"), "choice"),
        ExportColumn(_("出生日期"), "date"),
        ExportColumn(_("民族"), "choice"),
        ExportColumn(_("与户主关系"), "choice"),
        ExportColumn(_("手机号码"), "phone"),
    ]
    rows = (
        (
            p.household.village_group.parent.name,
            p.household.village_group.name,
            p.household.number,
            p.name,
            p.resident_id_masked,
            p.get_gender_display(),
            p.birth_date,
            p.get_ethnicity_display(),
            p.get_relation_display(),
            p.phone_masked,
        )
        for p in qs.defer("resident_id_ciphertext", "phone_ciphertext").order_by("-pk").iterator(chunk_size=2000)
    )
    return export_response(
        request,
        list_key="persons",
        title=title_prefix(request.user) + _("户籍人口台账"),
        columns=columns,
        rows=rows,
        # the select filters only: the search text (a name or an ID) never enters the log
        filters={
            "village_group": search.get("village_group"),
            "ethnicity": search.get("ethnicity", ""),
            "region": regions["region"] and regions["region"].pk,
            "in_park": bool(regions["in_park"]),
            "search": bool((search.get("q") or "").strip()),
        },
        back=reverse("people:person-list"),
        count_unit=pgettext("count unit", "人"),
    )


@login_required
def person_detail(request, pk: int):
    person = selectors.person_get(user=request.user, pk=pk)
    form = PersonDepartureForm(initial={"status": person.status, "left_on": person.left_on})
    return render(request, "people/person_detail.html", {"person": person, "departure_form": form})


@login_required
@permission_required("people.change_person", raise_exception=True)
@require_POST
def person_departure(request, pk: int):
    """Record a move-out or death (迁出、死亡): the retention of the ID and phone counts from that day."""
    person = selectors.person_get(user=request.user, pk=pk)
    form = PersonDepartureForm(request.POST)
    if form.is_valid():
        try:
            services.person_departure_record(
                person=person,
                status=form.cleaned_data["status"],
                left_on=form.cleaned_data["left_on"],
                actor=request.user,
            )
        except DomainError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已记录人口状态"))
            return redirect("people:person-detail", pk=person.pk)
    return render(request, "people/person_detail.html", {"person": person, "departure_form": form}, status=400)


@login_required
@permission_required("people.add_person", raise_exception=True)
def person_create(request, household_pk: int):
    household = selectors.household_get(user=request.user, pk=household_pk)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(household=household, actor=request.user, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            return redirect("people:person-detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "household": household})


@login_required
@permission_required("people.change_person", raise_exception=True)
def person_edit(request, pk: int):
    person = selectors.person_get(user=request.user, pk=pk)
    initial = {"name": person.name, "relation": person.relation, "ethnicity": person.ethnicity}
    form = PersonForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        phone = data.pop("phone")
        try:
            services.person_update(
                person=person,
                actor=request.user,
                phone=None if phone == "-" else phone,
                keep_phone=not phone,
                **data,
            )
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            return redirect("people:person-detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person, "household": person.household})


@login_required
@require_POST
def person_reveal(request, pk: int):
    """htmx: swap the masked number for the full one (permission checked and audited by the service)."""
    person = selectors.person_get(user=request.user, pk=pk)
    try:
        number = services.person_resident_id_reveal(person=person, actor=request.user)
    except DomainError as exc:
        return render(request, "people/_resident_id.html", {"person": person, "error": exc.message}, status=403)
    return render(request, "people/_resident_id.html", {"person": person, "revealed": number})
