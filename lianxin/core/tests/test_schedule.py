"""Scheduled work without cron (issue 16): the scheduler queues each job once per slot, not again after a
restart, and a missed day is caught up once. Tasks run inline in tests (ImmediateBackend)."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from lianxin.core.models import PurgeRun, ScheduledJob
from lianxin.core.schedule import Job, jobs, latest_slot, schedule_tick

SHANGHAI = ZoneInfo("Asia/Shanghai")
BASE_DIR = Path(__file__).resolve().parents[3]


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


def test_the_reminders_the_purge_and_the_checkpoint_are_scheduled():
    assert {job.name for job in jobs()} >= {"deadline_reminders", "personal_data_purge", "security_event_checkpoint"}


@pytest.mark.django_db
def test_a_due_job_runs_once_and_not_again_after_a_restart():
    # given the purge is due at 02:30 and it is 03:00
    queued = schedule_tick(now=at(3, 3))

    # then it ran once
    assert "personal_data_purge" in queued
    assert PurgeRun.objects.filter(trigger=PurgeRun.Trigger.SCHEDULE).count() == 1

    # when the scheduler restarts and checks again the same night (the slot is in the database)
    assert "personal_data_purge" not in schedule_tick(now=at(3, 3, 1))
    assert "personal_data_purge" not in schedule_tick(now=at(3, 23, 59))

    # then it did not run twice
    assert PurgeRun.objects.count() == 1
    assert ScheduledJob.objects.get(name="personal_data_purge").last_slot == at(3, 2, 30)


@pytest.mark.django_db
def test_a_missed_day_is_caught_up_once():
    schedule_tick(now=at(1, 3))

    # the scheduler was down for three nights; it starts again at noon
    queued = schedule_tick(now=at(4, 12))
    again = schedule_tick(now=at(4, 12, 1))

    assert "personal_data_purge" in queued
    assert "personal_data_purge" not in again
    assert PurgeRun.objects.count() == 2  # the first night and one catch-up, not one per missed night


@pytest.mark.django_db
def test_not_yet_due_is_not_run():
    schedule_tick(now=at(3, 3))

    assert "personal_data_purge" not in schedule_tick(now=at(4, 2, 29))
    assert "personal_data_purge" in schedule_tick(now=at(4, 2, 30))


def test_hourly_and_daily_slots():
    daily, hourly = Job("d", "x", at(1, 2, 30).timetz()), Job("h", "x", at(1, 0, 5).timetz(), hourly=True)

    assert latest_slot(daily, at(3, 2, 29)) == at(2, 2, 30)
    assert latest_slot(daily, at(3, 2, 30)) == at(3, 2, 30)
    assert latest_slot(hourly, at(3, 10, 4)) == at(3, 9, 5)
    assert latest_slot(hourly, at(3, 10, 6)) == at(3, 10, 5)


@pytest.mark.django_db
def test_run_scheduler_once_queues_and_a_second_process_does_not(capsys):
    call_command("run_scheduler", "--once")
    call_command("run_scheduler", "--once")

    out = capsys.readouterr().out
    assert out.count("queued personal_data_purge") == 1
    assert PurgeRun.objects.count() == 1


def test_make_run_starts_the_scheduler_next_to_the_worker():
    script = (BASE_DIR / "scripts" / "run.sh").read_text(encoding="utf-8")

    assert "manage.py run_scheduler" in script
    assert 'kill "$WORKER" "$SCHEDULER"' in script
