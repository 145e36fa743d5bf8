from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "lianxin.regions"
    label = "regions"
    verbose_name = _("行政区划")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Region)
        auditlog.register(models.Park, m2m_fields={"villages"})
