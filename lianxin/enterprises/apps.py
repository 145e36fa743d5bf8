from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "lianxin.enterprises"
    label = "enterprises"
    verbose_name = _("企业与项目")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        for model in (models.Enterprise, models.EnterpriseIndicator, models.Project, models.ProjectMilestone):
            auditlog.register(model)
