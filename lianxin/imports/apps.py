from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "lianxin.imports"
    label = "imports"
    verbose_name = _("导入导出")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        # Each domain app declares its ledgers; importing the modules registers them.
        from lianxin.enterprises import ledger as _enterprises  # noqa: F401
        from lianxin.people import ledger as _people  # noqa: F401

        from . import models

        auditlog.register(models.ImportBatch, include_fields=["status", "mode", "file_deleted_at"])
        from . import retention

        retention.register()  # uploaded files in the personal-data purge (core holds the registry)
