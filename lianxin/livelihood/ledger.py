"""The livelihood ledgers as the import engine reads them (issue 13).

- 收入调查台账 (``income_surveys``): one row per household and year — the baseline (the year before the land was
  taken) or a yearly survey after, by source. The household is found in the row's village group (in the
  importer's scope) by 户编号, by the head's resident ID (its blind index, as the people app finds persons) or
  by the head's name (rejected when two heads of the group share it); columns that are filled must agree.
  Natural key: household + year (the model keeps one survey per household and year, so the 类型 of a year is
  one of its values, as on the page). The rules are the page's (``services.income.survey_values_check`` per
  row, ``survey_order_check`` against the household's stored surveys and the file's earlier rows); 合计 must be
  the sum of the sources (``Ledger.sums``) and is stored as that sum. The alert list, the figures and the
  follow-ups read the surveys as they are, so an imported survey shows there as one entered on the page.
- 村级指标台账 (``village_indicators``): one row per village (or village group), year and indicator, with its
  target and/or actual. Natural key: region + year + indicator; an empty 目标 or 实绩 keeps the stored value,
  as the page's entry does. 目标 and 实绩 are read by the indicator's unit: money with the engine's money parsing
  (6200万元 → 62,000,000 元, a header in 万元 scales), areas in 亩 (公顷 converted), heads and persons whole.

Both write in bulk, one audit entry per chunk on the batch (``audit_batch``, as the other ledgers), and undo
refuses when a row was changed after the import (or, for a survey, a follow-up was registered on it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as N_

from lianxin.accounts.services import audit_batch
from lianxin.core import formats
from lianxin.core.errors import DomainError
from lianxin.core.permissions import scope_to_user
from lianxin.imports import normalise
from lianxin.imports.headers import Column
from lianxin.imports.ledger import Context, Ledger, RowRejected, Written, register
from lianxin.people.identity import resident_id_digests, resident_id_parse
from lianxin.people.models import Household, Person
from lianxin.regions.models import Region

from .models import ContactTask, FollowUp, IncomeSurvey, VillageIndicator
from .services.income import SOURCES, survey_order_check, survey_values_check

# DecimalField(max_digits=14, decimal_places=2): what the columns of both models hold.
VALUE_LIMIT = Decimal(10) ** 12


def _region_key(name: str) -> str:
    for suffix in ("村民委员会", "村委会", "村民小组", "村"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


class _Regions:
    """The villages and village groups in the importer's scope, found by name as sheets write them (甲马石村,
    甲马石村委会, 甲马石): the exact name first, then without the suffix."""

    def __init__(self, user) -> None:
        levels = (Region.Level.VILLAGE, Region.Level.VILLAGE_GROUP)
        self.exact: dict[tuple[str, str], list[Region]] = {}
        self.loose: dict[tuple[str, str], list[Region]] = {}
        for region in scope_to_user(Region.objects.filter(level__in=levels), user).select_related("parent"):
            self.exact.setdefault((region.level, region.name), []).append(region)
            self.loose.setdefault((region.level, _region_key(region.name)), []).append(region)

    def _named(self, level: str, name: str) -> list[Region]:
        return self.exact.get((level, name)) or self.loose.get((level, _region_key(name)), [])

    def _in_village(self, groups: list[Region], village: str) -> list[Region]:
        return [g for g in groups if g.parent.name == village or _region_key(g.parent.name) == _region_key(village)]

    def group(self, values: dict) -> Region:
        """The row's village group (村民小组, with 村委会 when the name is not unique)."""
        name, village = values["village_group"], values.get("village")
        candidates = self._named(Region.Level.VILLAGE_GROUP, name)
        if village:
            candidates = self._in_village(candidates, village)
        if not candidates:
            raise RowRejected(_("村民小组“%(name)s”不存在或不在您的管辖范围内") % {"name": name}, "village_group")
        if len(candidates) > 1:
            raise RowRejected(_("有多个名为“%(name)s”的村民小组,请填写村委会") % {"name": name}, "village")
        return candidates[0]

    def region(self, values: dict) -> Region:
        """The row's village, or its village group when 村民小组 is filled (a 村 column naming a group is
        taken as that group)."""
        if values.get("village_group"):
            return self.group(values)
        name = values.get("village")
        if not name:
            raise RowRejected(_("请填写村委会或村民小组"), "village")
        candidates = self._named(Region.Level.VILLAGE, name) or self._named(Region.Level.VILLAGE_GROUP, name)
        if not candidates:
            raise RowRejected(_("村“%(name)s”不存在或不在您的管辖范围内") % {"name": name}, "village")
        if len(candidates) > 1:
            raise RowRejected(_("有多个名为“%(name)s”的村民小组,请填写村委会") % {"name": name}, "village")
        return candidates[0]


