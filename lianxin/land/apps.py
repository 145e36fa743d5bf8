from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LandConfig(AppConfig):
    name = "lianxin.land"
    label = "land"
    verbose_name = _("征地")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        for model in (
            models.LandClass,
            models.Parcel,
            models.ContractRight,
            models.ContractHolding,
            models.CompensationStandard,
            models.Agreement,
            models.AgreementItem,
            models.SupplementaryAgreement,
            models.AgreementAttachment,
            models.Handover,
            models.HandoverOverride,
            models.SiteImage,
            models.ProcedureMilestone,
            models.GeometryFieldMapping,
        ):
            auditlog.register(model)
        # The ciphertext never enters the audit trail; the masked account does.
        auditlog.register(models.Payment, exclude_fields=["bank_account_ciphertext"])
        # Imported for its side effect: the land ledgers register with the import engine.
        from . import ledger, roster  # noqa: F401
        from .inbox import register_inbox

        register_inbox()  # pending hand-over overrides in the leaders' 待办 (core holds the registry)
        from . import retention

        retention.register()  # bank accounts of payments in the personal-data purge (core holds the registry)
