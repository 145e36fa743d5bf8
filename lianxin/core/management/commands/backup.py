from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lianxin.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database (SQLite online backup; pg_dump custom format on PostgreSQL) "
        "and its manifest (rows and SHA-256 per table, key fingerprints, time) into the new directory OUT, "
        "while the site runs. The keys are not in it: keep var/secrets.json apart (README.md)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("out", help="a directory that does not exist yet (or is empty)")

    def handle(self, *args, out: str, **options) -> None:
        try:
            result = backup(Path(out))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        tables = result.manifest["tables"]
        self.stdout.write(
            f"backup written to {result.path}: {len(tables)} tables, {sum(t['rows'] for t in tables.values())} rows, "
            f"{result.seconds:.1f} s"
        )
