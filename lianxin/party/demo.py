"""The Party side of the demo township (党建演示数据): the committee, the organ branch, one branch per village
committee, the temporary branch at 甲马石 (3 organ-branch members and 2 long-standing local members, founded when
the alumina project's land acquisition began), a roster, the 7 members recruited from the project area through
the whole pipeline (some still probationary), people at every earlier stage (one overdue), a year of activities
with trainings by county departments and the 三强化 / 三项教育 campaigns, a Miao and a Yi work team, a contact
member for every household of the project area, dues, last year's evaluation and the "六个一" ratings.

Everything goes through the Party services (so every rule of the pipeline holds for the demo too), from a seeded
RNG, with dates relative to the day of loading. Loading again adds nothing: the committee's existence is the mark.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from lianxin.accounts.models import User
from lianxin.accounts.roles import Role
from lianxin.enterprises.models import Project
from lianxin.people.models import Household, Person
from lianxin.people.services import household_create, household_members_register
from lianxin.regions.models import Region
from lianxin.regions.services import region_create

from . import services
from .models import (
    Activity,
    Attendance,
    CommitteePost,
    Language,
    Member,
    MemberEvaluation,
    Organization,
    PartyRules,
    Step,
    Theme,
)
from .rules import Vote, add_months, add_years, notice_end

COMMITTEE_NAME = "示范镇党委"
ORGAN_VILLAGE = "镇直机关"
ORGAN_GROUP = "机关集体户"
# Groups each village branch covers (甲马石 has the temporary branch; 幕菲新寨 and 阿舍 none yet).
VILLAGE_BRANCHES = [
    ("甲马石村委会", "甲马石村党支部", ["干塘子", "大寨", "小寨", "新寨", "后山"], 30),
    ("白革龙村委会", "白革龙村党支部", ["白革龙", "上寨", "下寨", "龙潭"], 26),
    ("里乐村委会", "里乐村党支部", ["里乐", "坝心", "石头寨", "田房"], 24),
]
PROJECT_GROUPS = ["甲马石", "干塘子", "大寨", "小寨", "白革龙", "幕菲新寨"]
ORGAN_CADRES = [  # name, ethnicity, birth year, post; living in the county seat (不在本镇居住)
    ("杨志华", "01", 1972, "党委委员、组织委员"),
    ("李春明", "06", 1980, "宣传委员"),
    ("普永福", "07", 1978, ""),
    ("王丽芳", "01", 1985, ""),
    ("陈建国", "01", 1969, "纪检委员"),
    ("熊国强", "06", 1983, ""),
    ("罗秀英", "07", 1987, ""),
    ("张明", "01", 1990, ""),
]
THEMES = [
    ("三强化", "强化思想引导、强化制度建设、强化责任意识"),
    ("三项教育", "党员素质教育、形象教育、纪律教育"),
    ("六个一", "机关党员干部服务企业的“六个一”标准"),
]
FIRST_NAMES = "明华英芳国强秀兰建平志红玉海春林云福德成金凤永光荣发丽琼美珍学文"


@dataclass
class _Ctx:
    today: date
    rng: random.Random
    actor: User
    committee: Organization = None
    organ: Organization = None
    temporary: Organization = None
    branches: dict[str, Organization] = field(default_factory=dict)  # village name → branch
    groups: dict[str, Region] = field(default_factory=dict)  # group name → group
    used: set[int] = field(default_factory=set)  # person ids already on the books
    pools: dict[tuple, list] = field(default_factory=dict)  # (group, ages) → persons not drawn yet
    languages: dict[str, Language] = field(default_factory=dict)
    themes: dict[str, Theme] = field(default_factory=dict)


def build_party(report, *, today: date, township: Region) -> None:
    """Build the Party demo (see the module docstring); skipped when the township committee exists."""
    if Organization.objects.filter(name=COMMITTEE_NAME).exists():
        return
    actor = User.objects.filter(role=Role.PARTY_OFFICER).order_by("pk").first()
    admin = User.objects.filter(role=Role.SYSTEM_ADMIN).order_by("pk").first()
    project = Project.objects.filter(capacity=Decimal("800000")).order_by("pk").first()
    if actor is None or admin is None or project is None:
        return
    ctx = _Ctx(today=today, rng=random.Random(20120), actor=actor)
    ctx.groups = {
        g.name: g for g in Region.objects.filter(level=Region.Level.VILLAGE_GROUP, path__startswith=township.path)
    }
    _languages(ctx)
    with transaction.atomic():
        PartyRules.objects.get_or_create(pk=1)
        _themes(ctx)
        _organizations(ctx, township, project)
        _roster(ctx, township)
        _terms(ctx)
        _temporary_branch(ctx, project)
        recruits = _recruits(ctx, project)
        _pipeline(ctx)
        _plans(ctx, recruits)
        _thought_reports(ctx)
        _activities(ctx)
        _language_teams(ctx)
        _contacts(ctx, project)
        _dues_and_evaluations(ctx)
        _service_standard(ctx)
        _secretary_account(report, ctx, admin, township)
    report.count("party organisations", Organization.objects.count())
    report.count(
        "party members", Member.objects.filter(stage__in=[Member.Stage.FULL, Member.Stage.PROBATIONARY]).count()
    )
    report.count("party activities", Activity.objects.count())


def _languages(ctx: _Ctx) -> None:
    """The languages of migration 0002 (seeded again if a test emptied the table)."""
    import importlib

    from django.apps import apps

    importlib.import_module("lianxin.party.migrations.0002_languages_and_append_only").seed(apps, None)
    ctx.languages = {lang.code: lang for lang in Language.objects.all()}


def _themes(ctx: _Ctx) -> None:
    for name, description in THEMES:
        theme = Theme.objects.filter(name=name).first() or services.theme_save(
            actor=ctx.actor, name=name, description=description
        )
        ctx.themes[name] = theme


# --- organisations ------------------------------------------------------------------------------------------


def _organizations(ctx: _Ctx, township: Region, project: Project) -> None:
    founded = date(1984, 7, 1)
    ctx.committee = services.organization_create(
        actor=ctx.actor,
        name=COMMITTEE_NAME,
        kind=Organization.Kind.COMMITTEE,
        parent=None,
        region=township,
        founded_on=founded,
    )
    organ_village = Region.objects.filter(parent=township, name=ORGAN_VILLAGE).first() or region_create(
        name=ORGAN_VILLAGE, level=Region.Level.VILLAGE, parent=township
    )
    organ_group = Region.objects.filter(parent=organ_village, name=ORGAN_GROUP).first() or region_create(
        name=ORGAN_GROUP, level=Region.Level.VILLAGE_GROUP, parent=organ_village
    )
    ctx.groups[ORGAN_GROUP] = organ_group
    ctx.organ = services.organization_create(
        actor=ctx.actor,
        name="镇机关党支部",
        kind=Organization.Kind.BRANCH,
        parent=ctx.committee,
        region=township,
        founded_on=date(1985, 3, 1),
        covered_groups=[organ_group],
    )
    for village_name, name, groups, _size in VILLAGE_BRANCHES:
        village = Region.objects.get(parent=township, name=village_name)
        ctx.branches[village_name] = services.organization_create(
            actor=ctx.actor,
            name=name,
            kind=Organization.Kind.BRANCH,
            parent=ctx.committee,
            region=village,
            founded_on=date(1986, 5, 1),
            covered_groups=[ctx.groups[g] for g in groups],
            party_groups=len(groups),
        )


def _free_people(ctx: _Ctx, group: Region, count: int, *, min_age: int = 24, max_age: int = 72) -> list[Person]:
    """``count`` persons of a group, of working age, not yet on the books (deterministic)."""
    key = (group.pk, min_age, max_age)
    pool = ctx.pools.get(key)
    if pool is None:
        low, high = add_years(ctx.today, -max_age), add_years(ctx.today, -min_age)
        pool = list(
            Person.objects.filter(household__village_group=group, birth_date__gte=low, birth_date__lte=high).order_by(
                "pk"
            )
        )
        ctx.rng.shuffle(pool)
        ctx.pools[key] = pool
    chosen = []
    while pool and len(chosen) < count:
        person = pool.pop()
        if person.pk not in ctx.used:
            chosen.append(person)
            ctx.used.add(person.pk)
    return chosen


def _languages_of(ctx: _Ctx, person: Person) -> list[Language]:
    spoken = [ctx.languages["zh"]]
    if person.ethnicity == "06":
        spoken.append(ctx.languages["hmn"])
    elif person.ethnicity == "07":
        spoken.append(ctx.languages["ii"])
    elif person.ethnicity == "08":
        spoken.append(ctx.languages["za"])
    return spoken


def _register(ctx: _Ctx, person: Person, organization: Organization, *, years: int, **details) -> Member:
    """A full member who joined ``years`` ago (probation of one year)."""
    rng = ctx.rng
    joined = ctx.today - timedelta(days=years * 365 + rng.randint(0, 300))
    adult = add_years(person.birth_date, 19)
    joined = max(joined, adult)
    if add_years(joined, 1) > ctx.today - timedelta(days=30):
        joined = add_years(ctx.today, -2)
    details.setdefault("education", rng.choice(list(Member.Education.values)[:4]))
    details.setdefault("occupation", Member.Occupation.FARMER)
    member, _warnings = services.member_register(
        actor=ctx.actor,
        person=person,
        organization=organization,
        stage=Member.Stage.FULL,
        applied_on=max(adult, joined - timedelta(days=rng.randint(500, 900))),
        joined_on=joined,
        full_on=add_years(joined, 1),
        languages=_languages_of(ctx, person),
        **details,
    )
    return member


def _roster(ctx: _Ctx, township: Region) -> None:
    rng = ctx.rng
    # Organ cadres who live in the county seat: registered in the township organ's collective household.
    household = Household.objects.filter(village_group=ctx.groups[ORGAN_GROUP], number="JG-001").first()
    if household is None:
        household = household_create(
            village_group=ctx.groups[ORGAN_GROUP], number="JG-001", address="示范镇人民政府(集体户)"
        )
        from stdnum.cn import ric

        members = []
        for index, (name, ethnicity, year, _post) in enumerate(ORGAN_CADRES):
            body = f"532622{year}{(index % 12) + 1:02d}{(index * 3) % 28 + 1:02d}{(index * 2 + 11):03d}"
            members.append(
                {
                    "name": name,
                    "relation": Person.Relation.OTHER,
                    "resident_id": body + ric.calc_check_digit(body + "0"),
                    "ethnicity": ethnicity,
                    "phone": None,
                }
            )
        household_members_register(household=household, members=members)
    for person in household.members.order_by("pk"):
        post = next((p for n, _e, _y, p in ORGAN_CADRES if n == person.name), "")
        ctx.used.add(person.pk)
        _register(
            ctx,
            person,
            ctx.organ,
            years=rng.randint(6, 22),
            occupation=Member.Occupation.ORGAN_CADRE,
            education=Member.Education.BACHELOR,
            non_resident=True,
            residence="县城",
            party_post=post,
            dues_category=Member.DuesCategory.SALARIED,
            monthly_income=Decimal(rng.randint(42, 78) * 100),
        )
    # Organ cadres who live in the township's villages.
    for group_name in ("新寨", "坝心", "干塘子", "龙潭"):
        for person in _free_people(ctx, ctx.groups[group_name], 1, max_age=55):
            _register(
                ctx,
                person,
                ctx.organ,
                years=rng.randint(4, 15),
                occupation=Member.Occupation.ORGAN_CADRE,
                education=Member.Education.COLLEGE,
                dues_category=Member.DuesCategory.SALARIED,
                monthly_income=Decimal(rng.randint(36, 60) * 100),
            )
    # Village members: spread over the branch's groups and the groups without an organisation.
    extra = {"甲马石村委会": ["甲马石", "甲马石"], "白革龙村委会": ["幕菲新寨", "幕菲新寨"], "里乐村委会": []}
    for village_name, _name, groups, size in VILLAGE_BRANCHES:
        branch = ctx.branches[village_name]
        plan = [groups[i % len(groups)] for i in range(size - len(extra[village_name]))] + extra[village_name]
        for group_name in plan:
            for person in _free_people(ctx, ctx.groups[group_name], 1):
                occupation = rng.choice(
                    [Member.Occupation.FARMER] * 5 + [Member.Occupation.PARK_WORKER, Member.Occupation.VILLAGE_CADRE]
                )
                dues = (
                    Member.DuesCategory.SALARIED
                    if occupation == Member.Occupation.PARK_WORKER
                    else Member.DuesCategory.FARMER
                )
                _register(
                    ctx,
                    person,
                    branch,
                    years=rng.randint(3, 35),
                    occupation=occupation,
                    dues_category=dues,
                    monthly_income=Decimal(rng.randint(28, 55) * 100) if dues == Member.DuesCategory.SALARIED else None,
                )


def _full_members(organization: Organization) -> list[Member]:
    return list(
        Member.objects.filter(organization=organization, stage=Member.Stage.FULL, status=Member.Status.ACTIVE)
        .select_related("person")
        .order_by("pk")
    )


def _terms(ctx: _Ctx) -> None:
    """A committee for each branch of seven or more full members (3 or 5 members), a secretary elsewhere; 里乐's
    term ends within months (the election reminder)."""
    posts_order = [
        CommitteePost.Post.SECRETARY,
        CommitteePost.Post.DEPUTY_SECRETARY,
        CommitteePost.Post.ORGANISATION,
        CommitteePost.Post.PUBLICITY,
        CommitteePost.Post.DISCIPLINE,
    ]
    elected = {
        ctx.committee: add_years(ctx.today, -3) - timedelta(days=40),
        ctx.organ: add_years(ctx.today, -1) - timedelta(days=100),
        ctx.branches["甲马石村委会"]: add_years(ctx.today, -2) - timedelta(days=60),
        ctx.branches["白革龙村委会"]: add_years(ctx.today, -2) - timedelta(days=60),
        ctx.branches["里乐村委会"]: add_years(ctx.today, -5) + timedelta(days=75),
    }
    for organization, on in elected.items():
        if organization == ctx.committee:
            continue  # the committee's own election is the county's business; the branches' are recorded here
        size = 5 if organization == ctx.branches["甲马石村委会"] else 3
        posts = list(zip(_full_members(organization)[:size], posts_order[:size], strict=False))
        services.term_elect(organization=organization, actor=ctx.actor, elected_on=on, posts=posts)


def _acquisition_start(project: Project, today: date) -> date:
    from lianxin.land.models import ProcedureMilestone

    first = ProcedureMilestone.objects.filter(project=project).aggregate(d=Min("started_on"))["d"]
    return first or today - timedelta(days=360)


def _temporary_branch(ctx: _Ctx, project: Project) -> None:
    """The temporary branch at 甲马石: founded the day land acquisition began, three organ-branch members seconded
    with the village's two long-standing members living in 甲马石; their relations stay home."""
    founded = _acquisition_start(project, ctx.today)
    group = ctx.groups["甲马石"]
    ctx.temporary = services.organization_create(
        actor=ctx.actor,
        name="甲马石临时党支部",
        kind=Organization.Kind.TEMPORARY_BRANCH,
        parent=ctx.committee,
        region=group,
        founded_on=founded,
        founding_reason=(
            "氧化铝项目征地涉及的甲马石村民小组无党组织覆盖;以联、帮、带的方式把支部建到村民小组上,"
            "选派3名机关党支部党员与甲马石的2名老党员组成临时党支部,服务项目建设。"
        ),
        covered_groups=[group],
        projects=[project],
    )
    organ = [m for m in _full_members(ctx.organ) if not m.party_post][:3]
    locals_ = sorted(
        Member.objects.filter(
            organization=ctx.branches["甲马石村委会"], person__household__village_group=group, stage=Member.Stage.FULL
        ).select_related("person"),
        key=lambda m: m.joined_on,
    )[:2]
    for member in [*organ, *locals_]:
        services.member_second(actor=ctx.actor, member=member, to=ctx.temporary, on=founded)
    services.term_elect(
        organization=ctx.temporary,
        actor=ctx.actor,
        elected_on=founded,
        posts=[(organ[0], CommitteePost.Post.SECRETARY)],
        note="临时党支部书记由党委指定",
    )


