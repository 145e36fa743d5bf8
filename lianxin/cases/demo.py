"""A realistic year of cases for the demo township, made through the services (numbers, history, deadlines).

Land-compensation disputes of the alumina project's stalled households (those whose parcels are still only
surveyed, when the land ledger has data), enterprise requests against the service catalogue with their
ratings, a few integrity reports, security incidents on the construction sites of which 14 thefts are
solved with 29 suspects caught (the seed report's figures), and a weekly joint-defence patrol log.
Deterministic (seeded RNG); a second run adds nothing.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from lianxin.accounts.models import User
from lianxin.accounts.roles import Role
from lianxin.enterprises.models import Enterprise, Project
from lianxin.people.models import Household
from lianxin.regions.models import Region

from . import services
from .models import Case, PatrolLog, ServiceItem

State = Case.State

SOLVED_THEFTS = 14
SUSPECTS_CAUGHT = 29
# suspects caught per solved theft; sums to 29
SUSPECTS_PER_THEFT = [3, 2, 2, 1, 2, 3, 2, 1, 2, 2, 3, 2, 2, 2]

CATALOGUE = [
    ("项目用地手续协调", "镇国土和村镇规划建设服务中心", 15, "用地预审、征地报批材料的协调与代办"),
    ("施工用电用水报装协调", "镇经济发展办公室", 5, "协调供电所、水务站办理临时用电用水"),
    ("施工许可代办", "镇政务服务中心", 10, "施工许可、质量安全监督手续代办"),
    ("招工用工对接", "镇劳动保障所", 7, "组织本地劳动力、失地农民到企业应聘"),
    ("周边环境协调", "园区协调工作组", 5, "施工扰民、道路占用等与周边村组的协调"),
    ("企业开办登记帮办", "镇政务服务中心", 3, "营业执照、税务登记等开办事项帮办"),
    ("安全生产指导", "镇安全生产监督管理站", 10, "安全生产检查与整改指导"),
    ("融资政策咨询", "镇财政所", 5, "贴息、担保等政策咨询与申报指导"),
]
REQUESTS = [
    ("施工用电用水报装协调", "二期施工临时用电增容"),
    ("项目用地手续协调", "赤泥堆场用地报批材料补正"),
    ("招工用工对接", "招聘本地操作工80人"),
    ("周边环境协调", "运输车辆夜间通行投诉协调"),
    ("施工许可代办", "综合楼施工许可办理"),
    ("企业开办登记帮办", "新设物流子公司登记"),
    ("安全生产指导", "新建仓库消防验收前指导"),
    ("融资政策咨询", "技改项目贴息申报"),
    ("施工用电用水报装协调", "生活区供水管网接入"),
    ("招工用工对接", "失地农民岗前培训后上岗"),
    ("周边环境协调", "施工粉尘影响村民协调"),
    ("项目用地手续协调", "临时用地复垦方案审查"),
    ("施工许可代办", "厂区道路工程施工许可"),
    ("招工用工对接", "招聘彝族、苗族双语安全员"),
    ("施工用电用水报装协调", "变电站接入协调"),
    ("企业开办登记帮办", "分公司变更登记"),
]
OTHER_DISPUTES = [
    (Case.DisputeCategory.BOUNDARY, "承包地界线争议", "两户对相邻承包地的界桩位置有争议。"),
    (Case.DisputeCategory.CONSTRUCTION_NUISANCE, "施工噪声扰民", "夜间施工噪声影响村民休息。"),
    (Case.DisputeCategory.WAGES, "务工人员工资拖欠", "本地务工人员反映分包单位拖欠工资。"),
    (Case.DisputeCategory.NEIGHBOURS, "宅基地排水纠纷", "邻里因排水沟走向发生争执。"),
    (Case.DisputeCategory.CONSTRUCTION_NUISANCE, "运输车辆损坏村道", "重型车辆碾压村组道路。"),
    (Case.DisputeCategory.WAGES, "临时工劳务费结算", "临时工对劳务费计算方式有异议。"),
    (Case.DisputeCategory.OTHER, "坟墓搬迁补偿争议", "对坟墓搬迁补偿标准有异议。"),
    (Case.DisputeCategory.BOUNDARY, "林地权属争议", "两个村民小组对一片林地的权属有争议。"),
]
INTEGRITY = [
    ("村干部索要好处费", "办理青苗补偿登记时,村干部暗示需要请客。", "某村民小组长"),
    ("站所人员收受企业礼品", "某站所工作人员在检查中收受企业烟酒。", "某站所工作人员"),
    ("工作人员吃拿卡要", "办理施工许可时被要求安排吃饭。", "政务服务中心某工作人员"),
]
OTHER_INCIDENTS = [
    (Case.IncidentType.DAMAGE, "围挡被破坏"),
    (Case.IncidentType.DAMAGE, "临时水管被挖断"),
    (Case.IncidentType.OBSTRUCTION, "个别村民阻挠施工"),
    (Case.IncidentType.OBSTRUCTION, "堵路阻止运输车辆"),
    (Case.IncidentType.FIGHT, "工人宿舍打架"),
]
SITES = ["氧化铝项目一标段", "氧化铝项目二标段", "赤泥堆场工地", "园区主干道工地", "电解铝项目工地"]
THEFT_GOODS = ["钢筋", "电缆", "铝锭", "模板", "扣件", "铜芯线", "柴油", "角钢"]


def _workday_after(day: date, n: int) -> date:
    from lianxin.core.workdays import add_workdays

    return add_workdays(day, n).date


def _walk(case: Case, actor, start: date, plan: list, today: date) -> Case:
    """Move ``case`` along ``plan`` [(state, working days after the previous step, kwargs)] while dates are past."""
    day = start
    for to_state, delay, extra in plan:
        day = _workday_after(day, delay)
        if day > today:
            break
        case = services.case_transition(case=case, to_state=to_state, actor=actor, on=day, **extra)
    return case


def _users() -> dict[str, User | None]:
    return {
        role: User.objects.filter(role=role, is_active=True).order_by("id").first()
        for role in (
            Role.WORKING_GROUP,
            Role.VILLAGE_CADRE,
            Role.POLICE_LIAISON,
            Role.ENTERPRISE_LIAISON,
            Role.DISCIPLINE_INSPECTOR,
        )
    }


def _stalled_households(project: Project | None, villages: list[Region], limit: int) -> list[tuple[Household, list]]:
    """Households holding parcels of the project still only surveyed; else households of the park's first village."""
    found: list[tuple[Household, list]] = []
    if project is not None:
        from lianxin.land.models import ContractHolding, Parcel

        holdings = (
            ContractHolding.objects.filter(parcel__project=project, parcel__status=Parcel.Status.SURVEYED)
            .select_related("household__village_group", "parcel")
            .order_by("household_id", "parcel_id")
        )
        by_household: dict[int, tuple[Household, list]] = {}
        for holding in holdings[:2000]:
            entry = by_household.setdefault(holding.household_id, (holding.household, []))
            entry[1].append(holding.parcel)
        found = list(by_household.values())[:limit]
    if len(found) < limit:
        taken = {h.pk for h, _parcels in found}
        extra = (
            Household.objects.filter(village_group__parent__in=villages[:2])
            .exclude(pk__in=taken)
            .select_related("village_group")
            .order_by("id")[: limit - len(found)]
        )
        found += [(h, []) for h in extra]
    return found


