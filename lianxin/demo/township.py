"""The demo township: the seed report's park, villages, people and enterprises, plus synthetic detail.

Every figure the report states (45.57 km², 3 village committees, 16 village groups, 6,551 people,
22 enterprises with 1.0 bn yuan output and 120 m yuan tax, the 800,000 t/yr alumina project needing
4,000+ mu) is built as rows, so the pages compute them back from the data. Generation is
deterministic (a seeded RNG), and every step looks up what exists first, so a second run adds
nothing. Dates are relative to the day of loading so deadlines and progress look live.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric, uscc

from lianxin.accounts.models import User
from lianxin.accounts.roles import Role
from lianxin.accounts.services import user_create
from lianxin.enterprises.models import Enterprise, EnterpriseIndicator, Project
from lianxin.enterprises.services import (
    enterprise_create,
    indicator_record,
    milestone_add,
    milestone_complete,
    project_create,
)
from lianxin.people.models import Household, Person
from lianxin.people.services import household_create, household_members_register
from lianxin.regions.models import Park, Region
from lianxin.regions.services import park_create, region_create

# --- Facts from the township's report -------------------------------------------------------
PARK_AREA_KM2 = Decimal("45.57")
TOTAL_POPULATION = 6551
ENTERPRISE_COUNT = 22
TOTAL_OUTPUT = Decimal("1000000000.00")  # 10亿元
TOTAL_TAX = Decimal("120000000.00")  # 1.2亿元
ALUMINA_CAPACITY_T = Decimal("800000")
ALUMINA_LAND_MU = Decimal("4126.50")  # "4000多亩"

# --- Synthetic but plausible detail ---------------------------------------------------------
COUNTY = ("示范县", "532622000000")
TOWNSHIP = ("示范镇", "532622101000")
ADDRESS_CODE = "532622"  # resident IDs are issued by the county
# village committee → its village groups (村民小组) with registered population; sums to 6,551.
VILLAGES: list[tuple[str, str, list[tuple[str, int]]]] = [
    (
        "甲马石村委会",
        "532622101201",
        [("甲马石", 512), ("干塘子", 438), ("大寨", 476), ("小寨", 301), ("新寨", 389), ("后山", 352)],
    ),
    (
        "白革龙村委会",
        "532622101202",
        [("白革龙", 465), ("幕菲新寨", 397), ("上寨", 420), ("下寨", 366), ("龙潭", 344)],
    ),
    (
        "里乐村委会",
        "532622101203",
        [("里乐", 458), ("坝心", 402), ("石头寨", 377), ("阿舍", 391), ("田房", 463)],
    ),
]
# Ethnic make-up per village committee (Miao and Yi villages as in the report).
ETHNIC_MIX = {
    "甲马石村委会": [("01", 0.45), ("06", 0.35), ("07", 0.20)],
    "白革龙村委会": [("01", 0.30), ("06", 0.25), ("07", 0.45)],
    "里乐村委会": [("01", 0.55), ("06", 0.30), ("08", 0.15)],
}
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡罗熊陆侯龙杞普"
GIVEN = "明华英芳国强秀兰建平志红玉海春林云福德成金凤永光荣发丽琼美珍学文"

ALUMINA = ("示范铝业有限公司", "氧化铝及配套项目")
# name, industry, share of output (per mille), share of tax (per mille), employees, local employees
ENTERPRISES: list[tuple[str, str, int, int, int, int]] = [
    (ALUMINA[0], "C", 420, 440, 1850, 1320),
    ("示范电解铝有限责任公司", "C", 120, 130, 620, 410),
    ("园区热电有限公司", "D", 70, 75, 260, 120),
    ("示范赤泥综合利用有限公司", "C", 45, 40, 180, 140),
    ("滇南建材有限公司", "C", 40, 35, 210, 170),
    ("园区物流有限公司", "G", 35, 30, 240, 190),
    ("示范碳素有限公司", "C", 35, 36, 150, 90),
    ("兴园矿业有限公司", "B", 32, 40, 300, 220),
    ("示范水泥有限公司", "C", 30, 28, 160, 120),
    ("园区供水有限公司", "D", 20, 18, 60, 45),
    ("示范铝型材有限公司", "C", 20, 18, 140, 110),
    ("园区机械修理有限公司", "C", 15, 12, 90, 80),
    ("示范化工有限公司", "C", 15, 16, 85, 50),
    ("园区建筑工程有限公司", "E", 15, 12, 400, 330),
    ("示范商贸有限公司", "F", 14, 12, 45, 40),
    ("园区餐饮服务有限公司", "H", 12, 8, 70, 66),
    ("示范包装材料有限公司", "C", 12, 10, 75, 60),
    ("园区安保服务有限公司", "L", 10, 8, 120, 110),
    ("示范耐火材料有限公司", "C", 10, 9, 65, 40),
    ("园区运输车队有限公司", "G", 10, 8, 110, 95),
    ("示范农产品加工有限公司", "A", 10, 8, 55, 52),
    ("园区劳务服务有限公司", "L", 10, 7, 130, 125),
]


@dataclass
class DemoReport:
    created: dict[str, int] = field(default_factory=dict)
    accounts: list[tuple[str, str, str | None]] = field(default_factory=list)  # (username, role label, password)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


def _resident_id(rng: random.Random, birth: date, male: bool, used: set[str]) -> str:
    while True:
        seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
        body = f"{ADDRESS_CODE}{birth:%Y%m%d}{seq:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number not in used:
            used.add(number)
            return number


def _credit_code(index: int) -> str:
    body = f"91532622MA6K{index:05d}"
    return body + uscc.calc_check_digit(body)


def _pick_ethnicity(rng: random.Random, village: str) -> str:
    roll, total = rng.random(), 0.0
    for code, share in ETHNIC_MIX[village]:
        total += share
        if roll < total:
            return code
    return ETHNIC_MIX[village][0][0]


def _region(name: str, level: str, parent: Region | None, stat_code: str | None, population: int = 0) -> Region:
    existing = Region.objects.filter(parent=parent, name=name).first()
    if existing is not None:
        return existing
    return region_create(name=name, level=level, parent=parent, stat_code=stat_code, population=population)


def build_regions(report: DemoReport) -> tuple[Region, Region, list[Region]]:
    county = _region(COUNTY[0], Region.Level.COUNTY, None, COUNTY[1])
    township = _region(TOWNSHIP[0], Region.Level.TOWNSHIP, county, TOWNSHIP[1])
    villages = []
    for name, code, groups in VILLAGES:
        village = _region(name, Region.Level.VILLAGE, township, code, sum(p for _g, p in groups))
        villages.append(village)
        for group_name, population in groups:
            _region(group_name, Region.Level.VILLAGE_GROUP, village, None, population)
    if not Park.objects.filter(township=township).exists():
        park_create(
            name="示范县工业园区",
            township=township,
            area_km2=PARK_AREA_KM2,
            villages=villages,
            boundary={
                "type": "Polygon",
                "coordinates": [[[104.30, 23.55], [104.38, 23.55], [104.38, 23.62], [104.30, 23.62], [104.30, 23.55]]],
            },
        )
        report.count("park")
    report.count("regions", Region.objects.filter(path__startswith=county.path).count())
    return county, township, villages


def _household_sizes(rng: random.Random, population: int) -> list[int]:
    sizes: list[int] = []
    while sum(sizes) < population:
        sizes.append(min(rng.choice([2, 3, 4, 4, 5, 5, 6, 7]), population - sum(sizes)))
    return sizes


def build_people(report: DemoReport, villages: list[Region], today: date) -> None:
    """Households and persons for every village group, exactly its registered population."""
    rng = random.Random(20111)
    used_ids: set[str] = set()
    for village in villages:
        for group in village.children.order_by("pk"):
            sizes = _household_sizes(rng, group.population)
            existing = set(Household.objects.filter(village_group=group).values_list("number", flat=True))
            with transaction.atomic():
                for index, size in enumerate(sizes, start=1):
                    number = f"{group.pk:03d}-{index:04d}"
                    members = _members(rng, size, today, used_ids, village.name)
                    if number in existing:
                        continue
                    household = household_create(village_group=group, number=number, address=f"{group.name}{index}号")
                    household_members_register(
                        household=household,
                        members=[
                            {"name": n, "relation": r, "resident_id": i, "ethnicity": e, "phone": p}
                            for n, r, i, e, p in members
                        ],
                    )
                    report.count("households")
                    report.count("persons", len(members))


def _members(rng: random.Random, size: int, today: date, used: set[str], village: str) -> list[tuple]:
    """A plausible family: head, spouse, children, sometimes a grandparent; the RNG advances the same way every run."""
    surname = rng.choice(SURNAMES)
    ethnicity = _pick_ethnicity(rng, village)
    head_age = rng.randint(28, 70)
    head_male = rng.random() < 0.85
    members = []

    def person(relation: str, age: int, male: bool, same_surname: bool = True) -> None:
        birth = today - timedelta(days=age * 365 + rng.randint(0, 364))
        name = (surname if same_surname else rng.choice(SURNAMES)) + "".join(
            rng.choice(GIVEN) for _i in range(rng.choice([1, 2]))
        )
        phone = f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}" if relation == Person.Relation.HEAD else None
        members.append((name, relation, _resident_id(rng, birth, male, used), ethnicity, phone))

    person(Person.Relation.HEAD, head_age, head_male)
    if size >= 2:
        person(Person.Relation.SPOUSE, max(20, head_age + rng.randint(-5, 3)), not head_male, same_surname=False)
    for _i in range(size - 2):
        if head_age > 55 and rng.random() < 0.5:
            person(Person.Relation.GRANDCHILD, rng.randint(0, 15), rng.random() < 0.5)
        elif head_age < 50 and rng.random() < 0.2:
            person(Person.Relation.PARENT, min(95, head_age + rng.randint(22, 30)), rng.random() < 0.5)
        else:
            person(Person.Relation.CHILD, max(0, head_age - rng.randint(20, 32)), rng.random() < 0.5)
    return members


def _split(total: Decimal, weights: list[int]) -> list[Decimal]:
    """Split ``total`` by per-mille weights to the fen; the rounding remainder goes to the first share."""
    shares = [(total * w / sum(weights)).quantize(Decimal("0.01")) for w in weights]
    shares[0] += total - sum(shares)
    return shares


def build_enterprises(report: DemoReport, township: Region, today: date) -> Enterprise:
    year = today.year - 1
    outputs = _split(TOTAL_OUTPUT, [e[2] for e in ENTERPRISES])
    taxes = _split(TOTAL_TAX, [e[3] for e in ENTERPRISES])
    for index, (name, industry, _o, _t, employees, local) in enumerate(ENTERPRISES, start=1):
        code = _credit_code(index)
        enterprise = Enterprise.objects.filter(credit_code=code).first()
        if enterprise is None:
            enterprise = enterprise_create(
                name=name,
                credit_code=code,
                industry=industry,
                region=township,
                in_park=True,
                address="示范县工业园区",
                contact_name="办公室",
                contact_phone=f"0876-{3100000 + index}",
            )
            report.count("enterprises")
        # This year's report states last year's totals; the year before is a little lower.
        for y, factor in ((year, Decimal("1")), (year - 1, Decimal("0.86"))):
            if not EnterpriseIndicator.objects.filter(enterprise=enterprise, year=y).exists():
                indicator_record(
                    enterprise=enterprise,
                    year=y,
                    output_value=(outputs[index - 1] * factor).quantize(Decimal("0.01")),
                    tax_paid=(taxes[index - 1] * factor).quantize(Decimal("0.01")),
                    employees=int(employees * factor),
                    local_employees=int(local * factor),
                )
                report.count("indicators")
    return Enterprise.objects.get(credit_code=_credit_code(1))


def build_projects(report: DemoReport, alumina: Enterprise, township: Region, today: date) -> None:
    projects = [
        (
            ALUMINA[1] + "(年产80万吨)",
            ALUMINA_CAPACITY_T,
            "吨/年",
            ALUMINA_LAND_MU,
            Decimal("4800000000.00"),
            Project.Status.UNDER_CONSTRUCTION,
            [
                ("项目核准", -420, True),
                ("征地预公告", -360, True),
                ("征地补偿安置方案公告", -300, True),
                ("开工建设", -200, True),
                ("主体工程封顶", 90, False),
                ("试生产", 300, False),
            ],
        ),
        (
            "赤泥堆场配套工程",
            None,
            "",
            Decimal("620.00"),
            Decimal("380000000.00"),
            Project.Status.APPROVED,
            [("项目核准", -60, True), ("征地预公告", 20, False)],
        ),
    ]
    for name, capacity, unit, land, investment, status, milestones in projects:
        if Project.objects.filter(enterprise=alumina, name=name).exists():
            continue
        started = today + timedelta(days=milestones[3][1]) if len(milestones) > 3 else None
        project = project_create(
            enterprise=alumina,
            name=name,
            region=township,
            capacity=capacity,
            capacity_unit=unit,
            land_demand_mu=land,
            investment=investment,
            status=status,
            started_on=started,
        )
        for milestone_name, offset, done in milestones:
            milestone = milestone_add(project=project, name=milestone_name, planned_on=today + timedelta(days=offset))
            if done:
                milestone_complete(milestone=milestone, completed_on=today + timedelta(days=offset + 3))
        report.count("projects")


def build_accounts(report: DemoReport, county: Region, township: Region, villages: list[Region], alumina) -> None:
    """An administrator and one account per role; passwords are random, shown once, never reset."""
    accounts = [
        ("admin", "系统管理员", Role.SYSTEM_ADMIN, {"scope_region": township}),
        ("leader", "镇党委书记(演示)", Role.TOWNSHIP_LEADER, {"scope_region": township}),
        ("workgroup", "协调工作组成员(演示)", Role.WORKING_GROUP, {"scope_region": township}),
        ("cadre", "甲马石村干部(演示)", Role.VILLAGE_CADRE, {"scope_region": villages[0]}),
        ("party", "党务干部(演示)", Role.PARTY_OFFICER, {"scope_region": township}),
        ("police", "派出所联络员(演示)", Role.POLICE_LIAISON, {"scope_region": township}),
        ("enterprise", "企业联络员(演示)", Role.ENTERPRISE_LIAISON, {"scope_enterprise": alumina}),
        ("discipline", "纪检监察员(演示)", Role.DISCIPLINE_INSPECTOR, {"scope_region": township}),
        ("county", "县级查看(演示)", Role.COUNTY_VIEWER, {"scope_region": county}),
    ]
    for username, full_name, role, scope in accounts:
        if User.objects.filter(username=username).exists():
            report.accounts.append((username, Role(role).label, None))
            continue
        _user, password = user_create(username=username, full_name=full_name, role=role, **scope)
        report.accounts.append((username, Role(role).label, password))


def load_demo(*, today: date | None = None) -> DemoReport:
    """Build (or complete) the demo township. Safe to run again: nothing is duplicated or reset."""
    today = today or timezone.localdate()
    report = DemoReport()
    county, township, villages = build_regions(report)
    build_people(report, villages, today)
    alumina = build_enterprises(report, township, today)
    build_projects(report, alumina, township, today)
    build_accounts(report, county, township, villages, alumina)
    # Land after the accounts (payments name the working group's account), before cases (disputes link it).
    from lianxin.land.demo import build_land

    build_land(report, today=today, township=township)
    # Cases last: its land-compensation disputes link the land demo's stalled households and parcels.
    from lianxin.cases.demo import build_cases

    build_cases(report, township, villages, today)
    # Party after cases: the "六个一" ratings attach to the enterprise requests' revisits.
    from lianxin.party.demo import build_party

    build_party(report, today=today, township=township)
    # Livelihood last: the register reads the land ledger (it adds the park's earlier acquisitions), and its
    # follow-up case joins the cases.
    from lianxin.livelihood.demo import build_livelihood

    build_livelihood(report, today=today, township=township)
    return report
