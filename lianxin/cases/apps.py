from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "lianxin.cases"
    label = "cases"
    verbose_name = _("服务台")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import ledger as _ledger  # noqa: F401  (registers the historical case ledger)
        from . import models

        auditlog.register(
            models.Case,
            exclude_fields=["tracking_digest", "tracking_passphrase", "reporter_contact_purged_at"],
            mask_fields=["reporter_phone"],  # the audit trail outlives the purge of the contact data
        )
        for model in (
            models.ServiceItem,
            models.CaseParty,
            models.CaseEvent,
            models.CaseSuspension,
            models.MediationSession,
            models.CaseAttachment,
            models.PatrolLog,
        ):
            auditlog.register(model)
        from . import inbox

        inbox.register()  # the cases' sections of the 待办 (core holds the registry)
        from . import retention

        retention.register()  # integrity reporters' contact data in the personal-data purge
