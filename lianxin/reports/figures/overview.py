"""Overview figures (基本情况): the villages and people the park touches, its enterprises and projects.

"Touched by the park" follows the park overview of the home page: the village committees a park
names (all villages in scope when no park is recorded), their village groups, households and
registered people. Enterprise figures are yearly statistics: a period's figure is that of the
latest year with indicators up to the period's last year (a report for 2026 written in January
states 2025's output when 2026's is not in yet).
"""

from __future__ import annotations

from django.db.models import Max, QuerySet
from django.utils.translation import gettext_lazy as _

from lianxin.enterprises.models import Enterprise, EnterpriseIndicator, Project
from lianxin.people.models import Household, Person
from lianxin.regions.models import Park, Region

from ..catalogue import DEVELOPMENT, OVERVIEW, RATIO, SUM, YEARLY, YUAN, Drilldown, Figure, FigureScope, register

__all__ = ["indicator_year", "park_village_ids", "register_figures"]


def park_village_ids(scope: FigureScope) -> QuerySet | None:
    """Ids of the village committees a park touches, as a subquery; None when no park is recorded."""

    def compute():
        if not Park.objects.exists():
            return None
        return Park.villages.through.objects.values("region_id")

    return scope.cached("park_villages", compute)


def _villages(scope: FigureScope) -> QuerySet[Region]:
    qs = scope.scoped(Region.objects.filter(level=Region.Level.VILLAGE))
    ids = park_village_ids(scope)
    return qs if ids is None else qs.filter(pk__in=ids)


def _village_groups(scope: FigureScope) -> QuerySet[Region]:
    qs = scope.scoped(Region.objects.filter(level=Region.Level.VILLAGE_GROUP))
    ids = park_village_ids(scope)
    return qs if ids is None else qs.filter(parent_id__in=ids)


def _households(scope: FigureScope) -> QuerySet[Household]:
    qs = scope.scoped(Household.objects.all())
    ids = park_village_ids(scope)
    return qs if ids is None else qs.filter(village_group__parent_id__in=ids)


def _persons(scope: FigureScope) -> QuerySet[Person]:
    qs = scope.scoped(Person.objects.all())
    ids = park_village_ids(scope)
    return qs if ids is None else qs.filter(household__village_group__parent_id__in=ids)


def _enterprises(scope: FigureScope) -> QuerySet[Enterprise]:
    return scope.scoped(Enterprise.objects.filter(in_park=True))


def indicator_year(scope: FigureScope) -> int | None:
    """The year whose enterprise indicators a period states: the latest up to the period's last year."""

    def compute():
        qs = scope.scoped(EnterpriseIndicator.objects.filter(enterprise__in_park=True))
        return qs.filter(year__lte=scope.period.date_to.year).aggregate(y=Max("year"))["y"]

    return scope.cached("indicator_year", compute)


def _indicators(scope: FigureScope) -> QuerySet[EnterpriseIndicator]:
    year = indicator_year(scope)
    qs = scope.scoped(EnterpriseIndicator.objects.filter(enterprise__in_park=True))
    return qs.filter(year=year) if year is not None else qs.none()


def _indicator_drilldown(column: str) -> Drilldown:
    return Drilldown(
        "enterprises:enterprise-list",
        params={"in_park": "1"},
        extra=lambda scope: {"year": str(indicator_year(scope) or "")},
        column=column,
        permission="enterprises.view_enterprise",
        region_param="region",
    )