def build_cases(report, township: Region, villages: list[Region], today: date) -> None:
    """A year of cases of all four kinds and the patrol log (skipped when the demo already has cases)."""
    users = _users()
    if not all(users.values()):
        return
    _catalogue(report, users[Role.WORKING_GROUP])
    if Case.objects.exists():
        return
    rng = random.Random(20115)
    alumina = Project.objects.filter(capacity=Decimal("800000")).select_related("enterprise").first()
    _disputes(report, rng, users, alumina, township, villages, today)
    _requests(report, rng, users, today)
    _integrity_reports(report, users, township, villages, today)
    _incidents(report, rng, users, villages, today)
    _patrols(report, users, villages, today)


def _catalogue(report, admin: User) -> None:
    for name, department, days, description in CATALOGUE:
        if ServiceItem.objects.filter(name=name).exists():
            continue
        services.service_item_save(
            actor=admin, name=name, department=department, time_limit_workdays=days, description=description
        )
        report.count("service items")


def _disputes(report, rng, users, alumina, township, villages, today) -> None:
    handler = users[Role.WORKING_GROUP]
    stalled = _stalled_households(alumina, villages, 12)
    for i, (household, parcels) in enumerate(stalled):
        start = today - timedelta(days=350 - i * 27)
        head = household.members.filter(relation="head").first()
        name = head.name if head else household.number
        case = services.dispute_register(
            actor=handler,
            title=f"{household.village_group.name}{name}户征地补偿纠纷",
            description=rng.choice(
                [
                    "对地块测量面积有异议,认为少量了约0.3亩,拒绝签订补偿协议。",
                    "认为青苗和地上附着物补偿标准偏低,要求重新清点。",
                    "家庭成员之间对土地补偿款分配有争议。",
                    "对承包地与集体机动地的界线有异议,影响补偿协议签订。",
                ]
            ),
            region=household.village_group,
            category=Case.DisputeCategory.LAND_COMPENSATION,
            parties=[("applicant", household)],
            parcels=parcels,
            project=alumina,
            registered_at=services._noon(start),
        )
        outcome = Case.DisputeOutcome.AGREEMENT if i % 5 else Case.DisputeOutcome.REFERRED_PETITION
        plan = [
            (State.ACCEPTED, 1, {}),
            (State.IN_PROGRESS, 1, {}),
        ]
        if i % 4 == 1:
            plan += [(State.SUSPENDED, 3, {"reason": "等待申请人补交承包经营权证复印件"}), (State.IN_PROGRESS, 6, {})]
        # the last two stay open; one of them (slow) runs past its deadline
        resolve_after = 12 + (i % 3) * 5 if i < len(stalled) - 2 else 60
        plan += [
            (State.RESOLVED, resolve_after, {"reason": "经调解,双方同意按复测面积签订补偿协议。", "outcome": outcome}),
            (State.REVISITED, 5, {"satisfaction": 5 - (i % 3 == 2), "reason": "电话回访,当事人表示认可。"}),
            (State.CLOSED, 3, {}),
        ]
        case = _walk(case, handler, start, plan, today)
        if case.state not in (State.REGISTERED, State.ACCEPTED):
            held = _workday_after(start, 4)
            if held <= today and case.is_open:
                services.mediation_record(
                    case=case,
                    actor=handler,
                    held_on=held,
                    place=f"{household.village_group.parent.name}调解室",
                    participants=f"{name}户、工作组、村调委会、项目部",
                    summary="现场复核地块界址和面积,讲解补偿标准,当事人表示回去商量。",
                )
        report.count("cases")
    cadre = users[Role.VILLAGE_CADRE]
    cadre_groups = list(Region.objects.filter(parent=cadre.scope_region).order_by("id")) if cadre.scope_region else []
    for i, (category, title, description) in enumerate(OTHER_DISPUTES):
        start = today - timedelta(days=300 - i * 36)
        region = cadre_groups[i % len(cadre_groups)] if cadre_groups else villages[0]
        actor = cadre if cadre_groups else handler
        case = services.dispute_register(
            actor=actor,
            title=title,
            description=description,
            region=region,
            category=category,
            registered_at=services._noon(start),
        )
        plan = [
            (State.ACCEPTED, 1, {}),
            (State.IN_PROGRESS, 1, {}),
            (State.RESOLVED, 8 + i, {"reason": "调解成功,双方签字确认。", "outcome": Case.DisputeOutcome.AGREEMENT}),
            (State.REVISITED, 5, {"satisfaction": 4 + (i % 2), "reason": "回访满意"}),
            (State.CLOSED, 2, {}),
        ]
        _walk(case, actor, start, plan, today)
        report.count("cases")


