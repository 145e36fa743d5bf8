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
