"""The demo township states the seed report's figures, and loading it twice changes nothing."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from lianxin.accounts.models import User
from lianxin.accounts.roles import Role
from lianxin.demo.township import load_demo
from lianxin.enterprises.models import Enterprise, EnterpriseIndicator, Project
from lianxin.people.identity import resident_id_parse
from lianxin.people.models import Household, Person
from lianxin.people.services import person_resident_id_reveal
from lianxin.regions.models import Park, Region

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "regions": Region.objects.count(),
        "households": Household.objects.count(),
        "persons": Person.objects.count(),
        "enterprises": Enterprise.objects.count(),
        "indicators": EnterpriseIndicator.objects.count(),
        "projects": Project.objects.count(),
        "users": User.objects.count(),
    }


def test_demo_states_the_report_figures_and_a_second_load_changes_nothing(client):
    # given a fresh database, when the demo is loaded
    first = load_demo()

    # then the seed's figures are rows
    park = Park.objects.get()
    assert park.area_km2 == Decimal("45.57")
    assert park.villages.count() == 3
    # (the park's villages: the township organ's collective household, 机关集体户, is registered outside them)
    groups = Region.objects.filter(level=Region.Level.VILLAGE_GROUP, parent__touched_by_parks=park)
    assert groups.count() == 16
    assert groups.aggregate(p=Sum("population"))["p"] == 6551
    assert Person.objects.filter(household__village_group__in=groups).count() == 6551
    for group in groups:
        assert Person.objects.filter(household__village_group=group).count() == group.population
    assert {"甲马石", "干塘子", "白革龙", "幕菲新寨"} <= set(groups.values_list("name", flat=True))
    assert Enterprise.objects.filter(in_park=True).count() == 22
    latest = EnterpriseIndicator.objects.order_by("-year").values_list("year", flat=True).first()
    totals = EnterpriseIndicator.objects.filter(year=latest).aggregate(o=Sum("output_value"), t=Sum("tax_paid"))
    assert totals == {"o": Decimal("1000000000.00"), "t": Decimal("120000000.00")}
    alumina = Project.objects.get(capacity=Decimal("800000"))
    assert alumina.land_demand_mu > 4000
    assert alumina.milestones.filter(completed_on__isnull=False).exists()
    assert alumina.milestones.filter(completed_on__isnull=True).exists()

    # and every role has one account on a one-time password
    assert {u.role for u in User.objects.all()} == set(Role.values)
    assert all(password for _name, _role, password in first.accounts)
    assert all(u.must_change_password for u in User.objects.all())

    # and the synthetic resident IDs are valid and stored encrypted
    leader = User.objects.get(role=Role.TOWNSHIP_LEADER)
    sample = Person.objects.order_by("?").first()
    resident_id_parse(person_resident_id_reveal(person=sample, actor=leader))

    # and a year of cases: 14 thefts solved with 29 suspects caught, disputes of stalled households, rated requests
    from lianxin.cases.models import Case, PatrolLog

    solved = Case.objects.filter(kind=Case.Kind.SECURITY_INCIDENT, incident_type=Case.IncidentType.THEFT, solved=True)
    assert solved.count() == 14
    assert solved.aggregate(n=Sum("suspects_caught"))["n"] == 29
    land_disputes = Case.objects.filter(kind=Case.Kind.DISPUTE, dispute_category=Case.DisputeCategory.LAND_COMPENSATION)
    assert land_disputes.count() >= 10
    assert all(d.parties.filter(household__isnull=False).exists() for d in land_disputes)
    assert Case.objects.filter(kind=Case.Kind.ENTERPRISE_REQUEST, satisfaction__isnull=False).count() >= 10
    assert Case.objects.filter(kind=Case.Kind.INTEGRITY_REPORT).exists()
    assert PatrolLog.objects.count() >= 50
    case_count = Case.objects.count()

    # and the alumina project's land: 4,126.5 mu in parcels with polygons, mostly paid, some stalled, a few handed over
    from lianxin.land.models import Agreement, Parcel, Payment
    from lianxin.land.selectors import land_progress, stalled_households

    parcels = Parcel.objects.filter(project=alumina)
    assert Decimal(parcels.aggregate(a=Sum("area_mu"))["a"]).quantize(Decimal("0.01")) == alumina.land_demand_mu
    assert not parcels.filter(geometry__isnull=True).exists()
    progress = land_progress(user=leader, project=alumina)
    by_status = {row["status"]: row for row in progress["statuses"]}
    assert by_status[Parcel.Status.PAID]["area_mu"] > alumina.land_demand_mu / 2
    assert 0 < by_status[Parcel.Status.HANDED_OVER]["parcels"] < by_status[Parcel.Status.PAID]["parcels"]
    assert 0 < progress["money_paid"] < progress["money_agreed"]
    assert stalled_households(user=leader, project=alumina).count() >= 10
    land_rows = (parcels.count(), Agreement.objects.count(), Payment.objects.count())

    # when it is loaded again
    before = _counts()
    hashes = dict(User.objects.values_list("username", "password"))
    second = load_demo()

    # then nothing is added and no password is reset
    assert _counts() == before
    assert all(password is None for _name, _role, password in second.accounts)
    assert dict(User.objects.values_list("username", "password")) == hashes
    assert Case.objects.count() == case_count
    assert (parcels.count(), Agreement.objects.count(), Payment.objects.count()) == land_rows

    # and the home page computes the report's figures from the data
    leader.must_change_password = False
    leader.save(update_fields=["must_change_password"])
    client.force_login(leader)
    html = client.get("/").content.decode()
    for figure, shown in [
        ("villages", "3"),
        ("village_groups", "16"),
        ("population", "6,551"),
        ("enterprises", "22"),
        ("output_value", "10亿元"),
        ("tax_paid", "1.2亿元"),
    ]:
        assert f'data-figure="{figure}">{shown}<' in html
