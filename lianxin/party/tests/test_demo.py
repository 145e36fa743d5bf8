"""The Party side of the demo township: the temporary branch at 甲马石 and why it exists, the 7 members recruited
from the project area (some still probationary), people at every earlier stage (one overdue), the Miao and Yi
teams, a contact for every household of the project area; and a second load adds nothing."""

import pytest
from django.utils import timezone

from lianxin.demo.township import load_demo
from lianxin.land.models import ProcedureMilestone
from lianxin.party import selectors
from lianxin.party.models import Activity, DevelopmentStep, LanguageTeam, Member, Organization, Step

pytestmark = pytest.mark.django_db


def test_the_demo_township_has_the_report_s_party_work():
    from lianxin.accounts.models import User

    load_demo()
    officer = User.objects.get(username="party")
    today = timezone.localdate()

    # the temporary branch: founded the day land acquisition began, 3 organ members and 2 local ones seconded
    temporary = Organization.objects.get(kind=Organization.Kind.TEMPORARY_BRANCH)
    started = (
        ProcedureMilestone.objects.filter(started_on__isnull=False)
        .order_by("started_on")
        .values_list("started_on", flat=True)
        .first()
    )
    assert temporary.founded_on == started
    assert "把支部建到村民小组上" in temporary.founding_reason
    seconded = list(Member.objects.filter(seconded_to=temporary).select_related("organization"))
    assert sorted(m.organization.name for m in seconded) == ["甲马石村党支部"] * 2 + ["镇机关党支部"] * 3
    assert all(m.organization != temporary for m in seconded)

    # the 7 members recruited from the project area through the whole pipeline, 3 full and 4 probationary
    figures = selectors.home_figures(user=officer, today=today)
    assert figures.new_members == 7
    recruits = Member.objects.filter(steps__step=Step.APPROVAL).distinct()
    assert sorted(m.stage for m in recruits) == ["full"] * 3 + ["probationary"] * 4
    assert all(m.steps.filter(step=Step.BRANCH_VOTE, outcome="passed").exists() for m in recruits)

    # people at every earlier stage, one of them overdue
    stages = selectors.pipeline_stage_counts(user=officer)
    assert (stages["applicant"], stages["activist"], stages["candidate"], stages["probationary"]) == (3, 4, 2, 4)
    assert len(selectors.pipeline_overdue_for(officer, today)) == 1

    # coverage of the project area: 幕菲新寨 still without an organisation, with 2 full members
    coverage = selectors.coverage(user=officer, project=figures.project)
    assert [row.group.name for row in coverage.uncovered] == ["幕菲新寨"]
    assert coverage.uncovered[0].full == 2
    assert figures.coverage_percent == coverage.percent

    # a year of activities, trainings by the county's 发改 and 国土, the campaigns, a Miao and a Yi team
    assert Activity.objects.filter(organiser_department__contains="发展和改革").exists()
    assert Activity.objects.filter(organiser_department__contains="国土").exists()
    assert {t.name for a in Activity.objects.prefetch_related("themes") for t in a.themes.all()} >= {
        "三强化",
        "三项教育",
    }
    assert {t.language.name for t in LanguageTeam.objects.select_related("language")} == {"苗语", "彝语"}

    # every household of the project area has a contact member
    contacts = selectors.contact_coverage(user=officer, project=figures.project)
    assert contacts.households > 300
    assert contacts.with_contact == contacts.households

    # and the township organ's cadres who live in the county seat are members, registered in its collective household
    assert Member.objects.filter(non_resident=True, person__household__number="JG-001").count() == 8

    counts = (
        Organization.objects.count(),
        Member.objects.count(),
        DevelopmentStep.objects.count(),
        Activity.objects.count(),
    )
    load_demo()
    assert (
        Organization.objects.count(),
        Member.objects.count(),
        DevelopmentStep.objects.count(),
        Activity.objects.count(),
    ) == counts
