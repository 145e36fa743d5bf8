"""Integrity reporters' contact data after the case closed, as a class of personal data (core.retention):
the name and phone of a named reporter, the tracking code and passphrase of an anonymous one."""

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from lianxin.core import retention

RETENTION_CLASS = "cases.reporter_contacts"
DEFAULT_DAYS = 365


def _due(cutoff):
    from .models import RESOLVED_STATES, Case

    return (
        Case.objects.filter(kind=Case.Kind.INTEGRITY_REPORT, state__in=RESOLVED_STATES)
        .filter(reporter_contact_purged_at__isnull=True)
        .filter(~Q(reporter_name="") | ~Q(reporter_phone="") | Q(tracking_digest__isnull=False))
        .annotate(finished_at=Coalesce("closed_at", "resolved_at"))
        .filter(finished_at__lte=cutoff)
    )


def _purge(ids: list[int], now) -> int:
    from .services import integrity_reporters_purge

    return integrity_reporters_purge(ids=ids, now=now)


def _describe(case) -> str:
    who = _("匿名") if case.anonymous else f"{case.reporter_name[:1]}*"
    return f"{case.number} {who} {case.finished_at:%Y-%m-%d}"


def register() -> None:
    retention.register(
        retention.DataClass(
            key=RETENTION_CLASS,
            label=_("廉政举报人的联系方式"),
            clock=_("案件办结之日"),
            action=_("实名举报人的姓名和电话清空,匿名举报的查询码和查询密码作废"),
            default_days=lambda: DEFAULT_DAYS,
            due=_due,
            purge=_purge,
            describe=_describe,
            order=30,
        )
    )
