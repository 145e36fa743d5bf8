from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyConfig(AppConfig):
    name = "lianxin.party"
    label = "party"
    verbose_name = _("党建")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        for model in (
            models.Organization,
            models.CommitteeTerm,
            models.CommitteePost,
            models.Member,
            models.MemberHouseholdLink,
            models.DevelopmentStep,
            models.DevelopmentPlan,
            models.Theme,
            models.Activity,
            models.Attendance,
            models.ActivityMaterial,
            models.LanguageTeam,
            models.MemberEvaluation,
            models.PartyRules,
            models.SecretaryScope,
            models.ThoughtReport,
        ):
            auditlog.register(model)
        # Imported for its side effect: the member roster and the pipeline ledger register with the import engine.
        from . import ledger  # noqa: F401
        from .inbox import register_inbox

        register_inbox()  # overdue pipeline steps in the 待办 (core holds the registry)
        from .figures import register_figures

        register_figures()  # the Party figures of the report catalogue (the reports never import the party app)
        from .report import register_panels, register_report, register_returns

        register_report()  # the 抓班子 / 抓教育 sentences and the branch table of the work report
        register_panels()  # the party officer's and branch secretary's panels, the leader's Party overview
        register_returns()  # 党员发展情况统计表
