"""Daily deadline reminder e-mails (期限提醒), for the worker or cron: ``manage.py send_deadline_reminders``.

Sends nothing unless SMTP is configured (``EMAIL_HOST`` set in the settings). Each user with an
e-mail address and a non-empty inbox gets at most one message per day: a second run the same day
skips whoever already got theirs, so the command is safe to run as often as the scheduler likes.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from lianxin.core.reminders import reminders_send, smtp_configured


class Command(BaseCommand):
    help = "E-mail each assignee and leader their overdue and soon-due cases, once a day (only if SMTP is configured)."

    def handle(self, *args, **options) -> None:
        if not smtp_configured():
            self.stdout.write("SMTP not configured (EMAIL_HOST unset): no e-mail sent")
            return
        today = timezone.localdate()
        result = reminders_send(today=today)
        self.stdout.write(
            f"{today}: sent {result.sent}, already sent today {result.skipped}, failed {result.failed}"
            f" (from {settings.DEFAULT_FROM_EMAIL})"
        )
