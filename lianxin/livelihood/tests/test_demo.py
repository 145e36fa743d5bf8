"""The livelihood side of the demo township states the seed's figures as rows, and a second load adds nothing."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from lianxin.accounts.models import User
from lianxin.demo.township import load_demo

from .. import selectors
from ..models import FollowUp, Pairing, Placement, VillageProject

pytestmark = pytest.mark.django_db


def test_the_demo_township_keeps_its_landless_farmers_income():
    load_demo()
    leader = User.objects.get(username="leader")
    today = timezone.localdate()

    figures = selectors.home_figures(user=leader)
    # the register is derived from the land ledger: most households of the park's villages lost their land
    assert figures.landless_farmers > 6000
    # 在园区就业的失地农民达4000余人
    assert 4000 <= figures.employed < 4100
    # a handful worse off, on the alert list, one followed up through the cases app
    assert figures.worse_off == 6
    alerts = list(selectors.alert_list(user=leader, year=today.year - 1))
    assert len(alerts) == 6
    assert sum(1 for row in alerts if row.follow_up_case_id) == 1 == FollowUp.objects.count()
    # 5 m+ yuan of village projects in 干塘子, 甲马石 and 白革龙, as the sum of their rows
    three = VillageProject.objects.filter(village__name__in=["干塘子", "甲马石", "白革龙"]).aggregate(s=Sum("amount"))
    assert three["s"] > Decimal("5000000")
    assert figures.village_projects_yuan == VillageProject.objects.aggregate(s=Sum("amount"))["s"]
    # the plant pays to widen the roads into 白革龙 and 幕菲新寨 (村企结对)
    assert sorted(Pairing.objects.values_list("village__name", flat=True)) == ["幕菲新寨", "白革龙"]
    # 124 fighting cattle, 3,000+ mu of corn, and the targets 62 m / 18 m / 3,600 yuan
    table = {row["indicator"]: row for row in selectors.targets_vs_actuals(user=leader, year=today.year)["table"]}
    assert table["cattle"]["actual"] == 124
    assert table["corn"]["actual"] >= 3000
    assert table["total_income"]["target"] == Decimal("62000000")
    assert table["net_income"]["target"] == Decimal("18000000")
    assert table["net_income_per_capita"]["target"] == Decimal("3600")
    # the alumina plant's liaison has proposals waiting
    assert Placement.objects.filter(status=Placement.Status.PROPOSED, enterprise__name="示范铝业有限公司").count() == 4

    counts = (Placement.objects.count(), VillageProject.objects.count(), FollowUp.objects.count())
    load_demo()
    assert (Placement.objects.count(), VillageProject.objects.count(), FollowUp.objects.count()) == counts
