"""Livelihood figures for the home page (园区概况), read through the livelihood selectors in the user's scope."""

from __future__ import annotations

from django import template

from lianxin.core import formats
from lianxin.reports.templatetags.figures import yuan_large

from ..models import VillageIndicator
from ..selectors import home_figures

register = template.Library()

_I = VillageIndicator.Indicator
_HEADS = {_I.CATTLE, _I.PIGS, _I.GOATS, _I.POPULATION}
_LARGE_MONEY = {_I.TOTAL_INCOME, _I.NET_INCOME}


@register.filter
def indicator_value(value, indicator) -> str:
    """A village indicator as the product writes it: heads and persons as whole numbers (124), areas in mu
    (3,050.5), incomes in 万元/亿元 (6200万元), income per person in yuan (3,600)."""
    if value is None:
        return formats.EMPTY
    if indicator in _HEADS:
        return formats.number(value, places=0)
    if indicator in _LARGE_MONEY:
        return yuan_large(value)
    return formats.number(value, places=2)


@register.simple_tag(takes_context=True)
def livelihood_home_figures(context):
    """Landless farmers, those employed, households worse off and village-project money (or None)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return home_figures(user=user)


@register.inclusion_tag("livelihood/_pairings.html", takes_context=True)
def enterprise_pairings(context, enterprise):
    """The enterprise's village pairings (村企结对) with their milestones, where the user may see them."""
    return _pairings(context, enterprise=enterprise, testid="enterprise-pairings")


@register.inclusion_tag("livelihood/_pairings.html", takes_context=True)
def village_pairings(context, region):
    """The pairings of a village (or of the villages under a township) with their milestones, for the region page."""
    return _pairings(context, village=region, testid="village-pairings")


def _pairings(context, *, testid: str, enterprise=None, village=None) -> dict:
    from ..selectors import pairing_list

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm("livelihood.view_pairing"):
        return {"pairings": None}
    return {
        "pairings": list(pairing_list(user=user, enterprise=enterprise, village=village)),
        "testid": testid,
        "show_enterprise": enterprise is None,
        "show_village": village is None or village.level != "village_group",
        "list_query": f"?village={village.pk}" if village is not None and village.level == "village" else "",
        "can_view_enterprise": user.has_perm("enterprises.view_enterprise"),
        "can_view_region": user.has_perm("regions.view_region"),
    }
