from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lianxin.accounts.checkpoint import checkpoint_verify
from lianxin.accounts.models import SecurityEvent
from lianxin.accounts.services import security_events_verify


class Command(BaseCommand):
    help = (
        "Recompute the keyed security-event chain and report any edited, deleted or inserted row; then compare "
        "the database with the latest checkpoint (a rolled-back tail, deleted or changed payments and case history)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--checkpoints", metavar="FILE", help="verify against this copy of the checkpoint file (e.g. the county's)"
        )

    def handle(self, *args, checkpoints: str | None = None, **options) -> None:
        problems = security_events_verify()
        checkpoint_problems, latest = checkpoint_verify(Path(checkpoints) if checkpoints else None)
        problems += checkpoint_problems
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"security event chain broken: {len(problems)} problem(s)")
        anchored = f"matches the checkpoint of {latest['written_at']}" if latest else "no checkpoint yet"
        self.stdout.write(f"OK: {SecurityEvent.objects.count()} security events, chain intact; {anchored}")
