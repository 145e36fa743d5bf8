"""Scheduled work without cron (定时任务): each job is queued for the background worker at its time.

``manage.py run_scheduler`` (started by scripts/run.sh next to the db_worker) calls ``schedule_tick`` once a
minute. A job runs daily at a local time or hourly at a minute; its latest slot (the last such time not
after now) is queued when the job's ``ScheduledJob`` row holds an older one. The claim is one UPDATE of that
row, in the transaction that enqueues the task, so

- a restarted scheduler (or a second one) does not queue a slot again;
- a scheduler that was stopped for days queues each job once when it starts (the latest slot only), not
  once per missed day.

Core imports no domain app: apps register their jobs in ``AppConfig.ready()`` (``register``), naming the
django-tasks task by its dotted path. With cron or the RQ scheduler in production the same tasks or the
management commands run instead (README).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ScheduledJob


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # dotted path of a django-tasks task, e.g. "lianxin.core.tasks.personal_data_purge_task"
    at: time  # daily: the local time; hourly: only the minute counts
    hourly: bool = False


_jobs: dict[str, Job] = {}


def register(job: Job) -> None:
    _jobs[job.name] = job


def jobs() -> list[Job]:
    return sorted(_jobs.values(), key=lambda j: j.name)


def latest_slot(job: Job, now: datetime) -> datetime:
    """The last time not after ``now`` at which the job is due (aware, local time zone)."""
    local = timezone.localtime(now)
    if job.hourly:
        slot = local.replace(minute=job.at.minute, second=0, microsecond=0)
        return slot if slot <= local else slot - timedelta(hours=1)
    slot = local.replace(hour=job.at.hour, minute=job.at.minute, second=0, microsecond=0)
    return slot if slot <= local else slot - timedelta(days=1)


def schedule_tick(*, now: datetime | None = None) -> list[str]:
    """Queue every job whose latest slot has not been queued yet; returns their names."""
    now = now or timezone.now()
    queued = []
    for job in jobs():
        slot = latest_slot(job, now)
        ScheduledJob.objects.get_or_create(name=job.name)
        with transaction.atomic():
            claimed = (
                ScheduledJob.objects.filter(name=job.name)
                .filter(Q(last_slot__isnull=True) | Q(last_slot__lt=slot))
                .update(last_slot=slot, last_queued_at=now)
            )
            if claimed:
                import_string(job.task).enqueue()
                queued.append(job.name)
    return queued
