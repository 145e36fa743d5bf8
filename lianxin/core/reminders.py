"""The deadline reminder e-mail: the same list as the in-app inbox, sent at most once a day per user."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lianxin.accounts.roles import Role

from . import inbox
from .inbox import due_soon_limit
from .models import DeadlineReminder

logger = logging.getLogger(__name__)
MAX_LINES = 50
# The inbox provider whose rows the e-mail sends: the cases' deadlines (registered by the cases app).
DEADLINES = "cases.deadlines"


def _deadline_rows(user, today: date) -> list[inbox.InboxRow]:
    provider = inbox.provider(DEADLINES)
    if provider is None or not provider.applies(user):
        return []
    return provider.rows(user=user, today=today, limit=MAX_LINES + 1)


def smtp_configured() -> bool:
    """E-mail goes out only when the deployment names an SMTP host (Django's built-in default does not count)."""
    return bool(settings.is_overridden("EMAIL_HOST") and settings.EMAIL_HOST)


@dataclass
class ReminderResult:
    sent: int = 0
    skipped: int = 0
    failed: int = 0


def _recipients(today: date):
    """Users who may have something in their inbox: assignees/co-handlers of running cases due soon, and leaders."""
    from lianxin.cases.models import CLOCK_STATES, Case

    due = Case.objects.filter(state__in=CLOCK_STATES, due_on__lte=due_soon_limit(today))
    assignees = due.filter(assignee__isnull=False).values("assignee_id")
    co_handlers = Case.co_handlers.through.objects.filter(case__in=due).values("user_id")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(pk__in=assignees) | Q(pk__in=co_handlers) | Q(role=Role.TOWNSHIP_LEADER))
        .order_by("pk")
    )


def reminders_send(*, today: date) -> ReminderResult:
    """Send each recipient their inbox for ``today`` unless it already went out today (期限提醒)."""
    result = ReminderResult()
    already = set(DeadlineReminder.objects.filter(sent_on=today).values_list("recipient_id", flat=True))
    for user in _recipients(today):
        if user.pk in already:
            result.skipped += 1
            continue
        cases = _deadline_rows(user, today)
        if not cases:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = _message(user, cases, today)
        try:
            with transaction.atomic():
                # Claim the day first: a concurrent run hits the unique constraint instead of sending twice.
                DeadlineReminder.objects.create(recipient=user, sent_on=today, case_count=len(cases))
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except IntegrityError:
            result.skipped += 1
        except OSError:
            logger.exception("deadline reminder to user %s failed", user.pk)
            result.failed += 1  # the claim rolled back: the next run tries again
        else:
            result.sent += 1
    return result


def _message(user, cases, today: date) -> tuple[str, str]:
    overdue = [row for row in cases[:MAX_LINES] if row.overdue]
    soon = [row for row in cases[:MAX_LINES] if not row.overdue]
    subject = _("【连心桥】期限提醒:超期%(overdue)s件,即将到期%(soon)s件") % {
        "overdue": len(overdue),
        "soon": len(soon),
    }
    lines = [_("%(name)s,您好:") % {"name": user.get_full_name() or user.username}, ""]
    for title, group in ((_("已超期"), overdue), (_("2个工作日内到期"), soon)):
        if group:
            lines.append(title)
            lines.extend(
                f"  {row.number}  {row.title}  {_('期限')} {row.clock:%Y-%m-%d}"
                + (f" ({_('暂定')})" if row.provisional else "")
                for row in group
            )
            lines.append("")
    if len(cases) > MAX_LINES:
        lines.append(_("另有更多案件,请登录查看。"))
    lines.append(_("待办提醒页面:%(path)s") % {"path": reverse("core:inbox")})
    return subject, "\n".join(lines)
