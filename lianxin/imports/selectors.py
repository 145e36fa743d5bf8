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


def batch_progress(*, batch: ImportBatch) -> int:
    """Rows processed so far by a running check or commit (kept in the cache by the worker)."""
    return int(cache.get(progress_key(batch.pk)) or 0)
