"""Retention and purge of personal data (个人信息保存期限与清除, PIPL art. 19 and 47).

Core imports no domain app (STYLE.md): each app registers the classes of personal data it holds in
``AppConfig.ready()``::

    from lianxin.core import retention
    retention.register(retention.DataClass(key="people.departed", ...))

A data class says which rows are past their period (``due``: the rows whose clock started on or before a
cutoff and that still hold the data), how to anonymise a batch of them (``purge``, inside the batch's
transaction, returning how many it changed) and how to show one row masked in the preview. The period is
the ``RetentionRule`` row the system administrator set on the 数据保存期限 page, else the class default.

``purge_run`` (daily from the scheduler, ``manage.py purge_personal_data``, or the page) works class by
class in batches of ``BATCH_SIZE``, each batch in its own transaction, so a run stopped half-way has
anonymised whole batches and the next run carries on; a row already anonymised is no longer ``due``, so a
second run changes nothing. It records a ``PurgeRun`` (counts per class), one audit entry per batch and
one security event. The audit trail and the security events are no data class: the purge never touches
them (they are kept at least ``SECURITY_EVENT_RETENTION_DAYS``, ≥ 180, by nothing deleting them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .errors import DomainError
from .models import PurgeRun, RetentionRule

BATCH_SIZE = 500
PREVIEW_ROWS = 5
MAX_DAYS = 100 * 366


@dataclass(frozen=True)
class DataClass:
    """One class of personal data with its own retention clock."""

    key: str
    label: str | Promise  # 数据类别, e.g. 迁出或死亡人员的身份证号码和手机号码
    clock: str | Promise  # from when the period counts, e.g. 迁出或死亡之日
    action: str | Promise  # what the purge does to a row, e.g. 密文和检索索引置空,显示"已按规定清除"
    default_days: Callable[[], int]
    due: Callable[[datetime], QuerySet]  # rows whose clock started at or before the cutoff and still hold the data
    purge: Callable[[list[int], datetime], int]  # anonymise these rows (called inside a transaction)
    describe: Callable[[object], str]  # one row, masked, for the preview
    order: int = 0


_classes: dict[str, DataClass] = {}


def register(data_class: DataClass) -> None:
    _classes[data_class.key] = data_class


def data_classes() -> list[DataClass]:
    return sorted(_classes.values(), key=lambda c: (c.order, c.key))


def data_class(key: str) -> DataClass:
    try:
        return _classes[key]
    except KeyError:
        raise DomainError(_("没有这类数据:%(key)s") % {"key": key}, field="data_class") from None


def retention_days(key: str) -> int:
    """The period in force for one class: the administrator's rule, else the class default."""
    rule = RetentionRule.objects.filter(data_class=key).values_list("days", flat=True).first()
    return rule if rule is not None else data_class(key).default_days()


def periods() -> dict[str, int]:
    rules = dict(RetentionRule.objects.values_list("data_class", "days"))
    return {c.key: rules.get(c.key, c.default_days()) for c in data_classes()}


def cutoff(key: str, *, now: datetime, days: int | None = None) -> datetime:
    return now - timedelta(days=retention_days(key) if days is None else days)


@dataclass
class PreviewRow:
    data_class: DataClass
    days: int
    cutoff: datetime
    count: int
    samples: list[str]


def purge_preview(*, now: datetime | None = None) -> list[PreviewRow]:
    """What a purge run now would anonymise (清除预览): per class the period, the count and the first rows, masked."""
    now = now or timezone.now()
    rows = []
    for klass, days in zip(data_classes(), periods().values(), strict=True):
        limit = now - timedelta(days=days)
        due = klass.due(limit).order_by("pk")
        rows.append(
            PreviewRow(
                data_class=klass,
                days=days,
                cutoff=limit,
                count=due.count(),
                samples=[klass.describe(obj) for obj in due[:PREVIEW_ROWS]],
            )
        )
    return rows


def purge_run(*, trigger: str, actor=None, now: datetime | None = None) -> PurgeRun:
    """Anonymise every row past its period (清除超期个人信息), class by class, in batches; record what was done."""
    from lianxin.accounts.models import SecurityEvent
    from lianxin.accounts.services import audit_batch, security_event_record

    now = now or timezone.now()
    in_force = periods()
    run = PurgeRun.objects.create(started_at=now, trigger=trigger, actor=actor, periods=in_force)
    counts: dict[str, int] = {}
    for klass in data_classes():
        limit = now - timedelta(days=in_force[klass.key])
        done = 0
        while True:
            with transaction.atomic():
                ids = list(klass.due(limit).order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE])
                if not ids:
                    break
                changed = klass.purge(ids, now)
                audit_batch(
                    instance=run,
                    actor=actor,
                    changes={"purged": [klass.key, str(changed)], "ids": ["", f"{ids[0]}–{ids[-1]}"]},
                )
            done += changed
            if changed == 0:  # nothing more can be done for these rows: do not loop on them
                break
        counts[klass.key] = done
    run.counts, run.finished_at = counts, timezone.now()
    run.save(update_fields=["counts", "finished_at"])
    security_event_record(
        kind=SecurityEvent.Kind.PERSONAL_DATA_PURGED,
        user=actor,
        detail={"purge_run": run.pk, "counts": counts, "periods": in_force, "trigger": trigger},
    )
    return run


def retention_rule_set(*, key: str, days: int, actor) -> RetentionRule:
    """Set one class's retention period (保存期限); audited like every change."""
    from .audit import acting_as

    if not actor.has_perm("core.change_retentionrule"):
        raise DomainError(_("您没有修改保存期限的权限"), code="permission_denied")
    data_class(key)
    if days < 0 or days > MAX_DAYS:
        raise DomainError(_("保存天数应在0至%(max)s之间") % {"max": MAX_DAYS}, field="days")
    with transaction.atomic(), acting_as(actor):
        rule = RetentionRule.objects.select_for_update().filter(data_class=key).first()
        if rule is None:
            rule = RetentionRule(data_class=key, days=days, updated_by=actor)
        rule.days, rule.updated_by = days, actor
        rule.full_clean()
        rule.save()
    return rule
