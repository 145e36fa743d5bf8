"""Party figures and household contacts for pages of other apps (the home page, households, land progress,
cases): each reads through the Party selectors, scoped to the signed-in user, in one query per page."""

from __future__ import annotations

from django import template

from ..selectors import contacts_for, home_figures

register = template.Library()


@register.simple_tag(takes_context=True)
def party_home_figures(context):
    """Organisations, members, coverage of the project area and new members, for the home page (or None)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return home_figures(user=user)


@register.simple_tag(takes_context=True)
def household_contacts(context, households) -> dict:
    """{household id: its active contact link} for the households of a page, where the user may see contacts."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm("party.view_memberhouseholdlink"):
        return {}
    ids = [getattr(h, "pk", h) for h in households if h is not None]
    return contacts_for(user=user, household_ids=ids)


@register.filter
def contact_of(contacts: dict, household) -> object:
    """The contact link of ``household`` in the dict ``household_contacts`` returned."""
    if not contacts or household is None:
        return None
    return contacts.get(getattr(household, "pk", household))


@register.inclusion_tag("party/_household_contact.html", takes_context=True)
def household_contact(context, household):
    """The contact member of one household (党员联户), or nothing when the user may not see it."""
    links = household_contacts(context, [household])
    return {"link": links.get(household.pk) if household is not None else None}
