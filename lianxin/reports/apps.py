from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "lianxin.reports"
    label = "reports"
    verbose_name = _("统计与报告")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models
        from .figures import register_core_figures

        register_core_figures()
        auditlog.register(models.ReportSentence)
        auditlog.register(models.ReportTemplate, exclude_fields=["content"])
