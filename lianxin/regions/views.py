from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render

from . import selectors
from .models import Region


@login_required
@permission_required("regions.view_region", raise_exception=True)
def region_list(request):
    qs = selectors.region_list(user=request.user, level=request.GET.get("level") or None, q=request.GET.get("q", ""))
    return render(
        request,
        "regions/region_list.html",
        {
            "regions": qs[:500],
            "levels": Region.Level.choices,
            "parks": selectors.park_list(user=request.user),
        },
    )


@login_required
def region_detail(request, pk: int):
    region = selectors.region_get(user=request.user, pk=pk)
    return render(
        request,
        "regions/region_detail.html",
        {"region": region, "children": selectors.region_children(user=request.user, region=region)},
    )
