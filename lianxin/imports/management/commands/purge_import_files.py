from django.conf import settings
from django.core.management.base import BaseCommand

from lianxin.imports.services import batch_files_purge


class Command(BaseCommand):
    help = (
        "Delete uploaded ledger files older than LIANXIN_IMPORT_FILE_RETENTION_DAYS after their commit, undo or "
        "(never committed) upload. Run daily from cron."
    )

    def handle(self, *args, **options) -> None:
        purged = batch_files_purge()
        days = settings.LIANXIN_IMPORT_FILE_RETENTION_DAYS
        self.stdout.write(f"{len(purged)} uploaded file(s) deleted (retention {days} days)")
