"""The uploaded ledger files as a class of personal data with a retention period (core.retention)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lianxin.core import retention


def _describe(batch) -> str:
    # The file name may carry a village's or a person's name: its first character only.
    return f"#{batch.pk} {batch.created_at:%Y-%m-%d} {batch.ledger} {batch.file_name[:1]}…"


def _purge(ids: list[int], now) -> int:
    from .services import batch_files_delete

    return len(batch_files_delete(ids=ids, now=now))


def _due(cutoff):
    from .services import batch_files_due

    return batch_files_due(cutoff)


def register() -> None:
    from .services import RETENTION_CLASS

    retention.register(
        retention.DataClass(
            key=RETENTION_CLASS,
            label=_("导入台账的原始文件"),
            clock=_("导入或撤销之日(未导入的:上传之日)"),
            action=_("删除文件;导入记录保留文件名、校验值和行数"),
            default_days=lambda: settings.LIANXIN_IMPORT_FILE_RETENTION_DAYS,
            due=_due,
            purge=_purge,
            describe=_describe,
            order=40,
        )
    )
