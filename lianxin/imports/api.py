from datetime import datetime

from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from lianxin.core.api import Id, PageOut
from lianxin.core.errors import DomainError
from lianxin.core.pagination import keyset_page
from lianxin.core.permissions import require_perm

from . import selectors, services
from .ledger import ledger_get
from .models import ImportBatch
from .permissions import can_read_rows

router = Router(tags=["imports"])


class RowErrorOut(Schema):
    row: int
    column: str
    header: str
    value: str
    message: str


class BatchOut(Schema):
    id: int
    ledger: str
    file_name: str
    checksum: str
    status: ImportBatch.Status
    mode: ImportBatch.Mode
    options: dict
    message: str
    rows_read: int
    to_create: int
    to_update: int
    unchanged: int
    rejected: int
    progress_rows: int
    progress_total: int | None
    errors: list[RowErrorOut]
    created_at: datetime
    committed_at: datetime | None


def _out(batch: ImportBatch, user) -> dict:
    progress = selectors.batch_progress(batch=batch)
    return {
        **{f: getattr(batch, f) for f in BatchOut.model_fields if hasattr(batch, f)},
        # The rejected rows are the ledger's data: only for who may read its records.
        "errors": batch.errors if can_read_rows(user, batch) else [],
        "progress_rows": progress.rows,
        "progress_total": progress.total,
    }


@router.get("/batches", response=PageOut[BatchOut])
def batch_list(request, ledger: str = "", after: str | None = None):
    page = keyset_page(selectors.batch_list(user=request.user, ledger=ledger), after=after)
    return {"items": [_out(b, request.user) for b in page.items], "next_cursor": page.next_cursor}


@router.post("/batches", response={202: BatchOut})
def batch_create(
    request,
    ledger: Form[str],
    file: File[UploadedFile],
    mode: Form[ImportBatch.Mode] = ImportBatch.Mode.ALL_OR_NOTHING,
    project: Form[str | None] = None,
):
    """Upload a ledger file; the dry run starts in the background (poll the batch for its result).
    ``project`` (id or name): the project of a compensation roster (land_roster), whose rows do not name it."""
    require_perm(request.user, "imports.add_importbatch")
    try:
        ledger_get(ledger)
    except LookupError:
        raise DomainError(
            _("没有名为“%(ledger)s”的台账") % {"ledger": ledger[:40]}, code="not_found", field="ledger"
        ) from None
    batch = services.batch_upload(
        user=request.user,
        ledger=ledger,
        file=file,
        file_name=file.name,
        mode=mode,
        options={"project": project} if project else None,
    )
    return Status(202, _out(services.batch_queue_check(batch=batch), request.user))


@router.get("/batches/{batch_id}", response=BatchOut)
def batch_detail(request, batch_id: Id):
    return _out(selectors.batch_get(user=request.user, pk=batch_id), request.user)


@router.post("/batches/{batch_id}/commit", response={202: BatchOut})
def batch_commit(request, batch_id: Id):
    """Import a checked batch (all rows or none, unless uploaded with mode=valid_only)."""
    require_perm(request.user, "imports.add_importbatch")
    batch = selectors.batch_get(user=request.user, pk=batch_id)
    return Status(202, _out(services.batch_queue_commit(batch=batch, actor=request.user), request.user))


@router.post("/batches/{batch_id}/undo", response=BatchOut)
def batch_undo(request, batch_id: Id):
    batch = selectors.batch_get(user=request.user, pk=batch_id)
    return _out(services.batch_undo(batch=batch, actor=request.user), request.user)
