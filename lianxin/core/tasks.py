"""Background work of core (django-tasks), queued by the scheduler (core.schedule) or on demand."""

from django_tasks import task


@task()
def deadline_reminders_task() -> str:
    """The daily deadline reminder e-mails (期限提醒); nothing without SMTP."""
    from django.utils import timezone

    from .reminders import reminders_send, smtp_configured

    if not smtp_configured():
        return "SMTP not configured"
    result = reminders_send(today=timezone.localdate())
    return f"sent {result.sent}, skipped {result.skipped}, failed {result.failed}"


@task()
def personal_data_purge_task() -> int:
    """The daily purge of personal data past its retention (个人信息清除)."""
    from .models import PurgeRun
    from .retention import purge_run

    return purge_run(trigger=PurgeRun.Trigger.SCHEDULE).total
