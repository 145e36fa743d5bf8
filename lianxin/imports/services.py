"""Writes of the import flow: upload → dry run → commit → (undo), and remembered header mappings."""

import hashlib
import itertools
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import connections, router, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.accounts.models import SecurityEvent
from lianxin.accounts.services import audit_access, security_event_record
from lianxin.core.audit import acting_as
from lianxin.core.errors import DomainError
from lianxin.core.sql import insert_rows

from . import staging
from .annotate import annotate
from .engine import Summary, cache_progress, progress_key, run_import, run_staged
from .headers import HeaderMatch, normalise_header
from .ledger import Context, ledger_get
from .masking import Masker, count_personal, masked_copy
from .models import HeaderMapping, ImportBatch, ImportRecord
from .permissions import FileAccess, file_access
from .reading import FileRejected, open_table


def _checksum(fh) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: fh.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    fh.seek(0)
    return digest.hexdigest(), size


def batch_upload(
    *,
    user,
    ledger: str,
    file,
    file_name: str,
    mode: str = ImportBatch.Mode.ALL_OR_NOTHING,
    options: dict | None = None,
) -> ImportBatch:
    """Keep an uploaded ledger file with who sent it and its checksum (导入记录); nothing is imported yet.
    ``options``: what the ledger needs chosen besides the file (``Ledger.options``, e.g. the project),
    checked by the ledger before anything is stored."""
    spec = ledger_get(ledger)
    if not user.has_perm(spec.permission):
        raise PermissionDenied(_("您的角色无权导入%(ledger)s") % {"ledger": _(spec.label)})
    chosen = spec.options_clean({k: v for k, v in (options or {}).items() if k in spec.options}, user)
    limit = settings.LIANXIN_IMPORT_MAX_BYTES
    checksum, size = _checksum(file)
    if size > limit:
        raise DomainError(
            _("文件过大(%(size)d MB),上限为%(limit)d MB") % {"size": size // 2**20, "limit": limit // 2**20},
            field="file",
        )
    if size == 0:
        raise DomainError(_("文件是空的"), field="file")
    batch = ImportBatch(
        ledger=ledger,
        user=user,
        region=user.scope_region,
        file_name=Path(file_name).name[:255],
        checksum=checksum,
        size=size,
        mode=mode,
        options=chosen,
    )
    batch.file.save(f"{checksum[:16]}{Path(file_name).suffix.lower()[:10]}", File(file), save=False)
    with acting_as(user):
        batch.save()
    return batch


def remembered_headers(ledger: str) -> dict[str, str]:
    return dict(HeaderMapping.objects.filter(ledger=ledger).values_list("header", "column"))


def _store(batch: ImportBatch, summary: Summary, match: HeaderMatch | None, **fields) -> None:
    """Counts and errors on the batch; the header as recognised (kept from the dry run when ``match`` is None)."""
    batch.rows_read, batch.rejected = summary.rows_read, summary.rejected
    batch.to_create, batch.to_update, batch.unchanged = summary.to_create, summary.to_update, summary.unchanged
    batch.errors = [e.as_dict() for e in summary.errors]
    batch.message = summary.file_error
    if match is not None:
        batch.header = {
            "rows": list(match.header_rows),
            "columns": {str(i): k for i, k in match.columns.items()},
            "labels": {str(i): t for i, t in match.labels.items()},
            "unmatched": [
                {"index": u.index, "text": u.text, "key": u.key, "suggestions": [list(x) for x in u.suggestions]}
                for u in match.unmatched
            ],
            "confidence": {str(i): c for i, c in match.confidence.items()},
            "warnings": [w.as_dict() for w in summary.warnings],
            "notes": list(summary.notes),
        }
    for name, value in fields.items():
        setattr(batch, name, value)
    batch.save()


@contextmanager
def batch_file(batch: ImportBatch) -> Iterator[Path]:
    """A local path to the stored upload (calamine reads files): the file itself, or a temporary copy
    when the storage is not a local disk."""
    try:
        local = Path(batch.file.path)
    except NotImplementedError:
        local = None
    if local is not None and local.is_file():
        yield local
        return
    suffix = Path(batch.file.name).suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp, batch.file.open("rb") as src:
        shutil.copyfileobj(src, tmp)
        tmp.flush()
        yield Path(tmp.name)


def _run(batch: ImportBatch, *, commit: bool) -> Summary:
    """One pass over the file. A dry run stages the rows it prepared; a commit applies that stage when it
    is still valid (``staging.py``), else reads the file again."""
    spec = ledger_get(batch.ledger)
    ctx = Context(user=batch.user, batch=batch, options=batch.options)
    remembered = remembered_headers(batch.ledger)
    valid_only = batch.mode == ImportBatch.Mode.VALID_ONLY
    fingerprint = staging.fingerprint(spec, ctx, remembered)
    if commit and (stage := staging.stage_open(batch.pk, fingerprint)) is not None:
        try:
            with closing(stage):
                summary = run_staged(
                    stage=stage, ledger=spec, ctx=ctx, valid_only=valid_only, progress=cache_progress(batch.pk)
                )
            _store(batch, summary, None)
            return summary
        except staging.StageBroken:
            ctx = Context(
                user=batch.user, batch=batch, options=batch.options
            )  # the stage's partial pass left nothing behind
        except FileRejected as exc:  # the ledger refuses to start (a key rotation under way)
            summary = Summary(file_error=exc.message)
            _store(batch, summary, None)
            return summary
        finally:
            staging.stage_discard(batch.pk)
    if batch.file_deleted_at is not None:
        summary = Summary(file_error=_file_gone(batch).message)
        _store(batch, summary, None)
        return summary
    writer = None if commit else staging.StageWriter(batch.pk, fingerprint)
    try:
        with batch_file(batch) as path, open_table(path, original_name=batch.file_name) as table:
            summary, match = run_import(
                table=table,
                ledger=spec,
                ctx=ctx,
                remembered=remembered,
                commit=commit,
                valid_only=valid_only,
                progress=cache_progress(batch.pk),
                stage=writer,
            )
    except FileRejected as exc:
        summary, match = Summary(file_error=exc.message), HeaderMatch()
    finally:
        if writer is not None:
            writer.discard()
    _store(batch, summary, match)
    return summary


def _records_write(batch: ImportBatch, written) -> None:
    """The undo records of a commit as plain rows in one statement (COPY on PostgreSQL): the ids of
    created rows in lists of up to ``ImportRecord.CREATED_PER_RECORD``, one record per updated row."""
    connection = connections[router.db_for_write(ImportRecord)]
    meta = ImportRecord._meta
    fields = [meta.get_field(name) for name in ("batch", "model", "object_id", "object_ids", "action", "before")]
    ids_field, before_field = fields[3], fields[5]
    created: dict[str, list[int]] = {}
    for model, pk in written.created:
        created.setdefault(model, []).append(pk)
    step = ImportRecord.CREATED_PER_RECORD
    rows = itertools.chain(
        (
            (batch.pk, model, None, ids_field.get_db_prep_save(pks[i : i + step], connection), "created", None)
            for model, pks in created.items()
            for i in range(0, len(pks), step)
        ),
        (
            (batch.pk, model, pk, None, "updated", before_field.get_db_prep_save(before, connection))
            for model, pk, before in written.updated
        ),
    )
    insert_rows(ImportRecord, tuple(f.name for f in fields), rows)


def batch_check(*, batch: ImportBatch) -> ImportBatch:
    """The dry run (试导入): every row checked against the rules and the stored records; nothing written."""
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.CHECKING)
    summary = _run(batch, commit=False)
    batch.status = ImportBatch.Status.FAILED if summary.file_error else ImportBatch.Status.CHECKED
    batch.checked_at = timezone.now()
    batch.save(update_fields=["status", "checked_at"])
    return batch


