"""The fuzzing database (scripts/fuzz-api.sh): a small township built through the services, and two tokens.

Small on purpose: every operation is called hundreds of times, and an export of the demo's 1,263
parcels costs seconds each. It still holds a row of every kind an operation reads or writes: two
villages with groups, households and persons, enterprises with figures, a project with drawn
parcels, holders, standards, agreements, payments and a hand-over, service items and one case of
each kind.

The two accounts: ``workgroup`` (working-group member, the township) and ``cadre`` (village cadre of
甲马石村). Their tokens are written to ``OUT_DIR/<username>.token`` (the fuzzer's Authorization header).
"""

import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import django


def _square(lon: float, lat: float, side: float = 0.002) -> dict:
    ring = [[lon, lat], [lon + side, lat], [lon + side, lat + side], [lon, lat + side], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def build(out_dir: Path) -> None:
    from django.utils import timezone

    from lianxin.accounts.models import User
    from lianxin.accounts.roles import Role
    from lianxin.accounts.services import api_token_create, user_create
    from lianxin.accounts.tests.factories import totp_device
    from lianxin.cases.tests import factories as cases
    from lianxin.enterprises.services import indicator_record
    from lianxin.enterprises.tests import factories as enterprises
    from lianxin.land import geometry, services
    from lianxin.land.tests import factories as land
    from lianxin.people.tests import factories as people
    from lianxin.regions.services import park_create
    from lianxin.regions.tests import factories as regions

    today = timezone.localdate()
    county = regions.county("示例县")
    town = regions.township(county, "示例镇")
    village_a, village_b = regions.village(town, "甲马石村"), regions.village(town, "白革龙村")
    groups = [
        regions.village_group(village_a, "甲马石一组", population=40),
        regions.village_group(village_a, "甲马石二组", population=30),
        regions.village_group(village_b, "白革龙一组", population=20),
    ]
    park_create(name="示例工业园区", township=town, area_km2=Decimal("45.57"), villages=[village_a, village_b])

    workgroup, _ = user_create(username="workgroup", full_name="工作组", role=Role.WORKING_GROUP, scope_region=town)
    cadre, _ = user_create(username="cadre", full_name="村干部", role=Role.VILLAGE_CADRE, scope_region=village_a)
    User.objects.filter(pk__in=[workgroup.pk, cadre.pk]).update(must_change_password=False)
    workgroup.refresh_from_db()

    households = []
    for index in range(12):
        household = people.household(groups[index % 3])
        people.person(household, name=f"王{index}山")
        people.person(household, name=f"李{index}英", male=False)
        households.append(household)

    plants = [enterprises.enterprise(town, name=name) for name in ("示例铝业", "示例硅业", "示例建材")]
    for plant in plants:
        indicator_record(
            enterprise=plant,
            year=today.year - 1,
            output_value=Decimal("100000000"),
            tax_paid=Decimal("1000000"),
            employees=100,
            local_employees=60,
        )

    project = land.project(village_a, name="氧化铝项目")
    land.township_standards(town)
    parcels = []
    for index, household in enumerate(households):
        drawing = _square(104.0 + index * 0.003, 26.0)
        parcel = land.parcel(
            project,
            household.village_group,
            area_mu=str(geometry.area_mu(drawing)),
            geometry=drawing,
            computed_area_mu=geometry.area_mu(drawing),
        )
        land.holding(parcel, household)
        parcels.append(parcel)
    signed = []
    for household, parcel in list(zip(households, parcels, strict=True))[:6]:
        agreement = land.agreement(project, household, list(parcel.holdings.all()), workgroup)
        signed.append((agreement, parcel))
    for number, (agreement, _parcel) in enumerate(signed[:4], start=1):
        services.payment_record(
            agreement=agreement,
            amount=agreement.total_amount,
            paid_on=today - timedelta(days=5),
            voucher_no=f"FZ-{number:03d}",
            payee_name="王山",
            actor=workgroup,
        )
    services.handover_record(parcel=signed[0][1], handed_over_on=today - timedelta(days=1), actor=workgroup)

    cases.service_item()
    cases.dispute(workgroup, village_a)
    cases.enterprise_request(workgroup, plants[0])
    cases.integrity_report(None, village_a)
    cases.security_incident(workgroup, village_b)

    out_dir.mkdir(parents=True, exist_ok=True)
    for user in (workgroup, cadre):
        totp_device(user)  # a token needs the second factor
        _token, raw = api_token_create(user=user, name="schemathesis")
        (out_dir / f"{user.username}.token").write_text(raw)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    django.setup()
    build(Path(sys.argv[1]))