VILLAGE = Column(
    "village", N_("村委会"), ("行政村", "村", "村名", "村委会名称"), help=gettext_lazy("同名村民小组须填写")
)
GROUP = Column("village_group", N_("村民小组"), ("组", "小组", "村小组", "村民组", "自然村", "组别"))


# --- income surveys ------------------------------------------------------------------------------------------

with translation.override(None):  # Chinese source labels, whatever language is active
    KINDS = {str(label): code for code, label in IncomeSurvey.Kind.choices}
KINDS.update(
    {
        "基线": IncomeSurvey.Kind.BASELINE,
        "基线年": IncomeSurvey.Kind.BASELINE,
        "征地前": IncomeSurvey.Kind.BASELINE,
        "征地前基线": IncomeSurvey.Kind.BASELINE,
        "征地前调查": IncomeSurvey.Kind.BASELINE,
        "基期": IncomeSurvey.Kind.BASELINE,
        "年度": IncomeSurvey.Kind.YEARLY,
        "年度跟踪": IncomeSurvey.Kind.YEARLY,
        "跟踪调查": IncomeSurvey.Kind.YEARLY,
        "征地后": IncomeSurvey.Kind.YEARLY,
        "征地后调查": IncomeSurvey.Kind.YEARLY,
        "年报": IncomeSurvey.Kind.YEARLY,
    }
)
SURVEY_FIELDS = ("village_group_id", "kind", *SOURCES, "total", "persons", "surveyed_on", "note")


@dataclass
class SurveyRow:
    household_id: int
    village_group_id: int
    year: int
    kind: str
    agriculture: Decimal
    wages: Decimal
    business: Decimal
    transfers: Decimal
    property_income: Decimal
    total: Decimal
    persons: int
    surveyed_on: date
    note: str

    def fields(self) -> dict:
        return {f: getattr(self, f) for f in SURVEY_FIELDS}


def _money_column(key: str, label: str, synonyms: tuple[str, ...]) -> Column:
    return Column(key, label, synonyms, kind="money", unit="元")


