"""Figures the way reports write them: 10亿元, 1.2亿元, 5.6万元 in Chinese; 1 billion yuan in English."""

from decimal import Decimal

from django import template
from django.utils import translation

register = template.Library()

# Scales are number formatting, not words to translate: Chinese counts in 万 (1e4) and 亿 (1e8),
# English in thousands of thousands. Each entry: (unit, suffix); the last is the base unit.
SCALES = {
    "zh": [(Decimal("1E8"), "亿元"), (Decimal("1E4"), "万元"), (Decimal("1"), "元")],
    "en": [(Decimal("1E9"), " billion yuan"), (Decimal("1E6"), " million yuan"), (Decimal("1"), " yuan")],
}


@register.filter
def yuan_large(value) -> str:
    """Money in the largest unit it reaches, two decimals at most, trailing zeros dropped."""
    if value is None:
        return "—"
    amount = Decimal(value)
    language = "zh" if (translation.get_language() or "zh").startswith("zh") else "en"
    scales = SCALES[language]
    for (unit, suffix), (smaller, _suffix) in zip(scales, scales[1:], strict=False):
        # Judge the amount as the smaller unit would show it: 99,999,999 is 1亿元, not 10000万元.
        if abs(amount).quantize(smaller * Decimal("0.01")) >= unit:
            return f"{(amount / unit).quantize(Decimal('0.01')).normalize():f}{suffix}"
    return f"{amount.quantize(Decimal('0.01')):f}{scales[-1][1]}"
