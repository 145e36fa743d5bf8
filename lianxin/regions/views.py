from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from lianxin.core.errors import DomainError
from lianxin.core.web import add_service_errors

from . import selectors, services
from .forms import RegionFilterForm, RegionForm
from .models import Region


@login_required
@permission_required("regions.view_region", raise_exception=True)
def region_list(request):
    parents = selectors.region_list(user=request.user).exclude(level=Region.Level.VILLAGE_GROUP)
    form = RegionFilterForm(request.GET, parents=parents, regions=selectors.region_list(user=request.user))
    values = form.values
    qs = selectors.region_list(
        user=request.user,
        level=values["level"] or None,
        q=values["q"],
        in_park=bool(values["in_park"]),
        parent=values["parent"],
        region=values["region"],
    )
    regions = selectors.region_figures(qs[:500], user=request.user)
    return render(
        request,
        "regions/region_list.html",
        {
            "regions": regions,
            "show_households": bool(regions) and regions[0].household_count is not None,
            "filter_form": form,
            "parks": selectors.park_list(user=request.user),
        },
    )


@login_required
def region_detail(request, pk: int):
    region = selectors.region_get(user=request.user, pk=pk)
    children = list(selectors.region_children(user=request.user, region=region))
    selectors.region_figures([region, *children], user=request.user)
    return render(
        request,
        "regions/region_detail.html",
        {
            "region": region,
            "children": children,
            "parent_viewable": selectors.region_viewable(user=request.user, region=region.parent),
        },
    )


@login_required
@permission_required("regions.add_region", raise_exception=True)
def region_create(request):
    parents = selectors.region_list(user=request.user).exclude(level=Region.Level.VILLAGE_GROUP)
    form = RegionForm(request.POST or None, parents=parents, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        try:
            region = services.region_create(actor=request.user, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            return redirect("regions:region-detail", pk=region.pk)
    return render(request, "regions/region_form.html", {"form": form})


@login_required
@permission_required("regions.change_region", raise_exception=True)
def region_edit(request, pk: int):
    region = selectors.region_get(user=request.user, pk=pk)
    initial = {name: getattr(region, name) for name in RegionForm.base_fields}
    form = RegionForm(
        request.POST or None, parents=selectors.region_list(user=request.user), initial=initial, editing=True
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.region_update(
                region=region,
                name=data["name"],
                stat_code=data["stat_code"],
                population=data["population"],
                actor=request.user,
            )
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            return redirect("regions:region-detail", pk=region.pk)
    return render(request, "regions/region_form.html", {"form": form, "region": region})
