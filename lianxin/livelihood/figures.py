"""The livelihood figures of the catalogue (民生指标, the 抓发展 line): landless farmers (households, persons), those
at work now and the placements taken up in the period, the yearly income survey (households compared, those worse
off, the share not worse off), trainings and trainees, small businesses, insurance, village projects and pairings,
and the village indicators of the year against their targets. Registered from ``LivelihoodConfig.ready()``; the
reports never import this module.

Each figure reads the same rows as the livelihood page its drill-down opens (the register, the placements, the
alert list, the trainings, the businesses, the insurance list, the projects, the indicators)."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from lianxin.people.models import Household, Person
from lianxin.reports.catalogue import (
    AVERAGE,
    DEVELOPMENT,
    PERCENT,
    RATIO,
    SUM,
    YEARLY,
    YUAN,
    Drilldown,
    Figure,
    FigureScope,
    lazy_format,
    register,
)

from .models import (
    Business,
    IncomeSurvey,
    InsuranceEnrolment,
    Pairing,
    Placement,
    SkillsTraining,
    TrainingAttendance,
    VillageIndicator,
    VillageProject,
)

__all__ = ["register_figures", "INDICATOR_FIGURES"]

APP = "livelihood"


def _count_of(model, link: str):
    """A correlated count (one number per row, summed by the catalogue; not an aggregate of the outer query)."""
    rows = model.objects.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _landless_households(scope: FigureScope) -> QuerySet[Household]:
    """Landless households in scope (the register's decision), each with its persons counted (``persons_n``)."""
    from .selectors.register import landless_household_ids

    households = scope.scoped(Household.objects.all())
    return households.filter(pk__in=landless_household_ids(households=households)).annotate(
        persons_n=_count_of(Person, "household")
    )


def _employed(scope: FigureScope) -> QuerySet[Placement]:
    """Placements of landless farmers at work today (在岗), as the employment page counts them."""
    from .selectors.employment import employed_q
    from .selectors.register import landless_household_ids

    return scope.scoped(Placement.objects.filter(employed_q(scope.today))).filter(
        person__household__in=landless_household_ids()
    )


def _placements_started(scope: FigureScope) -> QuerySet[Placement]:
    """Placements taken up (上岗): the day the person started work."""
    return scope.scoped(Placement.objects.filter(starts_on__isnull=False))


def _survey_year(scope: FigureScope) -> int | None:
    """The income survey a period states: the last yearly survey in or before the year the period ends in."""
    from django.db.models import Max

    def compute():
        return (
            scope.scoped(IncomeSurvey.objects.filter(kind=IncomeSurvey.Kind.YEARLY))
            .filter(year__lte=scope.period.date_to.year)
            .aggregate(y=Max("year"))["y"]
        )

    return scope.cached("livelihood:survey_year", compute)


def _surveyed(scope: FigureScope) -> QuerySet[IncomeSurvey]:
    """Households surveyed in that year with a baseline to compare with, each marked ``worse`` (below it)."""
    from .selectors.income import compared

    year = _survey_year(scope)
    if year is None:  # no survey yet: no rows, with the mark the conditions read
        return scope.scoped(IncomeSurvey.objects.none()).annotate(worse=Value(False))
    return compared(user=scope.user, year=year, aggregate=scope.aggregate)


def _survey_param(scope: FigureScope) -> dict[str, str]:
    year = _survey_year(scope)
    return {"year": str(year)} if year is not None else {}


def _trainings(scope: FigureScope) -> QuerySet[SkillsTraining]:
    """Skills trainings, each with its trainees counted (``trainees_n``), by the day they began."""
    return scope.scoped(SkillsTraining.objects.all()).annotate(trainees_n=_count_of(TrainingAttendance, "training"))


def _businesses(scope: FigureScope) -> QuerySet[Business]:
    """Small businesses of landless farmers open today (not closed)."""
    return scope.scoped(Business.objects.filter(closed_on__isnull=True))


def _insurance(scope: FigureScope) -> QuerySet[InsuranceEnrolment]:
    return scope.scoped(InsuranceEnrolment.objects.all())


def _not_insured(scope: FigureScope) -> QuerySet[Person]:
    """Landless farmers aged 16 and over today without an insurance enrolment, as the not-enrolled list shows them."""
    from .selectors.development import not_enrolled

    return not_enrolled(user=scope.user, today=scope.today).filter(household__in=scope.scoped(Household.objects.all()))


def _pairings(scope: FigureScope) -> QuerySet[Pairing]:
    return scope.scoped(Pairing.objects.all())


def _projects(scope: FigureScope) -> QuerySet[VillageProject]:
    return scope.scoped(VillageProject.objects.all())


def _indicator_year(scope: FigureScope) -> int:
    """Village indicators are a yearly statistic: the year the period ends in."""
    return scope.period.date_to.year


def _indicators(scope: FigureScope) -> QuerySet[VillageIndicator]:
    return scope.scoped(VillageIndicator.objects.filter(year=_indicator_year(scope)))


def _indicator_drilldown(indicator: str, column: str) -> Drilldown:
    return Drilldown(
        "livelihood:indicators",
        params={"indicator": indicator},
        extra=lambda scope: {"year": str(_indicator_year(scope))},
        column=column,
        permission="livelihood.view_villageindicator",
        region_param="region",
    )


I = VillageIndicator.Indicator  # noqa: E741
# (indicator, figure stem, unit, target too, measure of the villages' figures)
INDICATOR_FIGURES = [
    (I.CATTLE, "cattle", _("头"), True, SUM),
    (I.PIGS, "pigs", _("头"), True, SUM),
    (I.GOATS, "goats", _("只"), True, SUM),
    (I.CORN, "corn", _("亩"), True, SUM),
    (I.SUGARCANE, "sugarcane", _("亩"), True, SUM),
    (I.TOBACCO, "tobacco", _("亩"), True, SUM),
    (I.TOTAL_INCOME, "total_income", YUAN, True, SUM),
    (I.NET_INCOME, "net_income", YUAN, True, SUM),
    (I.POPULATION, "population", _("人"), False, SUM),
]


def register_figures() -> None:
    dev = {"line": DEVELOPMENT, "app": APP}
    register_drill = {
        "url_name": "livelihood:register",
        "permission": "livelihood.view_register",
        "region_param": "region",
    }
    figures = [
        Figure(
            name="livelihood_landless_households",
            label=_("失地农民户"),
            unit=_("户"),
            definition=_("按适用的认定标准(人均剩余耕地或被征地比例)认定为失地农民的户"),
            source=_landless_households,
            drilldown=Drilldown(**register_drill),
            order=600,
            **dev,
        ),
        Figure(
            name="livelihood_landless_persons",
            label=_("失地农民"),
            unit=_("人"),
            definition=_("失地农民户的家庭人口之和"),
            source=_landless_households,
            measure=SUM,
            column="persons_n",
            drilldown=Drilldown(**register_drill, column="人口"),
            order=601,
            **dev,
        ),
        Figure(
            name="livelihood_employed",
            label=_("在岗失地农民"),
            unit=_("人"),
            definition=_("今天在岗(已录用、已上岗、未离岗)的失地农民就业安置"),
            source=_employed,
            drilldown=Drilldown(
                "livelihood:placement-list",
                extra=lambda scope: {"employed_on": scope.today.isoformat()},
                permission="livelihood.view_placement",
                region_param="region",
            ),
            order=610,
            **dev,
        ),
        Figure(
            name="livelihood_placements_started",
            label=_("新上岗"),
            unit=_("人次"),
            definition=_("上岗日期在统计期间内的就业安置"),
            source=_placements_started,
            period_field="starts_on",
            drilldown=Drilldown(
                "livelihood:placement-list",
                period_params=("started_from", "started_to"),
                permission="livelihood.view_placement",
                region_param="region",
            ),
            order=611,
            **dev,
        ),
    ]
    survey = {
        "unit": _("户"),
        "source": _surveyed,
        "temporal": YEARLY,
        "year_of": _survey_year,
        "region_lookup": "village_group",
        **dev,
    }
    alerts = {
        "url_name": "livelihood:alerts",
        "extra": _survey_param,
        "permission": "livelihood.view_incomesurvey",
        "region_param": "region",
    }
    figures += [
        Figure(
            name="livelihood_households_surveyed",
            label=_("收入调查户"),
            definition=_("统计期间截止日所在年度(或之前最近一次)年度收入调查中有征地前基线可比的户"),
            drilldown=Drilldown(**alerts, params={"show": "all"}),
            order=620,
            **survey,
        ),
        Figure(
            name="livelihood_households_worse_off",
            label=_("收入下降户"),
            definition=_("年度收入调查中家庭收入低于征地前基线的户(收入下降预警)"),
            condition=Q(worse=True),
            drilldown=Drilldown(**alerts),
            order=621,
            **survey,
        ),
        Figure(
            name="livelihood_households_not_worse_off",
            label=_("收入不减少户"),
            definition=_("年度收入调查中家庭收入不低于征地前基线的户"),
            condition=Q(worse=False),
            drilldown=Drilldown(**alerts, params={"show": "not_worse"}),
            order=622,
            **survey,
        ),
    ]
    figures.append(
        Figure(
            name="livelihood_not_worse_off_share",
            label=_("收入不减少户比例"),
            unit=PERCENT,
            definition=_("收入不减少的户占收入调查户的比例"),
            measure=RATIO,
            numerator="livelihood_households_not_worse_off",
            denominator="livelihood_households_surveyed",
            decimals=1,
            order=623,
            **dev,
        )
    )
    training = {"source": _trainings, "period_field": "starts_on", **dev}
    training_drill = {
        "url_name": "livelihood:training-list",
        "period_params": ("date_from", "date_to"),
        "permission": "livelihood.view_skillstraining",
        "region_param": "region",
    }
    figures += [
        Figure(
            name="livelihood_trainings",
            label=_("举办技能培训"),
            unit=_("期"),
            definition=_("开始日期在统计期间内的技能培训"),
            drilldown=Drilldown(**training_drill),
            order=630,
            **training,
        ),
        Figure(
            name="livelihood_trainees",
            label=_("培训人次"),
            unit=_("人次"),
            definition=_("开始日期在统计期间内的技能培训的学员人次"),
            measure=SUM,
            column="trainees_n",
            drilldown=Drilldown(**training_drill, column="学员"),
            order=631,
            **training,
        ),
        Figure(
            name="livelihood_businesses",
            label=_("个体经营"),
            unit=_("户"),
            definition=_("失地农民登记的个体经营中今天在营(未歇业)的"),
            source=_businesses,
            drilldown=Drilldown(
                "livelihood:business-list",
                params={"open": "1"},
                permission="livelihood.view_business",
                region_param="region",
            ),
            order=640,
            **dev,
        ),
        Figure(
            name="livelihood_insured",
            label=_("参加养老保险"),
            unit=_("人"),
            definition=_("登记参加被征地农民养老保险的人(缴费中或领取中)"),
            source=_insurance,
            drilldown=Drilldown(
                "livelihood:insurance-list", permission="livelihood.view_insuranceenrolment", region_param="region"
            ),
            order=650,
            **dev,
        ),
    ]
    figures += [
        Figure(
            name="livelihood_not_insured",
            label=_("未参保的失地农民"),
            unit=_("人"),
            definition=_("失地农民户中今天年满16周岁、尚未登记参加养老保险的人"),
            source=_not_insured,
            region_lookup="household__village_group",
            drilldown=Drilldown(
                "livelihood:not-enrolled", permission="livelihood.view_insuranceenrolment", region_param="region"
            ),
            order=651,
            **dev,
        ),
        Figure(
            name="livelihood_pairings",
            label=_("村企结对"),
            unit=_("对"),
            definition=_("登记的村企结对(已承诺、实施中、已兑现)"),
            source=_pairings,
            drilldown=Drilldown("livelihood:pairing-list", permission="livelihood.view_pairing", region_param="region"),
            order=670,
            **dev,
        ),
    ]
    project = {"source": _projects, **dev}
    project_drill = {
        "url_name": "livelihood:project-list",
        "permission": "livelihood.view_villageproject",
        "region_param": "region",
    }
    figures += [
        Figure(
            name="livelihood_village_projects",
            label=_("新农村建设项目"),
            unit=_("个"),
            definition=_("登记的新农村建设项目(计划、在建、完工、已验收)"),
            drilldown=Drilldown(**project_drill),
            order=660,
            **project,
        ),
        Figure(
            name="livelihood_village_projects_yuan",
            label=_("新农村建设项目总投资"),
            unit=YUAN,
            definition=_("新农村建设项目的总投资(各项资金来源之和)"),
            measure=SUM,
            column="amount",
            decimals=2,
            drilldown=Drilldown(**project_drill, column="总投资(元)"),
            order=661,
            **project,
        ),
    ]
    indicator = {
        "source": _indicators,
        "temporal": YEARLY,
        "year_of": _indicator_year,
        "region_lookup": "region",
        **dev,
    }
    order = 700
    for value, stem, unit, with_target, measure in INDICATOR_FIGURES:
        label = value.label
        figures.append(
            Figure(
                name=f"livelihood_{stem}",
                label=label,
                unit=unit,
                definition=lazy_format(_("村级发展指标“%(kind)s”当年实绩(各村之和)"), kind=label),
                condition=Q(indicator=value),
                measure=measure,
                column="actual",
                decimals=0,
                drilldown=_indicator_drilldown(value.value, "实绩"),
                order=order,
                **indicator,
            )
        )
        if with_target:
            figures.append(
                Figure(
                    name=f"livelihood_{stem}_target",
                    label=lazy_format(_("%(kind)s目标"), kind=label),
                    unit=unit,
                    definition=lazy_format(_("村级发展指标“%(kind)s”当年目标(各村之和)"), kind=label),
                    condition=Q(indicator=value),
                    measure=measure,
                    column="target",
                    decimals=0,
                    drilldown=_indicator_drilldown(value.value, "目标"),
                    order=order + 1,
                    **indicator,
                )
            )
        order += 2
    figures += [
        Figure(
            name="livelihood_net_income_per_capita_target",
            label=_("农民人均纯收入目标"),
            unit=YUAN,
            definition=_("村级发展指标“农民人均纯收入”当年目标(各村目标的平均)"),
            condition=Q(indicator=I.NET_INCOME_PER_CAPITA),
            measure=AVERAGE,
            column="target",
            decimals=0,
            drilldown=_indicator_drilldown(I.NET_INCOME_PER_CAPITA.value, "目标"),
            order=order,
            **indicator,
        ),
        Figure(
            name="livelihood_net_income_per_capita",
            label=_("农民人均纯收入"),
            unit=YUAN,
            definition=_("农民纯收入实绩除以人口基数(各村之和)"),
            measure=RATIO,
            numerator="livelihood_net_income",
            denominator="livelihood_population",
            percent=False,
            decimals=0,
            order=order + 1,
            **dev,
        ),
    ]
    register(*figures)
