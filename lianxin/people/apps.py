from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "lianxin.people"
    label = "people"
    verbose_name = _("户籍人口")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Household)
        # Ciphertexts and digests never enter the audit trail; the masked forms do.
        auditlog.register(
            models.Person, exclude_fields=["resident_id_ciphertext", "resident_id_digest", "phone_ciphertext"]
        )
        from . import retention

        retention.register()  # IDs and phones of departed persons in the personal-data purge