# --- the pipeline ---------------------------------------------------------------------------------------------


class _Walker:
    """Records a person's steps through the service, in order, up to today."""

    def __init__(self, ctx: _Ctx, member: Member) -> None:
        self.ctx, self.member = ctx, member

    def step(self, step: str, on: date, **kwargs) -> bool:
        if on > self.ctx.today:
            return False
        services.pipeline_step_record(actor=self.ctx.actor, member=self.member, step=step, on=on, **kwargs)
        return True


def _sponsors(ctx: _Ctx, organization: Organization, person: Person, on: date, n: int = 2) -> list[Member]:
    """Full members of the branch who were already full on ``on`` (contacts, sponsors)."""
    pool = [m for m in _full_members(organization) if m.person_id != person.pk and m.full_on and m.full_on <= on]
    ctx.rng.shuffle(pool)
    return pool[:n]


def _vote(ctx: _Ctx, organization: Organization) -> Vote:
    should = len(_full_members(organization))
    attended = should - ctx.rng.randint(1, max(1, should // 6))
    return Vote(should_attend=should, attended=attended, yes=attended, no=0, abstain=0)


def _intensive_training(ctx: _Ctx, start: date, members: list[Member], title: str) -> None:
    """Three eight-hour days of the committee's intensive training for candidates (发展对象集中培训)."""
    for day in range(3):
        on = start + timedelta(days=day)
        if on > ctx.today:
            return
        services.activity_record(
            actor=ctx.actor,
            organization=ctx.committee,
            kind=Activity.Kind.TRAINING,
            title=f"{title}(第{day + 1}天)",
            held_on=on,
            place="镇党校",
            hours=Decimal("8"),
            organiser_department="县委组织部、镇党委",
            intensive_training=True,
            attendance=[(m, Attendance.Status.PRESENT, "") for m in members],
            languages=[ctx.languages["zh"]],
            themes=[ctx.themes["三项教育"]],
        )


def _walk(ctx: _Ctx, member: Member, *, applied: date, until_step: str, vote_on: date | None = None) -> None:
    """Take a person from the talk as far as ``until_step`` (at most the political review) or today; the dates
    follow the rules. With ``vote_on`` the dates are laid out so the branch can vote on that day."""
    organization = member.organization
    walker = _Walker(ctx, member)
    order = list(Step.values)
    stop = order.index(until_step)

    def reached(step: str) -> bool:
        return order.index(step) <= stop

    rng = ctx.rng
    talk = applied + timedelta(days=rng.randint(8, 20))
    if not (reached(Step.APPLICATION_TALK) and walker.step(Step.APPLICATION_TALK, talk, responsible="支部书记")):
        return
    designated = add_months(applied, 6) + timedelta(days=rng.randint(5, 30))
    if vote_on is not None:
        designated = vote_on - timedelta(days=480)
    if not (reached(Step.ACTIVIST_DESIGNATION) and walker.step(Step.ACTIVIST_DESIGNATION, designated)):
        return
    contacts_on = designated + timedelta(days=7)
    walker.step(Step.ACTIVIST_FILING, contacts_on)
    contacts = _sponsors(ctx, organization, member.person, contacts_on)
    if not (reached(Step.CONTACTS) and walker.step(Step.CONTACTS, contacts_on, people=contacts)):
        return
    candidate_on = add_years(designated, 1) + timedelta(days=rng.randint(10, 25))
    if vote_on is not None:
        candidate_on = vote_on - timedelta(days=100)
    review = designated
    while add_months(review, 5) < candidate_on:
        review = add_months(review, 5)
        if not (reached(Step.ACTIVIST_REVIEW) and walker.step(Step.ACTIVIST_REVIEW, review, note="表现良好")):
            return
    if not (
        reached(Step.CANDIDATE_DESIGNATION)
        and walker.step(Step.CANDIDATE_DESIGNATION, candidate_on, notice_from=candidate_on)
    ):
        return
    filing = notice_end(candidate_on, 5) + timedelta(days=3)
    if not walker.step(Step.CANDIDATE_FILING, filing):
        return
    sponsors_on = filing + timedelta(days=3)
    sponsors = _sponsors(ctx, organization, member.person, sponsors_on)
    if not (reached(Step.SPONSORS) and walker.step(Step.SPONSORS, sponsors_on, people=sponsors)):
        return
    if reached(Step.POLITICAL_REVIEW):
        walker.step(Step.POLITICAL_REVIEW, filing + timedelta(days=15), passed_review=True)


def _recruits(ctx: _Ctx, project: Project) -> list[Member]:
    """The 7 members recruited from the project area since the project began: three already full members, four
    still probationary; trained in two cohorts."""
    start = min(
        [d for d in [project.started_on, *project.milestones.values_list("planned_on", flat=True)] if d],
        default=ctx.today - timedelta(days=420),
    )
    plan = [  # group, days after the project began when the branch voted
        ("甲马石", 8),
        ("干塘子", 12),
        ("大寨", 20),
        ("白革龙", 150),
        ("小寨", 190),
        ("甲马石", 230),
        ("干塘子", 270),
    ]
    branch_of = {g: ctx.branches["甲马石村委会"] for g in ("甲马石", "干塘子", "大寨", "小寨")}
    branch_of["白革龙"] = ctx.branches["白革龙村委会"]
    people = []
    for group_name, offset in plan:
        person = _free_people(ctx, ctx.groups[group_name], 1, min_age=22, max_age=40)[0]
        vote_on = start + timedelta(days=offset)
        applied = vote_on - timedelta(days=480 + 100 + 200)
        member = services.pipeline_start(
            actor=ctx.actor,
            person=person,
            organization=branch_of[group_name],
            applied_on=applied,
            occupation=ctx.rng.choice(
                [Member.Occupation.FARMER, Member.Occupation.PARK_WORKER, Member.Occupation.VILLAGE_CADRE]
            ),
            education=ctx.rng.choice([Member.Education.JUNIOR, Member.Education.SENIOR, Member.Education.COLLEGE]),
        )
        member.languages.set(_languages_of(ctx, person))
        people.append((member, applied, vote_on))
    # Walk everyone to the political review, train each cohort once all of it are candidates, then on.
    for cohort in (people[:3], people[3:5], people[5:]):
        for member, applied, vote_on in cohort:
            _walk(ctx, member, applied=applied, until_step=Step.POLITICAL_REVIEW, vote_on=vote_on)
        training_start = max(vote_on for _m, _a, vote_on in cohort) - timedelta(days=100) + timedelta(days=15)
        _intensive_training(ctx, training_start, [m for m, _a, _v in cohort], "发展对象集中培训班")
        for member, _applied, vote_on in cohort:
            _continue(ctx, member, vote_on=vote_on, training=training_start + timedelta(days=2))
    return [m for m, _a, _v in people]


def _continue(ctx: _Ctx, member: Member, *, vote_on: date, training: date) -> None:
    """From the committee review on (after the training)."""
    member.refresh_from_db()
    walker = _Walker(ctx, member)
    organization = member.organization
    review = max(training + timedelta(days=3), member.steps.get(step=Step.POLITICAL_REVIEW).done_on + timedelta(days=3))
    if not walker.step(Step.COMMITTEE_REVIEW, review):
        return
    pre = review + timedelta(days=4)
    if not walker.step(Step.PRE_REVIEW, pre, notice_from=pre):
        return
    walker.step(Step.APPLICATION_FORM, pre + timedelta(days=2))
    voted = max(vote_on, notice_end(pre, 5) + timedelta(days=2))
    if not walker.step(Step.BRANCH_VOTE, voted, vote=_vote(ctx, organization), responsible="支部书记"):
        return
    if not walker.step(Step.APPROVAL_TALK, voted + timedelta(days=12), responsible="党委组织委员"):
        return
    if not walker.step(Step.APPROVAL, voted + timedelta(days=28), note="党委会集体讨论,同意接收为预备党员"):
        return
    walker.step(Step.APPROVAL_FILING, voted + timedelta(days=35))
    walker.step(Step.ASSIGNMENT, voted + timedelta(days=30))
    walker.step(Step.OATH, voted + timedelta(days=32), note="面向党旗宣誓")
    for months in (4, 8):
        walker.step(Step.PROBATION_REVIEW, add_months(voted, months), note="表现良好")
    end = add_years(voted, 1)
    request = end - timedelta(days=15)
    if not walker.step(Step.FULL_REQUEST, request, notice_from=request):
        return
    full_vote = max(end, notice_end(request, 5) + timedelta(days=1)) + timedelta(days=3)
    if not walker.step(Step.FULL_VOTE, full_vote, vote=_vote(ctx, organization), outcome="passed"):
        return
    if walker.step(Step.FULL_APPROVAL, full_vote + timedelta(days=20)):
        walker.step(Step.ARCHIVING, full_vote + timedelta(days=30))


def _pipeline(ctx: _Ctx) -> None:
    """People at every earlier stage: applicants (one whose talk is overdue), activists, candidates."""
    today = ctx.today
    plan = [  # group, branch village, days since the application, how far
        ("大寨", "甲马石村委会", 45, Step.APPLICATION),  # the talk is overdue
        ("上寨", "白革龙村委会", 20, Step.APPLICATION_TALK),
        ("坝心", "里乐村委会", 130, Step.APPLICATION_TALK),
        ("新寨", "甲马石村委会", 300, Step.CONTACTS),
        ("白革龙", "白革龙村委会", 470, Step.ACTIVIST_REVIEW),
        ("里乐", "里乐村委会", 545, Step.ACTIVIST_REVIEW),  # eleven months an activist
        ("干塘子", "甲马石村委会", 640, Step.ACTIVIST_REVIEW),
        ("甲马石", "甲马石村委会", 720, Step.COMMITTEE_REVIEW),
        ("下寨", "白革龙村委会", 650, Step.CANDIDATE_FILING),
    ]
    for group_name, village, days, until in plan:
        person = _free_people(ctx, ctx.groups[group_name], 1, min_age=20, max_age=38)[0]
        member = services.pipeline_start(
            actor=ctx.actor,
            person=person,
            organization=ctx.branches[village],
            applied_on=today - timedelta(days=days),
            occupation=Member.Occupation.FARMER,
        )
        member.languages.set(_languages_of(ctx, person))
        if until == Step.COMMITTEE_REVIEW:
            _walk(ctx, member, applied=today - timedelta(days=days), until_step=Step.POLITICAL_REVIEW)
            member.refresh_from_db()
            training = member.steps.get(step=Step.POLITICAL_REVIEW).done_on + timedelta(days=5)
            _intensive_training(ctx, training, [member], "发展对象集中培训班(本年度第二期)")
            if training + timedelta(days=6) <= today:
                _Walker(ctx, member).step(Step.COMMITTEE_REVIEW, training + timedelta(days=6))
        elif until != Step.APPLICATION:
            _walk(ctx, member, applied=today - timedelta(days=days), until_step=until)


def _thought_reports(ctx: _Ctx) -> None:
    """Quarterly thought reports of everyone in the pipeline, from the application (the latest few may be due)."""
    people = (
        Member.objects.filter(status=Member.Status.ACTIVE).exclude(stage=Member.Stage.FULL).exclude(applied_on=None)
    )
    for member in people.order_by("pk"):
        day = add_months(member.applied_on, 3)
        while day <= ctx.today - timedelta(days=20):
            services.thought_report_record(actor=ctx.actor, member=member, submitted_on=day)
            day = add_months(day, 3)


def _plans(ctx: _Ctx, recruits: list[Member]) -> None:
    for year in (ctx.today.year - 1, ctx.today.year):
        for village, branch in ctx.branches.items():
            quota = {"甲马石村委会": 4, "白革龙村委会": 2, "里乐村委会": 1}[village]
            services.plan_set(organization=branch, actor=ctx.actor, year=year, quota=quota)


# --- activities -------------------------------------------------------------------------------------------------


def _members_of(organization: Organization) -> list[Member]:
    return list(
        Member.objects.filter(status=Member.Status.ACTIVE, stage__in=[Member.Stage.FULL, Member.Stage.PROBATIONARY])
        .filter(models_q_org(organization))
        .select_related("person")
        .order_by("pk")
    )


def models_q_org(organization: Organization):
    from django.db.models import Q

    return Q(organization=organization) | Q(seconded_to=organization)


def _attendance(ctx: _Ctx, members: list[Member], presence: float = 0.85) -> list[tuple[Member, str, str]]:
    rows = []
    for member in members:
        roll = ctx.rng.random()
        if roll < presence:
            rows.append((member, Attendance.Status.PRESENT, ""))
        elif roll < presence + 0.1:
            rows.append((member, Attendance.Status.LEAVE, ctx.rng.choice(["外出务工", "生病", "农忙", "照顾家人"])))
        else:
            rows.append((member, Attendance.Status.ABSENT, ""))
    return rows


def _activities(ctx: _Ctx) -> None:
    """A year of 三会一课 and theme days per branch (里乐 skipped two committee meetings; the temporary branch a
    party lesson), the county departments' trainings and the campaigns' publicity."""
    today, rng = ctx.today, ctx.rng
    start = today - timedelta(days=365)
    branches = [ctx.organ, *ctx.branches.values(), ctx.temporary]
    zh = ctx.languages["zh"]
    for branch in branches:
        members = _members_of(branch)
        first = max(start, branch.founded_on)
        month = date(first.year, first.month, 1)
        index = 0
        while month <= today:
            index += 1
            day = month + timedelta(days=rng.randint(4, 20))
            if first <= day <= today:
                themes = [ctx.themes["三强化"]] if index % 2 else [ctx.themes["三项教育"]]
                kinds = [(Activity.Kind.PARTY_DAY, "主题党日:学习征地政策,服务项目建设", Decimal("2"))]
                if branch.kind != Organization.Kind.TEMPORARY_BRANCH and not (
                    branch.name == "里乐村党支部" and index in (3, 7)
                ):
                    kinds.append(
                        (Activity.Kind.COMMITTEE_MEETING, "支委会:研究本月征地协调和发展党员工作", Decimal("1.5"))
                    )
                if month.month in (3, 6, 9, 12):
                    kinds.append((Activity.Kind.MEMBERS_MEETING, "支部党员大会:通报项目建设进展", Decimal("2")))
                    if not (branch == ctx.temporary and month.month == 6):
                        kinds.append((Activity.Kind.PARTY_LESSON, "党课:舍小家、顾大家,支持园区建设", Decimal("2")))
                if branch.party_groups:
                    kinds.append((Activity.Kind.GROUP_MEETING, "党小组会:走访联系户,收集群众诉求", Decimal("1")))
                for kind, title, hours in kinds:
                    attendees = members
                    if kind == Activity.Kind.COMMITTEE_MEETING:
                        attendees = (
                            [
                                p.member
                                for p in branch.terms.order_by("-elected_on")
                                .first()
                                .posts.select_related("member__person")
                            ]
                            if branch.terms.exists()
                            else []
                        )
                        if not attendees:
                            continue
                    services.activity_record(
                        actor=ctx.actor,
                        organization=branch,
                        kind=kind,
                        title=title,
                        held_on=day,
                        place=f"{branch.name}活动室" if branch != ctx.temporary else "甲马石村民小组活动点",
                        hours=hours,
                        attendance=_attendance(ctx, attendees),
                        themes=themes if kind in (Activity.Kind.PARTY_DAY, Activity.Kind.PARTY_LESSON) else [],
                        languages=[zh],
                        village_group=ctx.groups["甲马石"] if branch == ctx.temporary else None,
                    )
            month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    # Trainings by county departments for the members of the project area (三强化, 三项教育).
    project_members = [
        m for b in (ctx.branches["甲马石村委会"], ctx.branches["白革龙村委会"], ctx.temporary) for m in _members_of(b)
    ]
    project_members = list({m.pk: m for m in project_members}.values())
    trainings = [
        (300, "县发改局:园区产业规划与重点项目政策解读", "县发展和改革局", "三强化"),
        (240, "县国土局:征地补偿安置政策与法规培训", "县自然资源局(原国土资源局)", "三强化"),
        (150, "县国土局:土地管理法及实施条例解读", "县自然资源局(原国土资源局)", "三项教育"),
        (60, "县发改局:项目建设与群众增收", "县发展和改革局", "三项教育"),
    ]
    for days, title, department, theme in trainings:
        services.activity_record(
            actor=ctx.actor,
            organization=ctx.committee,
            kind=Activity.Kind.TRAINING,
            title=title,
            held_on=today - timedelta(days=days),
            place="镇政府会议室",
            hours=Decimal("4"),
            organiser_department=department,
            attendance=_attendance(ctx, project_members, 0.8),
            themes=[ctx.themes[theme]],
            languages=[zh],
        )
    publicity = [
        (330, "召开动员大会宣传园区建设的重要性", Activity.PublicityForm.MEETING, 420),
        (320, "村村通广播:氧化铝项目对全县发展的拉动作用", Activity.PublicityForm.BROADCAST, 1800),
        (310, "在项目所在村寨张贴支持园区建设标语", Activity.PublicityForm.SLOGANS, 0),
        (200, "机关党员开展“六个一”服务承诺宣传", Activity.PublicityForm.MEETING, 60),
    ]
    for days, title, form, reached in publicity:
        services.activity_record(
            actor=ctx.actor,
            organization=ctx.committee,
            kind=Activity.Kind.PUBLICITY,
            title=title,
            held_on=today - timedelta(days=days),
            place="项目所在村寨",
            hours=Decimal("0"),
            publicity_form=form,
            non_member_count=reached,
            themes=[ctx.themes["六个一" if "六个一" in title else "三强化"]],
            languages=[zh],
        )


def _language_teams(ctx: _Ctx) -> None:
    """A Miao-speaking and a Yi-speaking work team of cadres and members, with their visits to branches."""
    for code, name, visits in (
        ("hmn", "苗语宣传工作组", [("甲马石", "甲马石村委会"), ("干塘子", "甲马石村委会"), ("白革龙", "白革龙村委会")]),
        ("ii", "彝语宣传工作组", [("白革龙", "白革龙村委会"), ("幕菲新寨", "白革龙村委会"), ("里乐", "里乐村委会")]),
    ):
        language = ctx.languages[code]
        speakers = list(
            Member.objects.filter(languages=language, stage=Member.Stage.FULL, status=Member.Status.ACTIVE)
            .select_related("person")
            .order_by("-organization__kind", "pk")
        )
        organ_speakers = [m for m in speakers if m.organization_id == ctx.organ.pk]
        others = [m for m in speakers if m.organization_id != ctx.organ.pk]
        team_members = (organ_speakers[:2] + others[:2])[:4]
        team = services.language_team_save(
            actor=ctx.actor,
            organization=ctx.committee,
            name=name,
            language=language,
            founded_on=ctx.today - timedelta(days=320),
            members=team_members,
            note=f"抽调会讲{language.name}的少数民族干部和党员干部组成,深入党支部开展宣传",
        )
        for index, (group_name, village) in enumerate(visits):
            branch = ctx.branches[village]
            services.activity_record(
                actor=ctx.actor,
                organization=branch,
                kind=Activity.Kind.PUBLICITY,
                title=f"{language.name}宣讲:园区建设与征地政策",
                held_on=ctx.today - timedelta(days=280 - index * 70),
                place=f"{group_name}村民小组",
                village_group=ctx.groups[group_name],
                hours=Decimal("2"),
                publicity_form=Activity.PublicityForm.MEETING,
                language_team=team,
                non_member_count=ctx.rng.randint(35, 90),
                attendance=_attendance(
                    ctx,
                    [
                        m
                        for m in _members_of(branch)
                        if m.person.household.village_group_id == ctx.groups[group_name].pk
                    ],
                ),
                languages=[language, ctx.languages["zh"]],
                themes=[ctx.themes["三强化"]],
            )


# --- contacts, dues, evaluation, ratings, accounts ------------------------------------------------------------------


def _contacts(ctx: _Ctx, project: Project) -> None:
    """A contact member for every household of the project area: members living in the same group (a group
    without any, its village's members)."""
    from lianxin.land.models import ContractHolding

    holder_ids = set(ContractHolding.objects.filter(parcel__project=project).values_list("household_id", flat=True))
    households = list(Household.objects.filter(pk__in=holder_ids).select_related("village_group").order_by("pk"))
    by_group: dict[int, list[Household]] = {}
    for household in households:
        by_group.setdefault(household.village_group_id, []).append(household)
    since = ctx.temporary.founded_on
    for group_id, group_households in by_group.items():
        contacts = list(
            Member.objects.filter(
                status=Member.Status.ACTIVE,
                stage__in=[Member.Stage.FULL, Member.Stage.PROBATIONARY],
                non_resident=False,
                person__household__village_group_id=group_id,
            ).order_by("pk")
        )
        if not contacts:
            contacts = _full_members(ctx.temporary)
        share: dict[int, list[Household]] = {}
        for index, household in enumerate(group_households):
            share.setdefault(index % len(contacts), []).append(household)
        for index, mine in share.items():
            services.household_link_set(actor=ctx.actor, member=contacts[index], households=mine, since=since)


def _dues_and_evaluations(ctx: _Ctx) -> None:
    """This year's dues (a few members behind) and last year's democratic evaluation."""
    from .rules import monthly_dues

    rules = services.rules_current()
    today, rng = ctx.today, ctx.rng
    members = list(
        Member.objects.filter(
            status=Member.Status.ACTIVE, stage__in=[Member.Stage.FULL, Member.Stage.PROBATIONARY]
        ).select_related("organization")
    )
    for member in members:
        first = max(date(today.year, 1, 1), member.joined_on.replace(day=1))
        last = date(today.year, today.month, 1)
        months = []
        month = first
        while month < last:
            months.append(month)
            month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        if rng.random() < 0.08:
            months = months[: max(0, len(months) - rng.randint(2, 5))]
        if months:
            amount = monthly_dues(member.dues_category, member.monthly_income, member.dues_fixed, rules.farmer_dues)
            services.dues_pay(
                actor=ctx.actor,
                member=member,
                months=months,
                amount_per_month=amount,
                paid_on=months[-1] + timedelta(days=5),
            )
    year = today.year - 1
    for organization in [ctx.organ, *ctx.branches.values()]:
        grades = {}
        for member in Member.objects.filter(
            organization=organization, stage=Member.Stage.FULL, full_on__year__lt=year + 1, status=Member.Status.ACTIVE
        ).select_related("person"):
            roll = rng.random()
            grade = (
                MemberEvaluation.Grade.EXCELLENT
                if roll < 0.2
                else MemberEvaluation.Grade.QUALIFIED
                if roll < 0.96
                else MemberEvaluation.Grade.BASIC
            )
            grades[member] = (grade, "")
        services.evaluation_record(actor=ctx.actor, organization=organization, year=year, grades=grades)


def _service_standard(ctx: _Ctx) -> None:
    """The "六个一" checklist of the enterprise requests' revisits, and the integrity reports' categories."""
    from lianxin.cases.models import Case, CaseEvent, ServiceStandardCheck
    from lianxin.cases.services import integrity_report_submit

    events = (
        CaseEvent.objects.filter(
            case__kind=Case.Kind.ENTERPRISE_REQUEST, to_state=Case.State.REVISITED, service_check__isnull=True
        )
        .select_related("case__service_item")
        .order_by("pk")
    )
    items = [name for name, _label in ServiceStandardCheck.ITEMS]
    for event in events:
        case = event.case
        misses = set(ctx.rng.sample(items, k=0 if (case.satisfaction or 5) >= 5 else 2))
        ServiceStandardCheck.objects.create(
            case=case,
            event=event,
            handler_id=case.assignee_id,
            unit=case.service_item.department if case.service_item_id else "",
            checked_on=timezone.localtime(event.at).date(),
            **{name: name not in misses for name in items},
        )
    reports = Case.objects.filter(kind=Case.Kind.INTEGRITY_REPORT, integrity_category="")
    reports.update(integrity_category=Case.IntegrityCategory.ASKING_FAVOURS)
    if not Case.objects.filter(
        kind=Case.Kind.INTEGRITY_REPORT, integrity_category=Case.IntegrityCategory.SHIRKING
    ).exists():
        village = ctx.groups["白革龙"].parent
        integrity_report_submit(
            actor=None,
            title="办理用地报件时相互推诿",
            description="企业到镇里办理用地报件,几个站所互相推给对方,跑了三次没有结果。",
            region=village,
            integrity_category=Case.IntegrityCategory.SHIRKING,
            reported_cadre_name="某站所工作人员",
        )


def _secretary_account(report, ctx: _Ctx, admin: User, township: Region) -> None:
    """A branch secretary's account (支部书记): the organ branch, and with it the temporary branch it seconds to."""
    from lianxin.accounts.services import user_create

    existing = User.objects.filter(username="secretary").first()
    if existing is not None:
        report.accounts.append(("secretary", Role(Role.BRANCH_SECRETARY).label, None))
        return
    user, password = user_create(
        username="secretary", full_name="镇机关党支部书记(演示)", role=Role.BRANCH_SECRETARY, scope_region=township
    )
    services.secretary_scope_set(actor=admin, user=user, organization=ctx.organ)
    report.accounts.append(("secretary", Role(Role.BRANCH_SECRETARY).label, password))