@register
class IncomeSurveyLedger(Ledger):
    key = "income_surveys"
    label = N_("收入调查台账")
    permission = "livelihood.add_incomesurvey"
    personal_columns = ("head_resident_id",)
    reads = ("regions.Region", "people.Household", "people.Person")
    sums = (("total", SOURCES),)
    columns = (
        VILLAGE,
        Column(GROUP.key, GROUP.label, GROUP.synonyms, required=True, help=gettext_lazy("须在您的管辖范围内")),
        Column(
            "household_number",
            N_("户编号"),
            ("户号", "户编码", "户代码"),
            help=gettext_lazy("户编号、户主身份证号码、户主姓名至少填写一项;填写多项时须为同一户"),
        ),
        Column(
            "head_resident_id",
            N_("户主身份证号码"),
            ("户主身份证号", "户主公民身份号码", "户主证件号码", "户主身份证", "身份证号码", "身份证号"),
            kind="resident_id",
            help=gettext_lazy("请把该列设为文本格式"),
        ),
        Column(
            "head_name",
            N_("户主姓名"),
            ("户主", "户主名字", "户名"),
            kind="name",
            help=gettext_lazy("只填户主姓名时,同一村民小组内不能有同名户主"),
        ),
        Column("year", N_("年度"), ("调查年度", "年份", "收入年度"), kind="int", required=True),
        Column(
            "kind",
            N_("类型"),
            ("调查类型", "调查类别", "类别"),
            kind="choice",
            choices=KINDS,
            required=True,
            help=gettext_lazy("基线调查(征地前一年的收入,每户一次)或年度调查"),
        ),
        _money_column("agriculture", N_("农业收入"), ("种植养殖收入", "农业经营收入", "种养殖收入", "家庭农业收入")),
        _money_column("wages", N_("工资性收入"), ("工资收入", "务工收入", "工资")),
        _money_column("business", N_("经营性收入"), ("经营收入", "非农经营收入", "二三产业经营收入")),
        _money_column("transfers", N_("转移性收入"), ("转移收入", "补贴收入", "政策性补贴")),
        _money_column(
            "property_income", N_("财产性收入"), ("财产收入", "补偿款利息", "财产性收入(补偿款利息等)", "租金利息收入")
        ),
        Column(
            "total",
            N_("合计"),
            ("家庭总收入", "总收入", "收入合计", "家庭收入合计", "合计收入"),
            kind="money",
            unit="元",
            help=gettext_lazy("可省略;填写时须等于各项收入之和"),
        ),
        Column("persons", N_("家庭人口"), ("家庭人数", "人口", "户人口", "人数"), kind="int", required=True),
        Column("surveyed_on", N_("调查日期"), ("调查时间", "填报日期"), kind="date", required=True),
        Column("note", N_("备注"), ("说明",)),
    )
    sample = {
        "village": "甲马石村委会",
        "village_group": "甲马石",
        "household_number": "001-0001",
        "head_resident_id": "532622198005170011",
        "head_name": "王小明",
        "year": 2025,
        "kind": "年度调查",
        "agriculture": "3200",
        "wages": "28000",
        "business": "0",
        "transfers": "1800",
        "property_income": "2400",
        "total": "35400",
        "persons": 4,
        "surveyed_on": "2026-01-15",
        "note": "",
    }

    def header_problem(self, columns: set[str]) -> str:
        if columns & {"household_number", "head_resident_id", "head_name"}:
            return ""
        return _("缺少确定户的列:须有“户编号”“户主身份证号码”或“户主姓名”列")

    def start(self, ctx: Context) -> None:
        ctx.cache.update(
            regions=_Regions(ctx.user),
            today=timezone.localdate(),
            groups={},  # village group id → its households and heads, loaded when the group first appears
            surveys={},  # household id → {year: kind}: the stored surveys, then the file's rows as accepted
        )

    # --- finding the household ---------------------------------------------------------------------------

    def _group_households(self, group: Region, ctx: Context) -> dict:
        groups = ctx.cache["groups"]
        if group.pk not in groups:
            numbers = dict(Household.objects.filter(village_group=group).values_list("number", "pk"))
            by_digest: dict[str, tuple[int, str]] = {}
            by_name: dict[str, list[int]] = {}
            heads: dict[int, str] = {}
            for digest, name, household_id in Person.objects.filter(
                household__village_group=group, relation=Person.Relation.HEAD
            ).values_list("resident_id_digest", "name", "household_id"):
                by_digest[digest] = (household_id, name)
                by_name.setdefault(name, []).append(household_id)
                heads[household_id] = name
            groups[group.pk] = {"numbers": numbers, "digests": by_digest, "names": by_name, "heads": heads}
        return groups[group.pk]

    def _by_head_id(self, raw: str, group: Region, found: dict, ctx: Context) -> int:
        try:
            parsed = resident_id_parse(raw, today=ctx.cache["today"])
        except ValidationError as exc:
            raise RowRejected(exc.messages[0], "head_resident_id") from exc
        digests = resident_id_digests(parsed.number)  # during a key rotation, the retired keys' digests too
        for digest in digests:
            if digest in found["digests"]:
                return found["digests"][digest][0]
        person = Person.objects.filter(resident_id_digest__in=digests).select_related("household").first()
        if person is None:
            raise RowRejected(_("户主身份证号码对应的人员未登记,请先导入户籍人口台账"), "head_resident_id")
        if person.household.village_group_id != group.pk:
            raise RowRejected(_("户主身份证号码对应的人员不在%(group)s") % {"group": group.name}, "head_resident_id")
        raise RowRejected(
            _("户主身份证号码对应的人员不是户主(与户主关系:%(relation)s)")
            % {"relation": person.get_relation_display()},
            "head_resident_id",
        )

    def _household(self, values: dict, group: Region, ctx: Context) -> int:
        found = self._group_households(group, ctx)
        household_id = None
        number = values.get("household_number")
        if number:
            household_id = found["numbers"].get(number)
            if household_id is None:
                raise RowRejected(
                    _("%(group)s没有户编号为%(number)s的户") % {"group": group.name, "number": number},
                    "household_number",
                )
        if values.get("head_resident_id"):
            by_id = self._by_head_id(values["head_resident_id"], group, found, ctx)
            if household_id is not None and by_id != household_id:
                raise RowRejected(
                    _("户主身份证号码与户编号%(number)s不是同一户") % {"number": number}, "head_resident_id"
                )
            household_id = by_id
        name = values.get("head_name")
        if household_id is not None:
            if name and found["heads"].get(household_id) != name:
                raise RowRejected(_("户主姓名为“%(name)s”,与该户登记的户主不符") % {"name": name}, "head_name")
            return household_id
        if not name:
            raise RowRejected(_("户编号、户主身份证号码、户主姓名至少填写一项"), "household_number")
        households = found["names"].get(name, [])
        if not households:
            raise RowRejected(_("%(group)s没有名为“%(name)s”的户主") % {"group": group.name, "name": name}, "head_name")
        if len(households) > 1:
            raise RowRejected(
                _("%(group)s有%(count)d位名为“%(name)s”的户主,请填写户编号或户主身份证号码以区分")
                % {"group": group.name, "count": len(households), "name": name},
                "head_name",
            )
        return households[0]

    # --- rows ----------------------------------------------------------------------------------------------

    def prepare(self, values: dict[str, Any], ctx: Context) -> SurveyRow:
        group = ctx.cache["regions"].group(values)
        household_id = self._household(values, group, ctx)
        sources = {name: values.get(name) or Decimal("0") for name in SOURCES}
        for name, value in sources.items():
            if value >= VALUE_LIMIT:
                raise RowRejected(_("金额超出范围:%(value)s") % {"value": formats.money(value)}, name)
        total = sum(sources.values(), Decimal("0"))
        written_total = values.get("total")
        if written_total and not any(values.get(name) is not None for name in SOURCES):
            raise RowRejected(
                _("合计为%(total)s元,但各项收入均未填写;请按来源分项填写(合计为各项之和)")
                % {"total": formats.money(written_total)},
                "total",
            )
        note = values.get("note") or ""
        if len(note) > 200:
            raise RowRejected(_("备注不能超过200字"), "note")
        try:
            survey_values_check(
                year=values["year"],
                kind=values["kind"],
                surveyed_on=values["surveyed_on"],
                persons=values["persons"],
                values=sources,
            )
        except DomainError as exc:
            raise RowRejected(exc.message, exc.field) from exc
        return SurveyRow(
            household_id=household_id,
            village_group_id=group.pk,
            year=values["year"],
            kind=values["kind"],
            total=total,
            persons=values["persons"],
            surveyed_on=values["surveyed_on"],
            note=note,
            **sources,
        )

    def natural_key(self, prepared: SurveyRow) -> Hashable:
        return (prepared.household_id, prepared.year)

    def existing(self, chunk: list[SurveyRow], ctx: Context) -> dict[Hashable, dict]:
        known = ctx.cache["surveys"]
        new = {p.household_id for p in chunk} - known.keys()
        for household_id in new:
            known[household_id] = {}
        current = {}
        for row in IncomeSurvey.objects.filter(household_id__in={p.household_id for p in chunk}).values(
            "pk", "household_id", "year", "updated_at", *SURVEY_FIELDS
        ):
            if row["household_id"] in new:
                known[row["household_id"]][row["year"]] = row["kind"]
            current[(row["household_id"], row["year"])] = row
        return current

    def classify(self, prepared: SurveyRow, current: dict | None, ctx: Context) -> str:
        others = ctx.cache["surveys"][prepared.household_id]
        try:
            survey_order_check(year=prepared.year, kind=prepared.kind, others=others)
        except DomainError as exc:
            raise RowRejected(exc.message, exc.field) from exc
        others[prepared.year] = prepared.kind  # the file's later rows are checked against this one
        if current is None:
            return "create"
        return "update" if any(current[f] != v for f, v in prepared.fields().items()) else "unchanged"

    def write(self, creates: list[SurveyRow], updates: list[tuple[SurveyRow, dict]], ctx: Context) -> Written:
        written = Written()
        created = IncomeSurvey.objects.bulk_create(
            [IncomeSurvey(household_id=p.household_id, year=p.year, **p.fields()) for p in creates], batch_size=500
        )
        written.created.extend(("livelihood.incomesurvey", s.pk) for s in created)
        now = timezone.now()
        changed = []
        for prepared, current in updates:
            before = {f: current[f] for f in SURVEY_FIELDS}
            before.update({f: str(before[f]) for f in (*SOURCES, "total")})
            before["surveyed_on"] = before["surveyed_on"].isoformat()
            written.updated.append(("livelihood.incomesurvey", current["pk"], before))
            changed.append(IncomeSurvey(pk=current["pk"], updated_at=now, **prepared.fields()))
        IncomeSurvey.objects.bulk_update(changed, [*SURVEY_FIELDS, "updated_at"], batch_size=500)
        if ctx.batch is not None:
            audit_batch(
                instance=ctx.batch,
                actor=ctx.user,
                changes={"surveys_created": ["0", str(len(created))], "surveys_updated": ["0", str(len(changed))]},
            )
        return written

    def undo(self, created: list[tuple[str, int]], updated: Iterable[tuple[str, int, dict]], ctx: Context) -> None:
        updated = list(updated)
        since = ctx.batch.committed_at
        created_ids = [pk for _m, pk in created]
        ids = [*created_ids, *(pk for _m, pk, _b in updated)]
        if IncomeSurvey.objects.filter(pk__in=ids, updated_at__gt=since).exists():
            raise DomainError(_("本批导入的收入调查在导入后又被修改过,撤销会丢失这些修改,不能整批撤销"))
        pairs = set(IncomeSurvey.objects.filter(pk__in=created_ids).values_list("household_id", "year"))
        households = {h for h, _y in pairs}
        for model in (FollowUp, ContactTask):
            followed = model.objects.filter(household_id__in=households).values_list("household_id", "year")
            if any(pair in pairs for pair in followed):
                raise DomainError(_("本批导入的收入调查已登记收入下降跟进,不能整批撤销"))
        with transaction.atomic():
            IncomeSurvey.objects.filter(pk__in=created_ids).delete()
            now = timezone.now()
            for _model, pk, before in updated:
                values = {**before, "surveyed_on": date.fromisoformat(before["surveyed_on"])}
                values.update({f: Decimal(before[f]) for f in (*SOURCES, "total")})
                IncomeSurvey.objects.filter(pk=pk).update(updated_at=now, **values)
            audit_batch(instance=ctx.batch, actor=ctx.user, changes={"undone": ["", str(len(created) + len(updated))]})


