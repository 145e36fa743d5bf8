"""Livelihood figures for the home page (园区概况), read through the livelihood selectors in the user's scope."""

from __future__ import annotations

from django import template

from ..selectors import home_figures

register = template.Library()


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
    from ..selectors import pairing_list

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm("livelihood.view_pairing"):
        return {"pairings": None}
    return {"pairings": list(pairing_list(user=user, enterprise=enterprise))}
