from django.core.management.base import BaseCommand, CommandError

from lianxin.accounts.models import SecurityEvent
from lianxin.accounts.services import security_events_verify


class Command(BaseCommand):
    help = "Recompute the security-event hash chain and report any edited, deleted or inserted row."

    def handle(self, *args, **options) -> None:
        problems = security_events_verify()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"security event chain broken: {len(problems)} problem(s)")
        self.stdout.write(f"OK: {SecurityEvent.objects.count()} security events, chain intact")