# --- village indicators --------------------------------------------------------------------------------------

Indicator = VillageIndicator.Indicator
MONEY_INDICATORS = frozenset({Indicator.TOTAL_INCOME, Indicator.NET_INCOME, Indicator.NET_INCOME_PER_CAPITA})
AREA_INDICATORS = frozenset({Indicator.CORN, Indicator.SUGARCANE, Indicator.TOBACCO})
MONEY_UNITS = frozenset({"元", "千元", "万元", "万", "亿元"})
AREA_UNITS = frozenset({"亩", "平方米", "平米", "m2", "公顷", "ha", "hm2"})
# The rest are counted whole (heads of livestock, persons); the units a cell or the 单位 column may state.
COUNT_UNITS = {
    Indicator.CATTLE: {"头": 1, "万头": 10000},
    Indicator.PIGS: {"头": 1, "万头": 10000},
    Indicator.GOATS: {"只": 1, "头": 1, "万只": 10000},
    Indicator.POPULATION: {"人": 1, "口": 1, "万人": 10000},
}
_COUNT = re.compile(r"^(\d+(?:\.\d+)?)(\D*)$")
BASE_UNITS = {
    **dict.fromkeys(MONEY_INDICATORS, N_("元")),
    **dict.fromkeys(AREA_INDICATORS, N_("亩")),
    Indicator.CATTLE: N_("头"),
    Indicator.PIGS: N_("头"),
    Indicator.GOATS: N_("只"),
    Indicator.POPULATION: N_("人"),
}

