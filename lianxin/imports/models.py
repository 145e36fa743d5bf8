from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lianxin.regions.models import Region


class ImportBatch(models.Model):
    """One uploaded file and what became of it (导入记录): checks, commit, undo."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("已上传")
        CHECKING = "checking", _("试导入中")
        CHECKED = "checked", _("已试导入")
        COMMITTING = "committing", _("导入中")
        COMMITTED = "committed", _("已导入")
        FAILED = "failed", _("未通过")
        UNDONE = "undone", _("已撤销")

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all", _("全部正确才导入")
        VALID_ONLY = "valid_only", _("只导入正确的行")

    ledger = models.CharField(_("台账"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.PROTECT, related_name="+"
    )
    # The importer's scope when uploading: the history is visible within the same jurisdiction.
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Emptied when the retention period has passed (services.batch_files_purge): the uploaded file is personal data.
    file = models.FileField(_("原始文件"), upload_to="imports/%Y/%m/", blank=True)
    file_deleted_at = models.DateTimeField(_("原始文件删除时间"), null=True, blank=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    checksum = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("文件大小"), default=0)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.UPLOADED)
    mode = models.CharField(_("导入方式"), max_length=20, choices=Mode.choices, default=Mode.ALL_OR_NOTHING)
    message = models.TextField(_("说明"), blank=True)
    header = models.JSONField(_("表头识别"), default=dict, blank=True)
    # What the importer chose on the upload besides the file, for ledgers that need it (Ledger.options):
    # e.g. {"project": 12} for the compensation roster, which holds one project's rows without naming it.
    options = models.JSONField(_("导入选项"), default=dict, blank=True)
    rows_read = models.PositiveIntegerField(_("读取行数"), default=0)
    to_create = models.PositiveIntegerField(_("新增"), default=0)
    to_update = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("无变化"), default=0)
    rejected = models.PositiveIntegerField(_("有误"), default=0)
    errors = models.JSONField(_("错误明细"), default=list, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    checked_at = models.DateTimeField(_("试导入时间"), null=True, blank=True)
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    undone_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_region_lookup = "region"

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        permissions = [("undo_importbatch", _("撤销整批导入"))]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def ledger_label(self) -> str:
        from .ledger import ledger_get

        return gettext(ledger_get(self.ledger).label)

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.COMMITTING)


class ImportRecord(models.Model):
    """What an import created or overwrote, so the whole batch can be undone: one record per row it
    overwrote (with the values before), and one per model and up to ``CREATED_PER_RECORD`` rows it created
    (their ids in ``object_ids``), so a 100,000-row import does not write 100,000 more rows for undo."""

    CREATED_PER_RECORD = 10_000

    class Action(models.TextChoices):
        CREATED = "created", _("新增")
        UPDATED = "updated", _("更新")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="records")
    model = models.CharField(max_length=60)  # "people.person"
    object_id = models.BigIntegerField(null=True)  # the row overwritten
    object_ids = models.JSONField(null=True, blank=True)  # the rows created
    action = models.CharField(max_length=10, choices=Action.choices)
    before = models.JSONField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["batch", "action"])]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.action}:{self.object_id or len(self.object_ids or [])}"


class HeaderMapping(models.Model):
    """A header a user mapped by hand to a ledger column; remembered for that ledger (表头对应)."""

    ledger = models.CharField(max_length=40)
    header = models.CharField(max_length=200)
    column = models.CharField(max_length=60)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ledger", "header"], name="header_mapping_unique")]

    def __str__(self) -> str:
        return f"{self.ledger}: {self.header} → {self.column}"
