"""Anonymise personal data past its retention period (个人信息清除), or with --dry-run show what would be.

Daily from the scheduler (``run_scheduler``) or cron; safe to run again: what is done is not done twice.
"""

from django.core.management.base import BaseCommand

from lianxin.core.models import PurgeRun
from lianxin.core.retention import purge_preview, purge_run


class Command(BaseCommand):
    help = "Anonymise resident IDs, phones, bank accounts, reporters' contacts and uploaded files past their period."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="only count and show (masked) what would be purged")

    def handle(self, *args, dry_run: bool, **options) -> None:
        if dry_run:
            for row in purge_preview():
                self.stdout.write(
                    f"{row.data_class.key}: {row.count} (period {row.days} days, clock before {row.cutoff:%Y-%m-%d})"
                )
                for sample in row.samples:
                    self.stdout.write(f"    {sample}")
            return
        run = purge_run(trigger=PurgeRun.Trigger.COMMAND)
        for key, count in run.counts.items():
            self.stdout.write(f"{key}: {count}")
        self.stdout.write(f"purge run #{run.pk}: {run.total} row(s) anonymised")
