"""The parcel map as a working-group member uses it: parcels drawn in their status colours (no tile
server, CSP-clean), a click opens the parcel card with holders and the agreement; on a phone too."""

import importlib
import json
from decimal import Decimal

import pyproj
import pytest
from playwright.sync_api import Locator, expect

from conftest import PASSWORD
from lianxin.land import gis
from lianxin.land.tests import factories

from .pages import DESKTOP, PHONE, BasePage, LoginPage, ProblemRecorder

pytestmark = pytest.mark.e2e


class ParcelMapPage(BasePage):
    path = "/land/map/"

    @property
    def map(self) -> Locator:
        return self.page.get_by_test_id("parcel-map")

    @property
    def parcels(self) -> Locator:
        """The drawn parcel polygons (Leaflet's SVG renderer: one interactive path each)."""
        return self.map.locator("path.leaflet-interactive")

    @property
    def card(self) -> Locator:
        return self.page.get_by_test_id("parcel-card")

    def wait_until_drawn(self) -> None:
        expect(self.map).to_have_attribute("data-loaded", "3")

    def parcel(self, code: str) -> Locator:
        return self.map.locator(f'path[data-code="{code}"]')

    def click_parcel(self, code: str) -> None:
        self.parcel(code).click()


def _rect(i: int) -> list[list[float]]:
    transformer = pyproj.Transformer.from_crs(4526, 4490, always_xy=True)
    x, y = 38_500_000 + i * 150, 3_000_000
    ring = [[x, y], [x + 100, y], [x + 100, y + 66.667], [x, y + 66.667], [x, y]]
    return [list(transformer.transform(a, b)) for a, b in ring]


@pytest.fixture
def land_classes(e2e_db):
    """The seeded classes: transactional_db empties every table after a test, data migrations included."""
    from django.apps import apps

    seed = importlib.import_module("lianxin.land.migrations.0002_seed_land_classes")
    seed.seed(apps, None)


@pytest.fixture
def land(e2e_db, land_classes, town, group_a1, group_a2, household_a, person_a, working_group_member):
    project = factories.project(town)
    factories.township_standards(town)
    a1 = factories.parcel(project, group_a1, code="A-001", area_mu="10")
    factories.parcel(project, group_a1, code="A-002", area_mu="10")
    factories.parcel(project, group_a2, code="A-003", area_mu="12")
    holding = factories.holding(a1, household_a)
    agreement = factories.agreement(project, household_a, [holding], working_group_member)
    features = [
        {
            "type": "Feature",
            "properties": {"地块编码": code},
            "geometry": {"type": "Polygon", "coordinates": [_rect(i)]},
        }
        for i, code in enumerate(["A-001", "A-002", "A-003"])
    ]
    gis.parcel_geometry_import(
        project=project,
        data=json.dumps({"type": "FeatureCollection", "features": features}).encode(),
        filename="parcels.geojson",
        actor=working_group_member,
    )
    return {"project": project, "agreement": agreement, "total": Decimal(agreement.total_amount)}


@pytest.mark.parametrize(("device", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_map_draws_parcels_by_status_and_a_click_opens_the_card(
    e2e_db, new_page, artifacts, land, working_group_member, device, viewport
):
    # given: a working-group member's browser recording CSP violations and script errors
    mobile = {"is_mobile": True, "has_touch": True} if device == "phone" else {}
    page = new_page(viewport, **mobile)
    problems = ProblemRecorder(page)
    LoginPage(page).login_expecting_success(working_group_member.username, PASSWORD)

    # when: the member opens the map of the project
    parcel_map = ParcelMapPage(page).goto(f"/land/map/?project={land['project'].pk}")

    # then: the three parcels are drawn, the signed one in the "agreed" colour
    parcel_map.wait_until_drawn()
    expect(parcel_map.parcels).to_have_count(3)
    fills = sorted(parcel_map.parcels.evaluate_all("(paths) => paths.map((p) => p.getAttribute('fill'))"))
    assert fills == sorted(
        [gis.STATUS_COLOURS["agreed"], gis.STATUS_COLOURS["surveyed"], gis.STATUS_COLOURS["surveyed"]]
    )
    expect(page.get_by_test_id("map-legend")).to_contain_text("已签协议")
    expect(page.locator("#parcel-map-status")).to_contain_text("3")

    # when: the member clicks the signed parcel
    parcel_map.click_parcel("A-001")

    # then: its card shows the holder's agreement
    expect(parcel_map.card).to_contain_text("A-001")
    expect(parcel_map.card.get_by_test_id("card-agreements")).to_contain_text(land["agreement"].number)
    expect(parcel_map.card.get_by_test_id("card-holders")).to_contain_text("100")
    expect(parcel_map.map).to_have_attribute("data-selected", "A-001")

    parcel_map.screenshot(artifacts / f"{device}-land-map.png")
    assert parcel_map.horizontal_overflow_px() == 0
    assert problems.all() == []
