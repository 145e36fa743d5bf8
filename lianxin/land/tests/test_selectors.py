from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from lianxin.accounts.roles import Role
from lianxin.land import selectors, services
from lianxin.land.models import Parcel, ProcedureMilestone

from . import factories

TODAY = timezone.localdate
Step = ProcedureMilestone.Step


def _step(project, step, start_days_ago, end_days_ago, actor):
    return services.milestone_record(
        project=project,
        step=step,
        started_on=TODAY() - timedelta(days=start_days_ago) if start_days_ago is not None else None,
        completed_on=TODAY() - timedelta(days=end_days_ago) if end_days_ago is not None else None,
        actor=actor,
    )


def test_procedure_shows_next_step_and_accepts_lawful_periods(land_project, working_group_member):
    _step(land_project, Step.PRE_ANNOUNCEMENT, 200, 170, working_group_member)  # 30 days ≥ 10 working days
    _step(land_project, Step.STATUS_SURVEY, 190, 160, working_group_member)
    status = selectors.procedure_status(project=land_project)
    assert status["next_step"] == Step.RISK_ASSESSMENT
    assert status["warning_count"] == 0


def test_procedure_warns_on_short_plan_announcement_and_out_of_order_steps(land_project, working_group_member):
    _step(land_project, Step.PRE_ANNOUNCEMENT, 100, 80, working_group_member)
    _step(land_project, Step.STATUS_SURVEY, 95, 90, working_group_member)
    _step(land_project, Step.RISK_ASSESSMENT, 120, 110, working_group_member)  # before the pre-announcement
    _step(land_project, Step.PLAN_ANNOUNCEMENT, 70, 60, working_group_member)  # 11 days < 30
    rows = {row.step: row for row in selectors.procedure_status(project=land_project)["rows"]}
    assert any("顺序不当" in w for w in rows[Step.RISK_ASSESSMENT].warnings)
    assert any("少于法定的30日" in w for w in rows[Step.PLAN_ANNOUNCEMENT].warnings)
    assert not rows[Step.STATUS_SURVEY].warnings


def test_pre_announcement_counts_working_days_not_calendar_days(land_project, working_group_member):
    # 2024-10-01..2024-10-13: 13 calendar days around the National Day holiday, only 5 working days
    from datetime import date

    services.milestone_record(
        project=land_project,
        step=Step.PRE_ANNOUNCEMENT,
        started_on=date(2024, 10, 1),
        completed_on=date(2024, 10, 13),
        actor=working_group_member,
    )
    row = selectors.procedure_status(project=land_project)["rows"][0]
    assert any("少于法定的10个工作日" in w for w in row.warnings)


def test_signing_before_the_plan_period_ends_is_flagged(signed, land_project, working_group_member):
    _step(land_project, Step.PLAN_ANNOUNCEMENT, 20, 1, working_group_member)  # ends after the agreement (10 days ago)
    assert selectors.procedure_status(project=land_project)["warnings"]


def test_progress_counts_cumulative_statuses_and_money(
    signed, land_project, group_a2, household_b, working_group_member
):
    agreement, _parcel = signed
    factories.holding(factories.parcel(land_project, group_a2, area_mu="5"), household_b)
    services.payment_record(
        agreement=agreement,
        amount=Decimal("550000"),
        paid_on=TODAY(),
        voucher_no="V1",
        payee_name="王",
        actor=working_group_member,
    )
    progress = selectors.land_progress(user=working_group_member, project=land_project)
    by_status = {row["status"]: row for row in progress["statuses"]}
    assert by_status[Parcel.Status.SURVEYED]["area_mu"] == Decimal("15")
    assert by_status[Parcel.Status.AGREED]["area_mu"] == Decimal("10")  # a paid parcel is also agreed
    assert by_status[Parcel.Status.PAID]["parcels"] == 1
    assert (progress["households_signed"], progress["households_total"]) == (1, 2)
    assert progress["money_paid"] == progress["money_agreed"] == Decimal("550000.00")
    trend = selectors.land_trend(user=working_group_member, project=land_project)
    assert trend["paid"][-1] == "550000.00"


def test_progress_of_a_village_cadre_counts_only_own_village(
    signed, land_project, group_b1, household_b, village_b_clerk
):
    factories.holding(factories.parcel(land_project, group_b1, area_mu="7"), household_b)
    progress = selectors.land_progress(user=village_b_clerk, project=land_project)
    assert progress["area_total_mu"] == Decimal("7")
    assert progress["money_agreed"] == 0


def test_county_viewer_gets_aggregates_but_no_rows(signed, land_project, make_user, county):
    viewer = make_user("cv", Role.COUNTY_VIEWER, scope_region=county)
    assert selectors.land_progress(user=viewer, project=land_project)["parcels_total"] == 1
    assert not selectors.parcel_list(user=viewer).exists()


def test_area_mismatch_uses_the_configured_tolerance(land_project, group_a1, settings):
    parcel = factories.parcel(land_project, group_a1, area_mu="10", computed_area_mu=Decimal("10.15"))
    assert not parcel.area_mismatch  # 1.5% < 2%
    settings.LIANXIN_AREA_TOLERANCE = Decimal("0.01")
    assert parcel.area_mismatch


def test_parcel_list_filters_mismatched_areas(land_project, group_a1, working_group_member):
    factories.parcel(land_project, group_a1, code="OK", area_mu="10", computed_area_mu=Decimal("10.1"))
    factories.parcel(land_project, group_a1, code="OFF", area_mu="10", computed_area_mu=Decimal("10.6"))
    factories.parcel(land_project, group_a1, code="NONE", area_mu="10")
    found = selectors.parcel_list(user=working_group_member, mismatch=True)
    assert [p.code for p in found] == ["OFF"]