with translation.override(None):
    INDICATORS = {}
    for _code, _label in Indicator.choices:
        INDICATORS[str(_label)] = _code
        INDICATORS[unicodedata.normalize("NFKC", str(_label)).split("(")[0]] = _code  # without the unit: 牛存栏
INDICATORS.update(
    {
        **dict.fromkeys(("牛", "肉牛", "斗牛", "黄牛", "养牛", "牛存栏数", "存栏牛", "牛(头)"), Indicator.CATTLE),
        **dict.fromkeys(("猪", "生猪", "养猪", "猪存栏", "生猪存栏数"), Indicator.PIGS),
        **dict.fromkeys(("山羊", "羊", "养羊", "山羊存栏数", "羊存栏"), Indicator.GOATS),
        **dict.fromkeys(("玉米", "玉米种植", "玉米面积", "玉米播种面积"), Indicator.CORN),
        **dict.fromkeys(("甘蔗", "甘蔗种植", "甘蔗面积", "甘蔗种植面积"), Indicator.SUGARCANE),
        **dict.fromkeys(("烤烟", "烟叶", "烤烟种植", "烤烟面积", "烤烟种植面积"), Indicator.TOBACCO),
        **dict.fromkeys(("经济总收入", "农村经济收入", "农村经济总收入", "总收入"), Indicator.TOTAL_INCOME),
        **dict.fromkeys(("纯收入", "农民纯收入总额", "农民收入"), Indicator.NET_INCOME),
        **dict.fromkeys(
            ("人均纯收入", "农民人均纯收入", "人均收入", "农民人均收入", "农村居民人均纯收入"),
            Indicator.NET_INCOME_PER_CAPITA,
        ),
        **dict.fromkeys(("人口", "人口基数", "总人口", "户籍人口", "人口数"), Indicator.POPULATION),
    }
)


