from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lianxin.accounts"
    label = "accounts"
    verbose_name = _("账号与安全")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models, receivers  # noqa: F401  (login/logout security events)

        # The role field says which group an account is in; the password hash never enters the trail.
        auditlog.register(
            models.User,
            include_fields=[
                "username",
                "first_name",
                "last_name",
                "email",
                "role",
                "scope_region",
                "scope_enterprise",
                "is_active",
                "must_change_password",
            ],
        )
        post_migrate.connect(receivers.sync_roles_after_migrate, sender=self)
        from datetime import time

        from lianxin.core import schedule

        # Hourly: the task writes a checkpoint only once one falls due (LIANXIN_CHECKPOINT_INTERVAL_HOURS).
        schedule.register(
            schedule.Job("security_event_checkpoint", "lianxin.accounts.tasks.checkpoint_write_task", time(0, 5), True)
        )
