"""What the office keeps for the work report: the sentences (templates with figure placeholders, each
edit a new version) and the uploaded Word templates (every upload a new version).

Both are settings of the township's reporting, not ledger rows: they carry no region, and the
permission alone decides who may change them (``core.permissions``: reference data)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianxin.core.models import BaseModel

from .catalogue import LINES

SECTION_CHOICES = [(key, label) for key, label in LINES.items()]
SENTENCE_MAX_LENGTH = 500


class ReportSentence(BaseModel):
    """One sentence of the work report (报告语句): text with ``{figure}`` placeholders from the figure
    catalogue. A default sentence (from the code) gets a row the first time the office changes it;
    sentences the office adds have keys of their own. ``version`` counts the edits; every version is
    kept in ``ReportSentenceVersion``."""

    key = models.CharField(_("标识"), max_length=60, unique=True)
    section = models.CharField(_("工作线"), max_length=20, choices=SECTION_CHOICES)
    topic = models.CharField(_("段落"), max_length=60)
    position = models.PositiveSmallIntegerField(_("顺序"), default=100)
    text = models.TextField(_("语句"), max_length=SENTENCE_MAX_LENGTH)
    active = models.BooleanField(_("启用"), default=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_region_lookup = None
    scope_enterprise_lookup = None

    class Meta:
        verbose_name = _("报告语句")
        verbose_name_plural = _("报告语句")
        ordering = ["section", "topic", "position", "id"]

    def __str__(self) -> str:
        return self.key


class ReportSentenceVersion(models.Model):
    """One version of a sentence as it was saved (append-only: the history of the wording)."""

    sentence = models.ForeignKey(ReportSentence, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("版本"))
    text = models.TextField(_("语句"))
    active = models.BooleanField(_("启用"))
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField(_("修改时间"), auto_now_add=True)

    scope_region_lookup = None
    scope_enterprise_lookup = None

    class Meta:
        verbose_name = _("报告语句版本")
        verbose_name_plural = _("报告语句版本")
        ordering = ["sentence_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["sentence", "version"], name="report_sentence_version_once")]

    def __str__(self) -> str:
        return f"{self.sentence_id} v{self.version}"


class ReportTemplate(models.Model):
    """An uploaded Word template of the work report (报告模板, .docx with placeholders). The newest
    active one is used; none active means the built-in default."""

    version = models.PositiveIntegerField(_("版本"), unique=True)
    name = models.CharField(_("文件名"), max_length=200)
    content = models.BinaryField(_("文件内容"))
    sha256 = models.CharField(_("校验值"), max_length=64)
    size = models.PositiveIntegerField(_("大小(字节)"))
    active = models.BooleanField(_("使用中"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope_region_lookup = None
    scope_enterprise_lookup = None

    class Meta:
        verbose_name = _("报告模板")
        verbose_name_plural = _("报告模板")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version} {self.name}"
