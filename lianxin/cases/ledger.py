"""The historical case ledger (案件台账) as the import engine reads it: one row per past case, keyed by its number.

The state follows from the dates the row gives (closed → 已归档, resolved → 已办结, accepted → 办理中,
else 已登记); the deadline is computed from the acceptance date like a live case. Each imported case
gets its history lines (登记, and the imported state), which are append-only: an import of cases can
therefore not be undone; a wrong row is corrected by importing it again (descriptive fields only).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as N_

from lianxin.accounts.services import audit_batch
from lianxin.core.errors import DomainError
from lianxin.core.permissions import scope_to_user
from lianxin.imports.headers import Column
from lianxin.imports.ledger import Context, Ledger, RowRejected, Written, register
from lianxin.regions.models import Region

from .models import Case, CaseEvent, CaseSequence
from .selectors import KIND_VIEW_PERMISSIONS
from .services import NUMBER_PREFIX, time_limit_for

with translation.override(None):  # Chinese source labels, whatever language is active
    KINDS = {str(label): value for value, label in Case.Kind.choices}
    CATEGORIES = {str(label): value for value, label in Case.DisputeCategory.choices}
    OUTCOMES = {str(label): value for value, label in Case.DisputeOutcome.choices}
    INCIDENTS = {str(label): value for value, label in Case.IncidentType.choices}
KINDS.update({"纠纷": Case.Kind.DISPUTE, "诉求": Case.Kind.ENTERPRISE_REQUEST, "举报": Case.Kind.INTEGRITY_REPORT})
KINDS.update({"治安": Case.Kind.SECURITY_INCIDENT, "案件": Case.Kind.SECURITY_INCIDENT})
INCIDENTS.update(
    {"盗窃": Case.IncidentType.THEFT, "破坏": Case.IncidentType.DAMAGE, "阻工": Case.IncidentType.OBSTRUCTION}
)

NUMBER = re.compile(r"^(JF|QS|LZ|ZA)-(\d{4})-(\d{4,6})$")
UPDATABLE = (
    "title",
    "description",
    "result",
    "dispute_category",
    "dispute_outcome",
    "incident_type",
    "site",
    "loss_value",
    "solved",
    "suspects_caught",
    "satisfaction",
)


@dataclass
class CaseRow:
    number: str
    kind: str
    title: str
    description: str
    region: Region
    registered_on: date
    accepted_on: date | None
    resolved_on: date | None
    closed_on: date | None
    result: str
    dispute_category: str
    dispute_outcome: str
    incident_type: str
    site: str
    loss_value: Decimal | None
    solved: bool
    suspects_caught: int
    satisfaction: int | None

    @property
    def state(self) -> str:
        if self.closed_on:
            return Case.State.CLOSED
        if self.resolved_on:
            return Case.State.RESOLVED
        if self.accepted_on:
            return Case.State.IN_PROGRESS
        return Case.State.REGISTERED

    def fields(self) -> dict:
        return {f: getattr(self, f) for f in UPDATABLE}


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=timezone.get_current_timezone())


@register
class CaseLedger(Ledger):
    key = "cases"
    label = N_("历史案件台账")
    permission = "cases.add_case"
    reads = ("regions.Region",)
    columns = (
        Column(
            "number",
            N_("编号"),
            ("案件编号", "案号", "登记编号"),
            required=True,
            help=gettext_lazy("如 JF-2011-0007:JF纠纷、QS诉求、LZ举报、ZA治安,年份,4位序号"),
        ),
        Column("kind", N_("类别"), ("案件类别", "类型"), kind="choice", choices=KINDS, required=True),
        Column("title", N_("标题"), ("事由", "案由", "事项"), required=True),
        Column("description", N_("情况描述"), ("简要情况", "基本情况", "内容")),
        Column("region", N_("所属区域"), ("所在村", "村委会", "村民小组", "区域", "发生地"), required=True),
        Column("registered_on", N_("登记日期"), ("受理登记日期", "日期", "发生日期"), kind="date", required=True),
        Column("accepted_on", N_("受理日期"), (), kind="date"),
        Column("resolved_on", N_("办结日期"), ("结案日期", "调处日期"), kind="date"),
        Column("closed_on", N_("归档日期"), (), kind="date"),
        Column("result", N_("办理结果"), ("处理结果", "调处结果说明", "结果")),
        Column("dispute_category", N_("纠纷类别"), ("矛盾类别",), kind="choice", choices=CATEGORIES),
        Column("dispute_outcome", N_("调处结果"), ("调解结果",), kind="choice", choices=OUTCOMES),
        Column("incident_type", N_("案件类型"), ("治安案件类型", "警情类别"), kind="choice", choices=INCIDENTS),
        Column("site", N_("发案地点/工地"), ("发案地点", "工地", "地点")),
        Column("loss_value", N_("损失价值"), ("损失金额", "涉案价值"), kind="money", unit="元"),
        Column("solved", N_("已破案"), ("是否破案", "破案"), kind="bool"),
        Column("suspects_caught", N_("抓获嫌疑人"), ("抓获人数", "抓获"), kind="int"),
        Column("satisfaction", N_("满意度"), ("回访满意度", "评价"), kind="int", help=gettext_lazy("1至5分")),
    )
    sample = {
        "number": "JF-2011-0007",
        "kind": "矛盾纠纷",
        "title": "甲马石组征地补偿款分配纠纷",
        "description": "两户对承包地补偿款分配有争议",
        "region": "甲马石",
        "registered_on": "2011-05-09",
        "accepted_on": "2011-05-10",
        "resolved_on": "2011-05-30",
        "closed_on": "2011-06-08",
        "result": "经调解按承包合同面积分配",
        "dispute_category": "征地补偿",
        "dispute_outcome": "达成调解协议",
        "satisfaction": 5,
    }

    def start(self, ctx: Context) -> None:
        regions = scope_to_user(Region.objects.all(), ctx.user)
        ctx.cache["regions"] = {region.name: region for region in regions}
        ctx.cache["kinds"] = {k for k, perm in KIND_VIEW_PERMISSIONS.items() if ctx.user.has_perm(perm)}

    def prepare(self, values: dict[str, Any], ctx: Context) -> CaseRow:
        number = str(values["number"]).strip().upper()
        match = NUMBER.match(number)
        if match is None:
            raise RowRejected(_("编号“%(number)s”格式不对,应如 JF-2011-0007") % {"number": number}, "number")
        kind = values["kind"]
        if NUMBER_PREFIX[kind] != match.group(1):
            raise RowRejected(
                _("编号前缀%(prefix)s与类别不符,%(kind)s应为%(expected)s")
                % {"prefix": match.group(1), "kind": Case.Kind(kind).label, "expected": NUMBER_PREFIX[kind]},
                "number",
            )
        if kind not in ctx.cache["kinds"]:
            raise RowRejected(_("您的角色无权登记%(kind)s") % {"kind": Case.Kind(kind).label}, "kind")
        region = ctx.cache["regions"].get(values["region"])
        if region is None:
            raise RowRejected(_("区域“%(name)s”不存在或不在您的管辖范围内") % {"name": values["region"]}, "region")
        dates = [values.get(k) for k in ("registered_on", "accepted_on", "resolved_on", "closed_on")]
        present = [d for d in dates if d]
        if present != sorted(present):
            raise RowRejected(_("日期先后不对:登记、受理、办结、归档日期应依次不早于前一个"), "accepted_on")
        if values.get("resolved_on") and not values.get("accepted_on"):
            raise RowRejected(_("填写办结日期时须填写受理日期"), "accepted_on")
        if values.get("closed_on") and not values.get("resolved_on"):
            raise RowRejected(_("填写归档日期时须填写办结日期"), "resolved_on")
        if present and present[-1] > timezone.localdate():
            raise RowRejected(_("历史案件的日期不能晚于今天"), "registered_on")
        satisfaction = values.get("satisfaction")
        if satisfaction is not None and not 1 <= satisfaction <= 5:
            raise RowRejected(_("满意度须为1至5分"), "satisfaction")
        if kind == Case.Kind.DISPUTE and not values.get("dispute_category"):
            raise RowRejected(_("矛盾纠纷须填写纠纷类别"), "dispute_category")
        if kind == Case.Kind.SECURITY_INCIDENT and not values.get("incident_type"):
            raise RowRejected(_("治安案件须填写案件类型"), "incident_type")
        if (values.get("suspects_caught") or 0) < 0:
            raise RowRejected(_("抓获人数不能为负数"), "suspects_caught")
        return CaseRow(
            number=number,
            kind=kind,
            title=values["title"],
            description=values.get("description") or values["title"],
            region=region,
            registered_on=values["registered_on"],
            accepted_on=values.get("accepted_on"),
            resolved_on=values.get("resolved_on"),
            closed_on=values.get("closed_on"),
            result=values.get("result") or "",
            dispute_category=values.get("dispute_category") or "",
            dispute_outcome=values.get("dispute_outcome") or "",
            incident_type=values.get("incident_type") or "",
            site=values.get("site") or "",
            loss_value=values.get("loss_value"),
            solved=bool(values.get("solved")),
            suspects_caught=values.get("suspects_caught") or 0,
            satisfaction=satisfaction,
        )

    def natural_key(self, prepared: CaseRow) -> str:
        return prepared.number

    def existing(self, chunk: list[CaseRow], ctx: Context) -> dict[str, dict]:
        return {
            row["number"]: row
            for row in Case.objects.filter(number__in=[p.number for p in chunk]).values(
                "pk", "number", "kind", "region__path", *UPDATABLE
            )
        }

    def classify(self, prepared: CaseRow, current: dict | None, ctx: Context) -> str:
        if current is None:
            return "create"
        if not scope_to_user(Case.objects.filter(pk=current["pk"]), ctx.user).exists():
            raise RowRejected(_("编号%(number)s已被其他单位的案件使用") % {"number": prepared.number}, "number")
        if current["kind"] != prepared.kind:
            raise RowRejected(_("编号%(number)s已登记为其他类别的案件") % {"number": prepared.number}, "kind")
        return "update" if any(current[f] != v for f, v in prepared.fields().items()) else "unchanged"

    def write(self, creates: list[CaseRow], updates: list[tuple[CaseRow, dict]], ctx: Context) -> Written:
        from lianxin.core.workdays import add_workdays

        written = Written()
        cases = []
        for p in creates:
            limit = time_limit_for(p.kind)
            deadline = add_workdays(p.accepted_on, limit) if p.accepted_on else None
            cases.append(
                Case(
                    number=p.number,
                    kind=p.kind,
                    state=p.state,
                    region=p.region,
                    registered_by=ctx.user,
                    registered_at=_noon(p.registered_on),
                    accepted_on=p.accepted_on,
                    time_limit_workdays=limit if p.accepted_on else None,
                    due_on=deadline.date if deadline else None,
                    due_provisional=deadline.provisional if deadline else False,
                    resolved_at=_noon(p.resolved_on) if p.resolved_on else None,
                    closed_at=_noon(p.closed_on) if p.closed_on else None,
                    **p.fields(),
                )
            )
        created = Case.objects.bulk_create(cases, batch_size=500)
        events = []
        for case, p in zip(created, creates, strict=True):
            written.created.append(("cases.case", case.pk))
            events.append(
                CaseEvent(
                    case=case,
                    to_state=Case.State.REGISTERED,
                    actor=ctx.user,
                    at=case.registered_at,
                    reason=_("历史台账导入"),
                )
            )
            if p.state != Case.State.REGISTERED:
                last = p.closed_on or p.resolved_on or p.accepted_on
                events.append(
                    CaseEvent(
                        case=case,
                        from_state=Case.State.REGISTERED,
                        to_state=p.state,
                        actor=ctx.user,
                        at=_noon(last),
                        reason=_("历史台账导入"),
                    )
                )
        CaseEvent.objects.bulk_create(events, batch_size=500)
        self._advance_sequences(creates)
        now = timezone.now()
        changed = []
        for prepared, current in updates:
            written.updated.append(("cases.case", current["pk"], {f: str(current[f]) for f in UPDATABLE}))
            changed.append(Case(pk=current["pk"], updated_at=now, **prepared.fields()))
        Case.objects.bulk_update(changed, [*UPDATABLE, "updated_at"], batch_size=500)
        if ctx.batch is not None:
            audit_batch(
                instance=ctx.batch,
                actor=ctx.user,
                changes={"cases_created": ["0", str(len(created))], "cases_updated": ["0", str(len(changed))]},
            )
        return written

    @staticmethod
    def _advance_sequences(rows: list[CaseRow]) -> None:
        """New cases must never take an imported number: each (prefix, year) sequence moves past the highest."""
        highest: dict[tuple[str, int], int] = {}
        for p in rows:
            prefix, year, seq = NUMBER.match(p.number).groups()
            key = (prefix, int(year))
            highest[key] = max(highest.get(key, 0), int(seq))
        for (prefix, year), seq in highest.items():
            row, _created = CaseSequence.objects.select_for_update().get_or_create(prefix=prefix, year=year)
            if row.last < seq:
                CaseSequence.objects.filter(pk=row.pk).update(last=seq)

    def undo(self, created, updated, ctx: Context) -> None:
        raise DomainError(_("案件办理记录不可删除,导入的案件不能撤销;如有错误请修改后重新导入"))