def register_figures() -> None:
    park_regions = Drilldown(
        "regions:region-list",
        params={"level": Region.Level.VILLAGE, "in_park": "1"},
        permission="regions.view_region",
        region_param="region",  # the region's subtree, itself included (as the figure's region_lookup="")
    )
    register(
        Figure(
            name="villages",
            label=_("涉及村委会"),
            unit=_("个"),
            line=OVERVIEW,
            definition=_("园区涉及的村委会(未登记园区时为辖区内全部村委会)"),
            source=_villages,
            region_lookup="",
            drilldown=park_regions,
            order=10,
        ),
        Figure(
            name="village_groups",
            label=_("涉及村民小组"),
            unit=_("个"),
            line=OVERVIEW,
            definition=_("园区涉及村委会下的村民小组"),
            source=_village_groups,
            region_lookup="",
            drilldown=Drilldown(
                "regions:region-list",
                params={"level": Region.Level.VILLAGE_GROUP, "in_park": "1"},
                permission="regions.view_region",
                region_param="region",
            ),
            order=11,
        ),
        Figure(
            name="households",
            label=_("涉及户数"),
            unit=_("户"),
            line=OVERVIEW,
            definition=_("园区涉及村民小组的户籍户数"),
            source=_households,
            drilldown=Drilldown(
                "people:household-list",
                params={"in_park": "1"},
                permission="people.view_household",
                region_param="village_group",  # takes a township or a village too: its subtree
            ),
            order=12,
        ),
        Figure(
            name="population",
            label=_("涉及人口"),
            unit=_("人"),
            line=OVERVIEW,
            definition=_("园区涉及村民小组的户籍人口"),
            source=_persons,
            drilldown=Drilldown(
                "people:person-list",
                params={"in_park": "1"},
                permission="people.view_person",
                region_param="region",
                # The person list keeps its search in the session (names and IDs stay out of URLs);
                # its select filters (region, in park) are GET parameters.
            ),
            order=13,
        ),
        Figure(
            name="enterprises",
            label=_("园区企业"),
            unit=_("家"),
            line=OVERVIEW,
            definition=_("登记为园区内企业的企业户数"),
            source=_enterprises,
            drilldown=Drilldown(
                "enterprises:enterprise-list",
                params={"in_park": "1"},
                permission="enterprises.view_enterprise",
                region_param="region",
            ),
            order=20,
        ),
        Figure(
            name="output_value",
            label=_("企业总产值"),
            unit=YUAN,
            line=OVERVIEW,
            definition=_("园区内企业最近统计年度(不晚于统计期间)产值之和"),
            source=_indicators,
            measure=SUM,
            column="output_value",
            temporal=YEARLY,
            year_of=indicator_year,
            decimals=2,
            drilldown=_indicator_drilldown("产值"),
            order=21,
        ),
        Figure(
            name="tax_paid",
            label=_("企业上交税收"),
            unit=YUAN,
            line=OVERVIEW,
            definition=_("园区内企业最近统计年度(不晚于统计期间)税收之和"),
            source=_indicators,
            measure=SUM,
            column="tax_paid",
            temporal=YEARLY,
            year_of=indicator_year,
            decimals=2,
            drilldown=_indicator_drilldown("税收"),
            order=22,
        ),
        Figure(
            name="employees",
            label=_("企业就业人数"),
            unit=_("人"),
            line=OVERVIEW,
            definition=_("园区内企业最近统计年度就业人数之和"),
            source=_indicators,
            measure=SUM,
            column="employees",
            temporal=YEARLY,
            year_of=indicator_year,
            drilldown=_indicator_drilldown("就业人数"),
            order=23,
        ),
        Figure(
            name="local_employees",
            label=_("其中本地就业"),
            unit=_("人"),
            line=OVERVIEW,
            definition=_("园区内企业最近统计年度本地就业人数之和"),
            source=_indicators,
            measure=SUM,
            column="local_employees",
            temporal=YEARLY,
            year_of=indicator_year,
            drilldown=_indicator_drilldown("本地就业"),
            order=24,
        ),
        Figure(
            name="local_employment_share",
            label=_("本地就业占比"),
            unit="%",
            line=DEVELOPMENT,
            definition=_("本地就业人数 ÷ 企业就业人数"),
            measure=RATIO,
            numerator="local_employees",
            denominator="employees",
            temporal=YEARLY,
            year_of=indicator_year,
            decimals=1,
            order=25,
        ),
        Figure(
            name="projects",
            label=_("建设项目"),
            unit=_("个"),
            line=OVERVIEW,
            definition=_("辖区内登记的建设项目"),
            source=lambda scope: scope.scoped(Project.objects.all()),
            drilldown=Drilldown(
                "enterprises:project-list", permission="enterprises.view_project", region_param="region"
            ),
            order=30,
        ),
        Figure(
            name="projects_under_construction",
            label=_("在建项目"),
            unit=_("个"),
            line=OVERVIEW,
            definition=_("状态为在建的项目"),
            source=lambda scope: scope.scoped(Project.objects.filter(status=Project.Status.UNDER_CONSTRUCTION)),
            drilldown=Drilldown(
                "enterprises:project-list",
                params={"status": Project.Status.UNDER_CONSTRUCTION},
                permission="enterprises.view_project",
                region_param="region",
            ),
            order=31,
        ),
        Figure(
            name="land_demand_mu",
            label=_("项目用地需求"),
            unit=_("亩"),
            line=OVERVIEW,
            definition=_("辖区内建设项目登记的用地需求面积之和"),
            source=lambda scope: scope.scoped(Project.objects.all()),
            measure=SUM,
            column="land_demand_mu",
            decimals=2,
            drilldown=Drilldown(
                "enterprises:project-list",
                column="用地需求(亩)",
                permission="enterprises.view_project",
                region_param="region",
            ),
            order=32,
        ),
    )
