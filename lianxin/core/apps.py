from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "lianxin.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.core import checks
        from django.db.models.signals import post_migrate

        from . import models

        auditlog.register(models.Holiday)
        auditlog.register(models.RetentionRule)
        from datetime import time

        from . import schedule

        schedule.register(schedule.Job("deadline_reminders", "lianxin.core.tasks.deadline_reminders_task", time(7, 30)))
        schedule.register(
            schedule.Job("personal_data_purge", "lianxin.core.tasks.personal_data_purge_task", time(2, 30))
        )
        post_migrate.connect(_record_keys, sender=self)
        checks.register(_keys_match, checks.Tags.security)


def _record_keys(sender, using="default", **kwargs) -> None:
    from .keys import keys_record

    keys_record(using=using)


def _keys_match(app_configs=None, **kwargs) -> list:
    """``manage.py check`` (and runserver, migrate) stops when the keys are not the database's."""
    from django.core import checks
    from django.db import DatabaseError

    from .keys import keys_mismatched, mismatch_message

    try:
        mismatched = keys_mismatched()
    except DatabaseError:
        return []  # not migrated or not reachable: other checks and the first query say so
    return [checks.Error(mismatch_message(mismatched), id="lianxin.E001")] if mismatched else []