def _requests(report, rng, users, today) -> None:
    handler, liaison = users[Role.WORKING_GROUP], users[Role.ENTERPRISE_LIAISON]
    items = {item.name: item for item in ServiceItem.objects.all()}
    enterprises = list(Enterprise.objects.filter(in_park=True).order_by("id")[:8])
    for i, (item_name, title) in enumerate(REQUESTS):
        last = i == len(REQUESTS) - 1
        start = today - timedelta(days=3 if last else 340 - i * 21)
        own = i % 3 == 0 and liaison.scope_enterprise_id
        enterprise = liaison.scope_enterprise if own else enterprises[i % len(enterprises)]
        case = services.enterprise_request_submit(
            actor=liaison if own else handler,
            enterprise=enterprise,
            service_item=items[item_name],
            title=title,
            description=f"{enterprise.name}申请:{title},请协调办理。",
            registered_at=services._noon(start),
        )
        limit = items[item_name].time_limit_workdays
        # most are done within the promise, a few late; the last ones are still open (one past its deadline)
        took = max(1, limit - 2) if i % 6 else limit + 4
        plan = [
            (State.ACCEPTED, 1, {}),
            (State.IN_PROGRESS, 0, {}),
            (State.RESOLVED, took, {"reason": "已协调相关部门办结,结果已告知企业。"}),
        ]
        if i == len(REQUESTS) - 2:
            plan = plan[:2]
        elif last:
            plan = plan[:1]
        case = _walk(case, handler, start, plan, today)
        if case.state == State.RESOLVED:
            rate_day = _workday_after(timezone_date(case.resolved_at), 2)
            if rate_day <= today:
                score = 5 if took < limit else 3
                if own:
                    case = services.case_rate(
                        case=case,
                        actor=liaison,
                        satisfaction=score,
                        comment="办理及时,服务周到" if score == 5 else "比承诺时间晚了几天",
                        on=rate_day,
                    )
                else:
                    case = services.case_transition(
                        case=case,
                        to_state=State.REVISITED,
                        actor=handler,
                        reason="电话回访企业",
                        satisfaction=score,
                        on=rate_day,
                    )
                close_day = _workday_after(rate_day, 2)
                if close_day <= today and i % 4:
                    services.case_transition(case=case, to_state=State.CLOSED, actor=handler, on=close_day)
        report.count("cases")


