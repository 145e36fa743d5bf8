from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Timestamps every ledger row carries."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class Holiday(BaseModel):
    """One day of the State Council's holiday notice (节假日安排) for a year chinese_calendar does not know yet.

    ``is_workday`` False: a holiday (放假) on a weekday; True: a make-up working day (调休上班) on a
    weekend. Any row for a year makes that year's deadlines no longer provisional.
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("调休上班"), default=False)
    name = models.CharField(_("名称"), max_length=50)

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class DeadlineReminder(models.Model):
    """That one user's deadline reminder e-mail went out on one day: makes the daily command idempotent."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("收件人"), on_delete=models.CASCADE, related_name="+"
    )
    sent_on = models.DateField(_("发送日期"))
    case_count = models.PositiveIntegerField(_("案件数"), default=0)
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("期限提醒")
        verbose_name_plural = _("期限提醒")
        constraints = [models.UniqueConstraint(fields=["recipient", "sent_on"], name="core_reminder_once_a_day")]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.sent_on}"


class KeyFingerprint(models.Model):
    """Which data keys this database's contents are sealed with (密钥指纹): a keyed digest of each key, never
    the key. Written at migrate; checked when the program starts, before a restore, and by
    config/secrets.py before it would generate a missing key (``core.keys``)."""

    name = models.CharField(_("密钥"), max_length=40, unique=True)
    fingerprint = models.CharField(_("指纹"), max_length=64)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("密钥指纹")
        verbose_name_plural = _("密钥指纹")

    def __str__(self) -> str:
        return f"{self.name} {self.fingerprint}"


class KeyRotationProgress(models.Model):
    """How far ``manage.py rotate_keys`` got with one model (密钥轮换进度), so that a rerun resumes: the
    rows up to ``last_pk`` are re-encrypted and re-indexed under the keys named by ``target``."""

    model = models.CharField(_("数据表"), max_length=100, unique=True)
    target = models.CharField(_("目标密钥"), max_length=100)
    last_pk = models.BigIntegerField(_("已处理至"), default=0)
    rows_changed = models.BigIntegerField(_("已改写行数"), default=0)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("密钥轮换进度")
        verbose_name_plural = _("密钥轮换进度")

    def __str__(self) -> str:
        return f"{self.model} → {self.last_pk}"


class RetentionRule(models.Model):
    """How long one class of personal data is kept after its clock starts (保存期限), set by the system
    administrator on the 数据保存期限 page; a class without a row keeps its default (``core.retention``)."""

    data_class = models.CharField(_("数据类别"), max_length=60, unique=True)
    days = models.PositiveIntegerField(_("保存天数"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("保存期限")
        verbose_name_plural = _("保存期限")
        permissions = [("purge_personal_data", _("清除超期个人信息"))]

    def __str__(self) -> str:
        return f"{self.data_class} {self.days}"


class PurgeRun(models.Model):
    """One run of the personal-data purge (个人信息清除): when, started by whom or what, and how many rows of
    each data class it anonymised (``counts``: {data class: rows})."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("定时任务")
        COMMAND = "command", _("命令行")
        PAGE = "page", _("页面")

    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    trigger = models.CharField(_("触发方式"), max_length=20, choices=Trigger.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("执行人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    counts = models.JSONField(_("清除数量"), default=dict)
    # The periods in force for this run ({data class: days}), so the record says which rule applied.
    periods = models.JSONField(_("保存期限"), default=dict)

    class Meta:
        verbose_name = _("清除记录")
        verbose_name_plural = _("清除记录")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {sum(self.counts.values())}"

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class ScheduledJob(models.Model):
    """The last time slot each scheduled job (定时任务) was queued for (``core.schedule``): a restarted
    scheduler does not queue a slot twice, and a missed slot is caught up once."""

    name = models.CharField(_("任务"), max_length=60, unique=True)
    last_slot = models.DateTimeField(_("最近一次计划时间"), null=True, blank=True)
    last_queued_at = models.DateTimeField(_("最近一次入队时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("定时任务")
        verbose_name_plural = _("定时任务")

    def __str__(self) -> str:
        return self.name