def batch_commit(*, batch: ImportBatch, actor) -> ImportBatch:
    """Import the file: all rows or none (or only the valid rows, if the importer chose so), one transaction."""
    # COMMITTING: the page has queued this commit (and flipped the status so it cannot be queued twice).
    if batch.status not in (ImportBatch.Status.UPLOADED, ImportBatch.Status.CHECKED, ImportBatch.Status.COMMITTING):
        raise DomainError(_("该批次当前状态为“%(status)s”,不能导入") % {"status": batch.get_status_display()})
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.COMMITTING)
    with transaction.atomic(), acting_as(actor):
        summary = _run(batch, commit=True)
        written = summary.written
        ok = not summary.file_error and (summary.rejected == 0 or batch.mode == ImportBatch.Mode.VALID_ONLY)
        if ok:
            _records_write(batch, written)
            batch.status, batch.committed_at = ImportBatch.Status.COMMITTED, timezone.now()
        else:
            batch.status = ImportBatch.Status.FAILED
        batch.save(update_fields=["status", "committed_at"])
        if ok:
            security_event_record(
                kind=SecurityEvent.Kind.IMPORT,
                user=actor,
                detail={
                    "batch": batch.pk,
                    "ledger": batch.ledger,
                    "file": batch.file_name,
                    "sha256": batch.checksum,
                    "created": summary.to_create,
                    "updated": summary.to_update,
                    "rejected": summary.rejected,
                },
            )
    cache.delete(progress_key(batch.pk))
    return batch


