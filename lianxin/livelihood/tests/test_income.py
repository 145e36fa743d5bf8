"""Income before and after: comparisons with missing years, the alert list (also in real terms), the follow-up case."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from lianxin.cases.models import Case
from lianxin.core.errors import DomainError

from .. import selectors, services
from ..models import FollowUp, IncomeSurvey
from . import factories


def _survey(actor, household, year, wages, kind=IncomeSurvey.Kind.YEARLY):
    return services.survey_record(
        actor=actor,
        household=household,
        year=year,
        kind=kind,
        surveyed_on=date(year + 1, 1, 15),
        persons=2,
        wages=Decimal(wages),
        agriculture=Decimal("1000"),
    )


def test_total_is_the_sum_of_the_sources(working_group_member, group_a1):
    household = factories.household_with_land(group_a1)
    survey = _survey(working_group_member, household, 2020, "12345.67", IncomeSurvey.Kind.BASELINE)
    assert survey.total == Decimal("13345.67")


def test_comparison_with_a_missing_year(surveyed):
    better, worse, unknown = surveyed

    assert selectors.comparison_for(household=worse, year=2021) is None  # never surveyed that year
    comparison = selectors.comparison_for(household=worse, year=2022)
    assert comparison.worse_off
    assert comparison.change_percent == Decimal("-32.3")  # 21,000 against 31,000
    assert selectors.comparison_for(household=unknown, year=2022) is None  # no baseline

    years = selectors.household_income(household=worse).years
    assert [(year, survey is None) for year, survey, _c, _r in years] == [(2021, True), (2022, False)]


def test_alert_list_holds_only_households_worse_off(working_group_member, surveyed):
    better, worse, unknown = surveyed

    assert [s.household_id for s in selectors.alert_list(user=working_group_member, year=2022)] == [worse.pk]
    assert list(selectors.alert_list(user=working_group_member, year=2021)) == []
    figures = selectors.income_figures(user=working_group_member, year=2022)
    assert figures["total"].households == 2
    assert figures["total"].not_worse_percent == Decimal("50.0")


def test_real_terms_deflate_by_the_price_index(working_group_member, surveyed):
    better, worse, _unknown = surveyed
    services.price_index_set(actor=working_group_member, year=2020, index=Decimal("100"))
    services.price_index_set(actor=working_group_member, year=2022, index=Decimal("130"))  # 30% dearer

    # 27,000 in 2022 is 20,769 at 2020 prices: below 21,000, so "better" is worse off in real terms
    alerts = {s.household_id for s in selectors.alert_list(user=working_group_member, year=2022, real=True)}
    assert alerts == {better.pk, worse.pk}
    assert not selectors.alert_list(user=working_group_member, year=2021, real=True).exists()  # no index for 2021


def test_yearly_survey_before_the_baseline_is_refused(working_group_member, group_a1):
    household = factories.household_with_land(group_a1)
    _survey(working_group_member, household, 2020, "1", IncomeSurvey.Kind.BASELINE)

    with pytest.raises(DomainError, match="晚于基线年度"):
        _survey(working_group_member, household, 2019, "1")
    with pytest.raises(DomainError, match="不能为负数"):
        _survey(working_group_member, household, 2021, "-1")
    assert IncomeSurvey.objects.filter(household=household).count() == 1


def test_follow_up_registers_one_case_and_only_once(working_group_member, surveyed):
    _better, worse, _unknown = surveyed

    follow_up = services.follow_up_register(actor=working_group_member, household=worse, year=2022)

    case = follow_up.case
    assert case.kind == Case.Kind.DISPUTE
    assert case.region == worse.village_group
    assert "31000" in case.description
    assert [row.household_id for row in selectors.alert_list(user=working_group_member, year=2022)] == [worse.pk]
    assert selectors.alert_list(user=working_group_member, year=2022)[0].follow_up_case_id == case.pk
    with pytest.raises(DomainError, match="已登记跟进"):
        services.follow_up_register(actor=working_group_member, household=worse, year=2022)


def test_follow_up_refused_when_income_did_not_fall(working_group_member, surveyed):
    better, _worse, _unknown = surveyed
    with pytest.raises(DomainError, match="无需跟进"):
        services.follow_up_register(actor=working_group_member, household=better, year=2022)
    assert not FollowUp.objects.exists()


def test_alert_page_and_one_click_follow_up(login_as, working_group_member, village_b_clerk, surveyed):
    _better, worse, _unknown = surveyed
    client = login_as(working_group_member)

    html = client.get(reverse("livelihood:alerts")).content.decode()
    assert "WORSE" in html
    assert "BETTER" not in html
    response = client.post(reverse("livelihood:follow-up", args=[worse.pk]), {"year": 2022})
    assert response.status_code == 302
    assert FollowUp.objects.filter(household=worse).exists()
    assert 'data-testid="follow-up-case"' in client.get(reverse("livelihood:alerts")).content.decode()
    # another village's cadre sees nothing and cannot follow up
    assert "WORSE" not in login_as(village_b_clerk).get(reverse("livelihood:alerts")).content.decode()
    assert (
        login_as(village_b_clerk).post(reverse("livelihood:follow-up", args=[worse.pk]), {"year": 2022}).status_code
        == 404
    )


def test_figures_page_draws_charts(login_as, working_group_member, surveyed):
    html = login_as(working_group_member).get(reverse("livelihood:income-figures")).content.decode()
    assert 'id="chart-groups"' in html
    assert "livelihood-charts.js" in html
    assert "50.0%" in html
