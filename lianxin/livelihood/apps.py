from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LivelihoodConfig(AppConfig):
    name = "lianxin.livelihood"
    label = "livelihood"
    verbose_name = _("民生发展")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        for model in (
            models.LandlessRule,
            models.PriceIndex,
            models.IncomeSurvey,
            models.FollowUp,
            models.ContactTask,
            models.JobSeeker,
            models.JobPosting,
            models.HiringQuota,
            models.Placement,
            models.SkillsTraining,
            models.TrainingAttendance,
            models.Business,
            models.InsuranceEnrolment,
            models.VillageProject,
            models.FundContribution,
            models.ProjectDocument,
            models.Pairing,
            models.PairingMilestone,
            models.VillageIndicator,
        ):
            auditlog.register(model)
        from lianxin.core import household_changes

        # Imported for its side effect: the income surveys and village indicators register with the import engine.
        from . import ledger  # noqa: F401
        from .services.register import landless_status_keep

        household_changes.register(landless_status_keep)  # the register's stored decision follows land and people
        from .inbox import register_inbox

        register_inbox()  # follow-ups handed to contact members, in their 待办 (core holds the registry)
        from .figures import register_figures

        register_figures()  # the livelihood figures of the report catalogue (the reports never import this app)
        from .report import register_panels, register_report, register_returns

        register_report()  # the 抓发展 sentences and tables of the work report
        register_panels()  # the leader's and county viewer's livelihood overview and village indicators
        register_returns()  # 失地农民就业情况统计表