def batch_undo(*, batch: ImportBatch, actor) -> ImportBatch:
    """Take a whole committed batch back (撤销导入): created rows removed, overwritten rows restored."""
    if not actor.has_perm("imports.undo_importbatch"):
        raise PermissionDenied(_("只有管理员可以撤销整批导入"))
    if batch.status != ImportBatch.Status.COMMITTED:
        raise DomainError(_("只有已导入的批次可以撤销"))
    spec = ledger_get(batch.ledger)
    records = batch.records.all()
    created = [(r.model, pk) for r in records if r.action == ImportRecord.Action.CREATED for pk in r.object_ids]
    updated = [(r.model, r.object_id, r.before) for r in records if r.action == ImportRecord.Action.UPDATED]
    with transaction.atomic(), acting_as(actor):
        spec.undo(created, updated, Context(user=actor, batch=batch, options=batch.options))
        batch.status, batch.undone_at, batch.undone_by = ImportBatch.Status.UNDONE, timezone.now(), actor
        batch.save(update_fields=["status", "undone_at", "undone_by"])
        security_event_record(
            kind=SecurityEvent.Kind.IMPORT,
            user=actor,
            detail={"batch": batch.pk, "ledger": batch.ledger, "undone": True, "rows": len(created) + len(updated)},
        )
    return batch


def header_mapping_remember(*, ledger: str, header: str, column: str, actor) -> HeaderMapping:
    """Remember that ``header`` means ``column`` in this ledger, for every later import (表头对应)."""
    spec = ledger_get(ledger)
    if column not in {c.key for c in spec.columns}:
        raise DomainError(_("没有名为“%(column)s”的列") % {"column": column})
    with acting_as(actor):
        mapping, _created = HeaderMapping.objects.update_or_create(
            ledger=ledger, header=normalise_header(header), defaults={"column": column, "created_by": actor}
        )
    return mapping


def batch_queue_check(*, batch: ImportBatch) -> ImportBatch:
    """Start the dry run in the background worker (immediately, in tests)."""
    from .tasks import import_batch_run

    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.CHECKING)
    import_batch_run.enqueue(batch.pk, False)
    batch.refresh_from_db()
    return batch


def batch_queue_commit(*, batch: ImportBatch, actor) -> ImportBatch:
    """Queue the commit of a checked batch; only its uploader may confirm it, and only once."""
    from .tasks import import_batch_run

    if batch.user_id != actor.pk:
        raise PermissionDenied(_("只能由上传人确认导入"))
    if batch.rejected and batch.mode == ImportBatch.Mode.ALL_OR_NOTHING:
        raise DomainError(
            _("有%(n)d行有误:请改正后重新上传,或选择“只导入正确的行”重新上传") % {"n": batch.rejected},
            code="rows_rejected",
        )
    # checked → committing in one statement, so a double click cannot queue the commit twice.
    if not ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.CHECKED).update(
        status=ImportBatch.Status.COMMITTING
    ):
        raise DomainError(_("请先完成试导入"), code="not_checked")
    import_batch_run.enqueue(batch.pk, True)
    batch.refresh_from_db()
    return batch


# --- the uploaded file: downloads and retention ------------------------------------------------------


@dataclass
class Download:
    """A file to send: ``open()`` gives the bytes; ``cleanup()`` removes a temporary copy once it is open."""

    filename: str
    masked: bool
    path: Path | None = None  # a temporary file (masked copy, annotated workbook)
    stored: bool = False  # the upload itself, from storage
    batch: ImportBatch | None = None

    def open(self) -> IO[bytes]:
        if self.stored:
            return self.batch.file.open("rb")
        return self.path.open("rb")

    def cleanup(self) -> None:
        if self.path is not None:
            shutil.rmtree(self.path.parent, ignore_errors=True)


def _file_gone(batch: ImportBatch) -> DomainError:
    when = timezone.localtime(batch.file_deleted_at).date() if batch.file_deleted_at else None
    return DomainError(
        _("原始文件已按保存期限(%(days)d天)于%(date)s删除") % {"days": import_file_retention_days(), "date": when},
        code="file_deleted",
    )


def _reveal_recorded(*, batch: ImportBatch, actor, which: str, masker: Masker) -> None:
    audit_access(instance=batch, actor=actor, what=f"{which}_file")
    security_event_record(
        kind=SecurityEvent.Kind.ID_REVEAL,
        user=actor,
        detail={
            "import_batch": batch.pk,
            "ledger": batch.ledger,
            "file": which,
            "resident_ids": masker.counts["resident_id"],
            "phones": masker.counts["phone"],
            "other_numbers": masker.counts["other"],
        },
    )


