"""Small display helpers of the land pages: status badges, area and money formatting."""

from django import template

from lianxin.core import formats
from lianxin.land.models import Parcel

register = template.Library()

STATUS_CLASSES = {
    Parcel.Status.SURVEYED: "text-bg-secondary",
    Parcel.Status.AGREED: "text-bg-warning",
    Parcel.Status.PAID: "text-bg-info",
    Parcel.Status.HANDED_OVER: "text-bg-success",
}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "text-bg-light")


@register.filter
def mu(value) -> str:
    """Area in mu with up to 2 decimals and thousands separators (4,126.5): ``core.formats.area``."""
    return formats.area(value)


@register.filter
def mu_exact(value) -> str:
    """Area in mu at the stored precision (1.024): the quantity an agreement line was priced from."""
    return formats.area_exact(value)


@register.filter
def yuan(value) -> str:
    """Money in yuan, 2 decimals, thousands separators: ``core.formats.money``."""
    return formats.money(value)


@register.simple_tag
def case_query(household, parcel_ids) -> str:
    """The query string of the cases hook: kind=dispute&household=<id>&parcel=<id>…"""
    parts = ["kind=dispute", f"household={household.pk}", *(f"parcel={pk}" for pk in parcel_ids)]
    return "&".join(parts)
