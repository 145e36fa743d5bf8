from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from lianxin.accounts.models import User
from lianxin.core.errors import DomainError
from lianxin.imports.annotate import annotate
from lianxin.imports.ledger import Context, ledger_choices, ledger_get
from lianxin.imports.models import ImportBatch
from lianxin.imports.reading import FileRejected
from lianxin.imports.services import (
    batch_check,
    batch_commit,
    batch_file,
    batch_upload,
    header_mapping_remember,
    remembered_headers,
)


class Command(BaseCommand):
    help = (
        "Import a ledger workbook as the given user (their role and scope apply): a dry run with --dry-run, "
        "otherwise an all-or-nothing commit. Exits 1 when rows are rejected or the commit fails."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("ledger", choices=[key for key, _label in ledger_choices()])
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="account whose role and scope the import runs under")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--valid-only", action="store_true", help="commit the valid rows, skip rejected ones")
        parser.add_argument("--errors", type=Path, help="write the annotated workbook (bad cells marked) here")
        parser.add_argument(
            "--project",
            help="the project the file's rows belong to (name or id), for ledgers that need one (land_roster)",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=COLUMN",
            help="map a header of the file to a column key of the ledger (repeatable); remembered for the ledger "
            "like a mapping made on the page",
        )

    def handle(self, *args, ledger: str, file: Path, user: str, dry_run: bool, valid_only: bool, errors, **options):
        account = User.objects.filter(username=user, is_active=True).first()
        if account is None:
            raise CommandError(f"no active account named {user}")
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        self._map(ledger, options.get("map") or [], account)
        mode = ImportBatch.Mode.VALID_ONLY if valid_only else ImportBatch.Mode.ALL_OR_NOTHING
        try:
            with file.open("rb") as fh:
                batch = batch_upload(
                    user=account,
                    ledger=ledger,
                    file=fh,
                    file_name=file.name,
                    mode=mode,
                    options={k: options[k] for k in ("project",) if options.get(k) is not None},
                )
            batch = batch_check(batch=batch) if dry_run else batch_commit(batch=batch, actor=account)
        except (PermissionDenied, DomainError) as exc:
            raise CommandError(str(getattr(exc, "message", exc))) from exc
        self._summary(batch)
        if errors is not None and (batch.rejected or batch.message):
            self._annotate(batch, account, errors)
        failed = bool(batch.message) or batch.status == ImportBatch.Status.FAILED or (dry_run and batch.rejected)
        if failed:
            raise CommandError("rows rejected" if batch.rejected else (batch.message or "import failed"))

    def _map(self, ledger: str, pairs: list[str], account) -> None:
        """--map '所属组别=village_group': checked first (every pair), then remembered, like the page's 表头对应."""
        spec = ledger_get(ledger)
        keys = {c.key: c for c in spec.columns}
        parsed = []
        for pair in pairs:
            header, sep, column = pair.rpartition("=")
            header, column = header.strip(), column.strip()
            if not sep or not header or not column:
                raise CommandError(f"--map {pair!r}: expected 'HEADER=COLUMN'")
            if column not in keys:
                choices = ", ".join(f"{k} ({c.label})" for k, c in keys.items())
                raise CommandError(f"--map {pair!r}: the ledger has no column {column!r}; columns: {choices}")
            parsed.append((header, column))
        for header, column in parsed:
            try:
                header_mapping_remember(ledger=ledger, header=header, column=column, actor=account)
            except DomainError as exc:
                raise CommandError(str(exc.message)) from exc
            self.stdout.write(f"mapped: {header} → {column}")

    def _summary(self, batch: ImportBatch) -> None:
        w = self.stdout.write
        w(f"batch: {batch.pk}  ledger: {batch.ledger}  file: {batch.file_name}  status: {batch.status}")
        if batch.message:
            w(f"file problem: {batch.message}")
        w(f"rows read: {batch.rows_read}")
        w(f"create: {batch.to_create}")
        w(f"update: {batch.to_update}")
        w(f"unchanged: {batch.unchanged}")
        w(f"rejected: {batch.rejected}")
        for error in batch.errors[:50]:
            where = f"row {error['row']}" + (
                f" column {error['column']} ({error['header']})" if error["column"] else ""
            )
            value = f" value “{error['value']}”" if error["value"] else ""
            w(f"  {where}{value}: {error['message']}")
        if len(batch.errors) > 50:
            w(f"  … {batch.rejected - 50} more (see --errors)")
        for note in batch.header.get("notes", []):
            w(f"note: {note}")
        warnings = batch.header.get("warnings", [])
        if warnings:
            w(f"warnings: {len(warnings)}")
        for warning in warnings[:50]:
            value = f" value “{warning['value']}”" if warning["value"] else ""
            w(f"  row {warning['row']} column {warning['column']} ({warning['header']}){value}: {warning['message']}")

    def _annotate(self, batch: ImportBatch, account, out: Path) -> None:
        spec, remembered = ledger_get(batch.ledger), remembered_headers(batch.ledger)
        try:
            with batch_file(batch) as path:
                annotate(
                    path,
                    original_name=batch.file_name,
                    ledger=spec,
                    ctx=Context(user=account, options=batch.options),
                    remembered=remembered,
                    out=out,
                )
        except FileRejected as exc:
            self.stderr.write(f"cannot annotate: {exc.message}")
            return
        self.stdout.write(f"annotated workbook: {out}")
