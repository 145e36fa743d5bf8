"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Playwright's own browser download is not used; tests run against ``/usr/bin/chromium`` and are
skipped (with the reason) when it is missing. Each test gets a fresh browser context whose
``base_url`` is the live server, so page objects navigate by path.

Two things differ from ordinary tests:

* The live server runs in another thread, so data must be committed: ``e2e_db`` requests
  ``transactional_db`` and the live server. List it first in a test's arguments; the cast fixtures
  (``town_admin``, ``person_a``…) then write committed rows (pytest-django turns their ``db`` into
  ``transactional_db`` whenever the latter is in the test's fixture closure).
* ``transactional_db`` empties the tables after each test, which the append-only triggers on
  security events refuse; ``e2e_db`` lifts them for that flush and puts them back.
* The live server runs one request at a time (``OneRequestAtATime``). On SQLite the test database is
  in memory and the server's threads share the test thread's one connection; two requests at once (a
  page and its htmx panels) deadlocked inside sqlite3 — a whole CI run once stalled on it.
* Playwright's sync API keeps an asyncio loop running in the test thread, which makes Django refuse
  ORM calls there (SynchronousOnlyOperation). While e2e tests run, DJANGO_ALLOW_ASYNC_UNSAFE is set;
  only the test thread and the live server touch the database, never concurrently with one request.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread
from django.utils import timezone

from lianxin.core.append_only import append_only_models, set_guard
from lianxin.enterprises.models import Project
from lianxin.enterprises.services import indicator_record, project_create
from lianxin.enterprises.tests import factories as enterprise_factories
from lianxin.people.tests import factories as people_factories
from lianxin.regions.services import park_create

from .pages import DESKTOP

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SKIP_REASON = f"{CHROMIUM} is missing; as root run: apt-get install -y chromium fonts-noto-cjk"

_guard_lifted = False


def pytest_collection_modifyitems(config, items) -> None:
    here = Path(__file__).parent
    for item in items:
        if not (item.get_closest_marker("e2e") and here in Path(item.fspath).parents):
            continue
        if not CHROMIUM.exists():
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))
        # pytest-timeout's signal never reaches a test blocked in Playwright's event loop; the thread
        # method dumps every thread's stack and ends the run instead of letting it stall.
        item.add_marker(pytest.mark.timeout(300, method="thread"))


class OneRequestAtATime(ThreadedWSGIServer):
    """Threads still hold the browser's keep-alive connections, but the application (response body
    included: streamed exports read the database too) runs under one lock."""

    def set_app(self, application) -> None:
        lock = threading.Lock()

        def serialised(environ, start_response):
            with lock:
                result = application(environ, start_response)
                try:
                    return list(result)
                finally:
                    if hasattr(result, "close"):
                        result.close()

        super().set_app(serialised)


# The live server fixture is session-scoped and only tests in this directory use it.
LiveServerThread.server_class = OneRequestAtATime


def _append_only_guard(*, on: bool) -> None:
    """Drop or (re)create the triggers of every append-only table (security events, case history,
    payments: ``core.append_only``).

    ``transactional_db`` empties every table after each test (DELETE on SQLite, TRUNCATE on
    PostgreSQL); the guard would refuse that, so it is lifted just for the flush.
    """
    global _guard_lifted
    for model in append_only_models():
        set_guard(connection, model, on=on)
    _guard_lifted = not on


@pytest.fixture(scope="module", autouse=True)
def _orm_beside_playwright() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module", autouse=True)
def _append_only_guard_restored(_orm_beside_playwright, django_db_blocker) -> Iterator[None]:
    """After a module's last flush, put the guard back for whatever tests run next."""
    yield
    if _guard_lifted:
        with django_db_blocker.unblock():
            _append_only_guard(on=True)


@pytest.fixture
def e2e_db(transactional_db, live_server):
    """Committed data the live server can see. Request it before any cast fixture."""
    _append_only_guard(on=True)
    yield live_server
    _append_only_guard(on=False)


@pytest.fixture(scope="module")
def browser(_orm_beside_playwright):
    if not CHROMIUM.exists():
        pytest.skip(SKIP_REASON)
    from playwright.sync_api import sync_playwright

    # Module scope: Playwright's event loop stops between modules, so tests outside tests/e2e run without it.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(browser, e2e_db):
    """new_page(viewport=PHONE) → a Page in a fresh context (own cookies) aimed at the live server."""
    contexts = []

    def make(viewport: dict | None = None, **options):
        context = browser.new_context(
            base_url=e2e_db.url, viewport=viewport or DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai", **options
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def park_data(e2e_db, town, village_a, village_b, group_a1, group_a2, group_b1, household_a, household_b):
    """A small park that fills every home-page figure and both charts: people in three village groups,
    enterprises with last year's indicators (one outside the park), a project under construction."""
    park_create(name="示例工业园区", township=town, area_km2=Decimal("45.57"), villages=[village_a, village_b])
    names = ["赵建国", "钱桂芬", "孙志强", "周丽华", "吴海涛", "郑春梅", "冯德顺", "陈玉兰"]
    groups = [household_a, people_factories.household(group_a2), household_b]
    for i, name in enumerate(names):
        people_factories.person(groups[i % 3], name=name, male=i % 2 == 0, phone=f"1391234{5600 + i}")
    year = timezone.localdate().year - 1
    figures = [
        ("云南示例铝业有限公司", "7823000000", "912000000", 1260),
        ("示例碳素制品有限公司", "1350000000", "145000000", 420),
        ("示例新型建材有限公司", "468000000", "38000000", 215),
        ("示例物流运输有限公司", "92500000", "6100000", 88),
        ("示例农产品加工合作社", "23800000", "950000", 46),
    ]
    enterprises = []
    for name, output, tax, jobs in figures:
        enterprise = enterprise_factories.enterprise(town, name=name)
        indicator_record(
            enterprise=enterprise,
            year=year,
            output_value=Decimal(output),
            tax_paid=Decimal(tax),
            employees=jobs,
            local_employees=jobs // 2,
        )
        enterprises.append(enterprise)
    enterprise_factories.enterprise(village_b, name="园区外示例养殖场", in_park=False)
    project_create(
        enterprise=enterprises[0],
        name="80万吨/年氧化铝项目",
        region=town,
        capacity=Decimal("800000"),
        capacity_unit="吨/年",
        land_demand_mu=Decimal("4126.50"),
        investment=Decimal("5200000000"),
        status=Project.Status.UNDER_CONSTRUCTION,
        started_on=date(year, 3, 1),
    )
    return {"enterprises": enterprises, "year": year}
