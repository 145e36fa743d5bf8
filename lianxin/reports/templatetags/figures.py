"""Figures the way Chinese reports write them: 10亿元, 1.2亿元, 4,120.5亩."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def yuan_large(value) -> str:
    """Money in 亿元 from 1e8 up, else 万元 from 1e4 up, else 元; trailing zeros dropped."""
    if value is None:
        return "—"
    amount = Decimal(value)
    for unit, label in ((Decimal("100000000"), _("亿元")), (Decimal("10000"), _("万元"))):
        if abs(amount) >= unit:
            scaled = (amount / unit).quantize(Decimal("0.01")).normalize()
            return f"{scaled:f}{label}"
    return f"{amount.quantize(Decimal('0.01')):f}{_('元')}"