def timezone_date(moment) -> date:
    from django.utils import timezone

    return timezone.localtime(moment).date()


def _integrity_reports(report, users, township, villages, today) -> None:
    inspector = users[Role.DISCIPLINE_INSPECTOR]
    for i, (title, description, who) in enumerate(INTEGRITY):
        start = today - timedelta(days=240 - i * 70)
        case, _code, _passphrase = services.integrity_report_submit(
            actor=None,
            title=title,
            description=description,
            region=villages[i % len(villages)],
            anonymous=i != 1,
            reporter_name="" if i != 1 else "企业员工(实名)",
            reported_cadre_name=who,
            registered_at=services._noon(start),
        )
        plan = [
            (State.ACCEPTED, 2, {}),
            (State.IN_PROGRESS, 1, {}),
            (State.RESOLVED, 20, {"reason": "经核实,已对相关人员进行诫勉谈话并责令退还。"}),
            (State.REVISITED, 5, {}),
        ]
        _walk(case, inspector, start, plan if i < 2 else plan[:2], today)
        report.count("cases")


def _incidents(report, rng, users, villages, today) -> None:
    police = users[Role.POLICE_LIAISON]
    groups = list(Region.objects.filter(parent__in=villages[:2]).order_by("id"))
    thefts = [(True, n) for n in SUSPECTS_PER_THEFT] + [(False, 0)] * 4
    for i, (solved, caught) in enumerate(thefts):
        start = today - timedelta(days=355 - i * 18)
        goods = THEFT_GOODS[i % len(THEFT_GOODS)]
        loss = Decimal(rng.randrange(8, 260) * 100)
        case = services.security_incident_register(
            actor=police,
            title=f"{SITES[i % len(SITES)]}{goods}被盗",
            description=f"夜间{SITES[i % len(SITES)]}{goods}被盗,价值约{loss}元。",
            region=groups[i % len(groups)],
            incident_type=Case.IncidentType.THEFT,
            site=SITES[i % len(SITES)],
            occurred_on=start - timedelta(days=1),
            loss_value=loss,
            registered_at=services._noon(start),
        )
        plan = [(State.ACCEPTED, 0, {}), (State.IN_PROGRESS, 1, {})]
        if solved:
            # solved cases are all resolved within the year so the period's figures state 14 and 29
            plan += [
                (
                    State.RESOLVED,
                    5 + i % 7,
                    {
                        "reason": f"破案,抓获犯罪嫌疑人{caught}名,追回部分{goods}。",
                        "solved": True,
                        "suspects_caught": caught,
                    },
                ),
                (State.REVISITED, 3, {"reason": "回访施工单位"}),
                (State.CLOSED, 2, {}),
            ]
        _walk(case, police, start, plan, today)
        report.count("cases")
    for i, (incident_type, title) in enumerate(OTHER_INCIDENTS):
        start = today - timedelta(days=300 - i * 50)
        case = services.security_incident_register(
            actor=police,
            title=title,
            description=f"{SITES[i % len(SITES)]}:{title}。",
            region=groups[(i + 3) % len(groups)],
            incident_type=incident_type,
            site=SITES[i % len(SITES)],
            occurred_on=start,
            registered_at=services._noon(start),
        )
        plan = [
            (State.ACCEPTED, 0, {}),
            (State.IN_PROGRESS, 1, {}),
            (State.RESOLVED, 4, {"reason": "经教育疏导,已恢复正常施工秩序。"}),
        ]
        _walk(case, police, start, plan, today)
        report.count("cases")


def _patrols(report, users, villages, today) -> None:
    police = users[Role.POLICE_LIAISON]
    if PatrolLog.objects.exists():
        return
    groups = list(Region.objects.filter(parent__in=villages[:2]).order_by("id"))
    routes = ["一标段—二标段—材料堆场", "赤泥堆场—园区主干道", "电解铝工地—生活区", "园区东门—铝业厂区围墙"]
    findings = [
        "未发现异常",
        "发现围挡破损一处,已通知施工方修复",
        "劝离无关人员2名",
        "未发现异常",
        "发现照明不足,已反映",
    ]
    for week in range(52):
        day = today - timedelta(days=7 * week + 1)
        services.patrol_log_record(
            actor=police,
            team=f"联防{week % 3 + 1}队",
            patrolled_on=day,
            route=routes[week % len(routes)],
            region=groups[week % len(groups)],
            members="派出所民警1名、村治保员2名、企业保安2名",
            findings=findings[week % len(findings)],
        )
        report.count("patrol logs")
