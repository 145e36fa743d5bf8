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

        auditlog.register(models.User, exclude_fields=["password", "last_login"], m2m_fields={"groups"})
        post_migrate.connect(receivers.sync_roles_after_migrate, sender=self)
