"""How numbers read on every page and in every message: one function per kind, thousands grouped.

- money: yuan with two decimals, 10,767,045.40;
- area: mu with as many decimals as the stored value needs, up to ``places`` (2 on summaries, 4 — the
  stored precision — where an amount was computed from it: 1.024 亩 × 12,000 = 12,288.00);
- number: a figure such as a median or a rate, up to ``places`` decimals, trailing zeros dropped (10, 10.5).

Templates use the filters of ``core/templatetags/numbers.py`` (``money``, ``area``, ``area_exact``,
``number``); messages call these functions.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

EMPTY = "—"


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError, TypeError):
        return None


def money(value, empty: str = EMPTY) -> str:
    """10,767,045.40: two decimals, thousands grouped."""
    amount = _decimal(value)
    if amount is None:
        return empty
    return f"{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


def number(value, places: int = 1, empty: str = EMPTY) -> str:
    """At most ``places`` decimals, trailing zeros dropped, thousands grouped: 10, 10.5, 4,126.5."""
    amount = _decimal(value)
    if amount is None:
        return empty
    step = Decimal(1).scaleb(-places)
    text = f"{amount.quantize(step, rounding=ROUND_HALF_UP):,.{places}f}"
    if places:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def area(value, places: int = 2, empty: str = EMPTY) -> str:
    """Mu, thousands grouped, at most ``places`` decimals (trailing zeros dropped): 4,126.5."""
    return number(value, places=places, empty=empty)


def area_exact(value, empty: str = EMPTY) -> str:
    """Mu at the stored precision (4 decimals, trailing zeros dropped): the quantity an amount was computed from."""
    return number(value, places=4, empty=empty)
