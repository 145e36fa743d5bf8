"""Numbers read right (issue 10, item 11): agreement lines show the area the amount was computed from, so
every line multiplies out; money and areas are grouped by thousands on the pages and in messages."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from lianxin.cases.tests import factories as case_factories
from lianxin.core import formats
from lianxin.core.errors import DomainError
from lianxin.land import services
from lianxin.land.models import Compensation, Unit

from . import factories


def test_one_formatting_function_per_kind():
    assert formats.money(Decimal("10767045.4")) == "10,767,045.40"
    assert formats.area(Decimal("4126.5000")) == "4,126.5"
    assert formats.area_exact(Decimal("1.0240")) == "1.024"
    assert formats.area_exact(Decimal("12.0000")) == "12"
    assert formats.number(Decimal("10.0")) == formats.number(Decimal("10")) == "10"
    assert formats.money(None) == "—"


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def test_every_agreement_line_multiplies_out(
    town, land_project, group_a1, household_a, person_a, working_group_member, login_as
):
    services.standard_create(
        region=town,
        item=Compensation.LAND_COMPENSATION,
        unit=Unit.MU,
        unit_price=Decimal("12000"),
        effective_from=factories.LONG_AGO,
    )
    parcel = factories.parcel(land_project, group_a1, area_mu="2.048")
    holding = factories.holding(parcel, household_a, share="50")  # 1.0240 mu
    agreement = factories.agreement(land_project, household_a, [holding], working_group_member)
    html = login_as(working_group_member).get(reverse("land:agreement-detail", args=[agreement.pk])).content.decode()
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    rows = re.findall(
        r'<td class="text-end">([\d,.]+)</td><td>[^<]*</td><td class="text-end">([\d,.]+)</td><td class="text-end">([\d,.]+)</td>',
        body,
    )
    assert rows == [("1.024", "12,000.00", "12,288.00")]
    for quantity, price, amount in rows:
        assert (_decimal(quantity) * _decimal(price)).quantize(Decimal("0.01")) == _decimal(amount)


def test_messages_group_money_by_thousands(signed, working_group_member):
    agreement, _parcel = signed
    with pytest.raises(DomainError) as exc:
        services.payment_record(
            agreement=agreement,
            amount=Decimal("600000"),
            paid_on=timezone.localdate(),
            voucher_no="记-1",
            payee_name="王小明",
            actor=working_group_member,
        )
    assert "兑付后累计600,000.00元将超过协议总金额550,000.00元" in exc.value.message
    assert "未付550,000.00元" in services.handover_blockers(_parcel)[0]


def test_case_loss_value_is_grouped(login_as, make_user, town, village_a):
    from lianxin.accounts.roles import Role

    police = make_user("police_n", Role.POLICE_LIAISON, scope_region=town)
    case = case_factories.security_incident(police, village_a, loss_value=Decimal("18000"))
    html = login_as(police).get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert "18,000.00" in html