def batch_download(*, batch: ImportBatch, actor, which: str) -> Download:
    """The uploaded file (``which="original"``) or its annotated copy (``"annotated"``) for ``actor``: in full
    only with the ledger's reveal permissions, each such download audited as a reveal (who, which batch,
    how many IDs, phones and other long numbers); masked for other readers of the ledger (an export);
    refused to anyone who may not read the ledger's records (``permissions.file_access``)."""
    access = file_access(actor, batch)
    if access == FileAccess.NONE:
        raise PermissionDenied(_("您的角色无权下载该台账的文件"))
    if batch.file_deleted_at is not None or not batch.file:
        raise _file_gone(batch)
    spec = ledger_get(batch.ledger)
    masked = access == FileAccess.MASKED
    stem = Path(batch.file_name).stem
    masked_tag = _("已脱敏")
    work = Path(tempfile.mkdtemp(prefix="lianxin-download-"))
    try:
        with batch_file(batch) as path:
            if which == "original":
                if masked:
                    out, suffix, masker = masked_copy(
                        path,
                        original_name=batch.file_name,
                        header=batch.header,
                        personal_keys=spec.personal_columns,
                        out_dir=work,
                    )
                    download = Download(filename=f"{stem}_{masked_tag}{suffix}", masked=True, path=out)
                else:
                    masker = count_personal(
                        path, original_name=batch.file_name, header=batch.header, personal_keys=spec.personal_columns
                    )
                    download = Download(filename=batch.file_name, masked=False, stored=True, batch=batch)
            else:
                out = work / "annotated.xlsx"
                masker = annotate(
                    path,
                    original_name=batch.file_name,
                    ledger=spec,
                    ctx=Context(user=batch.user, options=batch.options),
                    remembered=remembered_headers(batch.ledger),
                    out=out,
                    masked_header=batch.header if masked else None,
                )
                if masker is None:
                    masker = count_personal(
                        path, original_name=batch.file_name, header=batch.header, personal_keys=spec.personal_columns
                    )
                annotated_tag = _("错误标注")
                suffix = f"_{annotated_tag}_{masked_tag}.xlsx" if masked else f"_{annotated_tag}.xlsx"
                download = Download(filename=f"{stem}{suffix}", masked=masked, path=out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    if download.path is None:
        shutil.rmtree(work, ignore_errors=True)
    if masked:
        security_event_record(
            kind=SecurityEvent.Kind.EXPORT,
            user=actor,
            detail={"import_batch": batch.pk, "file": which, "masked": True, "masked_values": masker.total},
        )
    else:
        _reveal_recorded(batch=batch, actor=actor, which=which, masker=masker)
    return download


def batch_files_due(cutoff: datetime):
    """The batches whose uploaded file has passed its retention (原始文件保存期限) at ``cutoff``: counted from
    the commit, the undo, or — for a batch never committed — the upload."""
    status = ImportBatch.Status
    return (
        ImportBatch.objects.filter(file_deleted_at__isnull=True)
        .exclude(file="")
        .filter(
            Q(status=status.COMMITTED, committed_at__lte=cutoff)
            | Q(status=status.UNDONE, undone_at__lte=cutoff)
            | Q(status__in=[status.UPLOADED, status.CHECKED, status.FAILED], created_at__lte=cutoff)
        )
    )


def batch_files_delete(*, ids: list[int], now: datetime) -> list[int]:
    """Delete these batches' uploaded files and staged rows. The history keeps the batch (name, checksum,
    counts, errors); only the file goes. Returns the batches' ids."""
    purged = []
    for batch in ImportBatch.objects.filter(pk__in=ids, file_deleted_at__isnull=True).exclude(file=""):
        batch.file.storage.delete(batch.file.name)
        staging.stage_discard(batch.pk)
        batch.file.name = ""
        batch.file_deleted_at = now
        batch.save(update_fields=["file", "file_deleted_at"])
        purged.append(batch.pk)
    return purged


def import_file_retention_days() -> int:
    """The period in force for uploaded files: the 数据保存期限 page's rule, else the setting."""
    from lianxin.core.retention import retention_days

    return retention_days(RETENTION_CLASS)


RETENTION_CLASS = "imports.uploaded_files"


def batch_files_purge(*, now: datetime | None = None) -> list[int]:
    """Delete the uploaded files whose retention has passed (原始文件保存期限), recorded as a security event.
    The daily purge (core.retention) does the same as one of its data classes. Returns the batches' ids."""
    now = now or timezone.now()
    days = import_file_retention_days()
    ids = list(batch_files_due(now - timedelta(days=days)).values_list("pk", flat=True))
    purged = batch_files_delete(ids=ids, now=now)
    if purged:
        security_event_record(
            kind=SecurityEvent.Kind.IMPORT,
            detail={"files_deleted": purged, "retention_days": days},
        )
    return purged
