from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from lianxin.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup written by `manage.py backup` into the configured database, which must be empty; "
        "refuses keys that are not the backup's, and checks every table against the manifest."
    )
    requires_system_checks = []  # the target is empty: nothing to check against it yet

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="the backup directory")

    def handle(self, *args, path: str, **options) -> None:
        connections.close_all()
        try:
            result = restore(Path(path))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored {result.tables} tables, {result.rows} rows, all as in the manifest ({result.seconds:.1f} s). "
            "Next: python manage.py verify_security_events"
        )