@dataclass
class IndicatorRow:
    region_id: int
    year: int
    indicator: str
    target: Decimal | None
    actual: Decimal | None


@register
class VillageIndicatorLedger(Ledger):
    key = "village_indicators"
    label = N_("村级指标台账")
    permission = "livelihood.add_villageindicator"
    reveal_permissions = ()  # figures of villages: nothing personal to mask
    reads = ("regions.Region",)
    columns = (
        Column(
            VILLAGE.key,
            VILLAGE.label,
            VILLAGE.synonyms,
            help=gettext_lazy("村级指标只填村委会;村民小组的指标再填村民小组"),
        ),
        Column(GROUP.key, GROUP.label, GROUP.synonyms, help=gettext_lazy("可省略")),
        Column("year", N_("年度"), ("年份", "统计年度", "考核年度"), kind="int", required=True),
        Column(
            "indicator",
            N_("指标"),
            ("指标名称", "项目", "指标项目"),
            kind="choice",
            choices=INDICATORS,
            required=True,
            help=gettext_lazy("如:牛存栏、玉米种植面积、农村经济总收入、农民人均纯收入"),
        ),
        Column("unit", N_("单位"), ("计量单位",), help=gettext_lazy("可省略:金额按元、面积按亩、牲畜按头计")),
        Column(
            "target",
            N_("目标"),
            ("目标值", "目标任务", "计划", "计划数", "任务数"),
            help=gettext_lazy("目标和实绩至少填写一项;金额可写“6200万元”"),
        ),
        Column("actual", N_("实绩"), ("实际", "完成", "实际完成", "完成数", "实绩值", "完成情况")),
    )
    sample = {
        "village": "甲马石村委会",
        "village_group": "",
        "year": 2025,
        "indicator": "农村经济总收入",
        "unit": "万元",
        "target": "6200",
        "actual": "5980",
    }

    def start(self, ctx: Context) -> None:
        ctx.cache["regions"] = _Regions(ctx.user)

    def _value(self, key: str, indicator: str, unit: str, ctx: Context, raw: str | None) -> Decimal | None:
        """A target or actual in the indicator's unit: the unit in the cell beats the row's 单位, which beats the
        column header's (目标(万元)) and the sheet's (单位:万元)."""
        if raw is None:
            return None
        unit = unit or ctx.units.get(key, "")
        try:
            if indicator in MONEY_INDICATORS:
                value = normalise.money(raw, header_unit=self._unit_of(unit, MONEY_UNITS, indicator, key))
            elif indicator in AREA_INDICATORS:
                value = normalise.area(raw, header_unit=self._unit_of(unit, AREA_UNITS, indicator, key))
            else:
                value = self._count(raw, self._unit_of(unit, COUNT_UNITS[indicator], indicator, key), indicator, key)
        except normalise.CellError as exc:
            raise RowRejected(exc.message, key) from exc
        if value is not None and value >= VALUE_LIMIT:
            raise RowRejected(_("数值超出范围:%(value)s") % {"value": raw}, key)
        return value

    @staticmethod
    def _unit_of(unit: str, units, indicator: str, key: str) -> str:
        if not unit or unit in units:
            return unit
        raise RowRejected(
            _("单位为“%(unit)s”,指标“%(indicator)s”应以%(base)s计")
            % {"unit": unit, "indicator": Indicator(indicator).label, "base": _(BASE_UNITS[indicator])},
            key,
        )

    @staticmethod
    def _count(raw: str, unit: str, indicator: str, key: str) -> Decimal:
        """Heads or persons: a whole number, "124头", "1.2万人"."""
        match = _COUNT.match(unicodedata.normalize("NFKC", "".join(raw.split())).replace(",", ""))
        units = COUNT_UNITS[indicator]
        if match is None or (match.group(2) and match.group(2) not in units):
            raise RowRejected(
                _("应为%(base)s数:%(value)s") % {"base": _(BASE_UNITS[indicator]), "value": raw[:60]}, key
            )
        value = Decimal(match.group(1)) * units.get(match.group(2) or unit, 1)
        if value != value.to_integral_value():
            raise RowRejected(_("应为整数:%(value)s") % {"value": raw[:60]}, key)
        return value.quantize(Decimal("0.01"))

    def prepare(self, values: dict[str, Any], ctx: Context) -> IndicatorRow:
        region = ctx.cache["regions"].region(values)
        indicator = values["indicator"]
        unit = "".join((values.get("unit") or "").split())
        target = self._value("target", indicator, unit, ctx, values.get("target"))
        actual = self._value("actual", indicator, unit, ctx, values.get("actual"))
        if target is None and actual is None:
            raise RowRejected(_("目标和实绩至少填写一项"), "target")
        year = values["year"]
        if not 1990 <= year <= 2100:
            raise RowRejected(_("年度应在%(min)s至%(max)s年之间") % {"min": 1990, "max": 2100}, "year")
        return IndicatorRow(region_id=region.pk, year=year, indicator=indicator, target=target, actual=actual)

    def natural_key(self, prepared: IndicatorRow) -> Hashable:
        return (prepared.region_id, prepared.year, prepared.indicator)

    def existing(self, chunk: list[IndicatorRow], ctx: Context) -> dict[Hashable, dict]:
        return {
            (row["region_id"], row["year"], row["indicator"]): row
            for row in VillageIndicator.objects.filter(
                region_id__in={p.region_id for p in chunk},
                year__in={p.year for p in chunk},
                indicator__in={p.indicator for p in chunk},
            ).values("pk", "region_id", "year", "indicator", "target", "actual")
        }

    @staticmethod
    def _changes(prepared: IndicatorRow, current: dict) -> dict:
        """What the row changes: an empty target or actual keeps the stored one (as the page's entry)."""
        return {
            f: getattr(prepared, f)
            for f in ("target", "actual")
            if getattr(prepared, f) is not None and getattr(prepared, f) != current[f]
        }

    def classify(self, prepared: IndicatorRow, current: dict | None, ctx: Context) -> str:
        if current is None:
            return "create"
        return "update" if self._changes(prepared, current) else "unchanged"

    def write(self, creates: list[IndicatorRow], updates: list[tuple[IndicatorRow, dict]], ctx: Context) -> Written:
        written = Written()
        created = VillageIndicator.objects.bulk_create(
            [
                VillageIndicator(
                    region_id=p.region_id, year=p.year, indicator=p.indicator, target=p.target, actual=p.actual
                )
                for p in creates
            ],
            batch_size=500,
        )
        written.created.extend(("livelihood.villageindicator", row.pk) for row in created)
        now = timezone.now()
        changed = []
        for prepared, current in updates:
            before = {f: (str(current[f]) if current[f] is not None else None) for f in ("target", "actual")}
            written.updated.append(("livelihood.villageindicator", current["pk"], before))
            values = {"target": current["target"], "actual": current["actual"], **self._changes(prepared, current)}
            changed.append(VillageIndicator(pk=current["pk"], updated_at=now, **values))
        VillageIndicator.objects.bulk_update(changed, ["target", "actual", "updated_at"], batch_size=500)
        if ctx.batch is not None:
            audit_batch(
                instance=ctx.batch,
                actor=ctx.user,
                changes={
                    "indicators_created": ["0", str(len(created))],
                    "indicators_updated": ["0", str(len(changed))],
                },
            )
        return written

    def undo(self, created: list[tuple[str, int]], updated: Iterable[tuple[str, int, dict]], ctx: Context) -> None:
        updated = list(updated)
        ids = [pk for _m, pk in created] + [pk for _m, pk, _b in updated]
        if VillageIndicator.objects.filter(pk__in=ids, updated_at__gt=ctx.batch.committed_at).exists():
            raise DomainError(_("本批导入的指标在导入后又被修改过,撤销会丢失这些修改,不能整批撤销"))
        with transaction.atomic():
            VillageIndicator.objects.filter(pk__in=[pk for _m, pk in created]).delete()
            now = timezone.now()
            for _model, pk, before in updated:
                values = {f: (Decimal(v) if v is not None else None) for f, v in before.items()}
                VillageIndicator.objects.filter(pk=pk).update(updated_at=now, **values)
            audit_batch(instance=ctx.batch, actor=ctx.user, changes={"undone": ["", str(len(created) + len(updated))]})
