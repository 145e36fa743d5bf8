"""Template filters for numbers, one per kind (``lianxin.core.formats``): ``{{ x|money }}``, ``{{ x|area }}``,
``{{ x|area_exact }}``, ``{{ x|number }}``."""

from django import template

from lianxin.core import formats

register = template.Library()


@register.filter
def money(value) -> str:
    return formats.money(value)


@register.filter
def area(value) -> str:
    return formats.area(value)


@register.filter
def area_exact(value) -> str:
    return formats.area_exact(value)


@register.filter
def number(value, places=1) -> str:
    return formats.number(value, places=int(places))
