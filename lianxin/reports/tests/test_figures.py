"""Money the way Chinese reports write it: 10亿元, 1.2亿元, 5.6万元."""

from decimal import Decimal

import pytest

from lianxin.reports.templatetags.figures import yuan_large


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        (1000000000, "10亿元"),
        (120000000, "1.2亿元"),
        (Decimal("100000000.00"), "1亿元"),
        (123456789, "1.23亿元"),
        (56000, "5.6万元"),
        ("10000", "1万元"),
        (99999999, "1亿元"),  # regression: was "10000万元"
        (Decimal("99994999"), "9999.5万元"),
        (Decimal("99999949"), "9999.99万元"),
        (Decimal("9999.995"), "1万元"),  # and not "10000.00元"
        (Decimal("-250000"), "-25万元"),
    ],
)
def test_large_amounts_in_yi_and_wan_yuan(amount, written):
    assert yuan_large(amount) == written


def test_small_amounts_stay_in_yuan():
    assert yuan_large(Decimal("9940.5")) == "9940.50元"
    assert yuan_large(0) == "0.00元"


def test_missing_amount_is_a_dash():
    assert yuan_large(None) == "—"
