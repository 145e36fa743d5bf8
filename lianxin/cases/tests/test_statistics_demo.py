"""The demo township's statistics state the seed report's security figures: 14 thefts solved, 29 suspects."""

import pytest

from lianxin.accounts.models import User
from lianxin.accounts.roles import Role
from lianxin.cases import statistics
from lianxin.demo.township import load_demo

pytestmark = pytest.mark.django_db


def test_demo_statistics_state_14_solved_thefts_and_29_suspects(client):
    load_demo()
    leader = User.objects.filter(role=Role.TOWNSHIP_LEADER).first()

    figures = statistics.case_statistics(user=leader, period=statistics.Period.last_12_months())
    assert figures.thefts_solved == 14
    assert figures.suspects_caught == 29
    assert figures.total > 0
    assert figures.on_time_rate is not None
    assert figures.median_workdays is not None
    assert figures.satisfaction_average is not None

    leader.must_change_password = False  # the demo's one-time password would redirect to the change page
    leader.save(update_fields=["must_change_password"])
    client.force_login(leader)
    html = client.get("/cases/statistics/").content.decode()
    assert 'data-figure="thefts_solved">14<' in html
    assert 'data-figure="suspects_caught">29<' in html
