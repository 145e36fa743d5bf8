from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import QuerySet

from lianxin.core.permissions import get_scoped_or_404, scope_to_user

from .engine import progress_key
from .models import ImportBatch


def batch_list(*, user, ledger: str = "") -> QuerySet[ImportBatch]:
    """Import history (导入记录) within the user's jurisdiction, newest first."""
    qs = scope_to_user(ImportBatch.objects.select_related("user", "undone_by"), user)
    return qs.filter(ledger=ledger) if ledger else qs


def batch_get(*, user, pk: int) -> ImportBatch:
    return get_scoped_or_404(ImportBatch.objects.select_related("user"), user, pk=pk)


@dataclass(frozen=True)
class Progress:
    rows: int
    total: int | None

    @property
    def percent(self) -> int | None:
        """Whole percent done, at most 99 while running; None when the total is not known."""
        if not self.total:
            return None
        return min(99, self.rows * 100 // self.total)


def batch_progress(*, batch: ImportBatch) -> Progress:
    """How far a running check or commit is (kept in the cache by the worker)."""
    value = cache.get(progress_key(batch.pk)) or {}
    return Progress(rows=int(value.get("rows", 0)), total=value.get("total"))
