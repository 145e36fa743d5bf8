from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lianxin.accounts.checkpoint import CheckpointFileBroken, checkpoint_export, checkpoint_path, checkpoint_write


class Command(BaseCommand):
    help = (
        "Append a sealed checkpoint of the security-event chain head and of every append-only ledger (count, "
        "running digest) to the checkpoint file outside the database; --export also copies the whole file "
        "(for the county)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--export", metavar="FILE", help="copy the checkpoint file here after writing")
        parser.add_argument("--reason", default="on demand")

    def handle(self, *args, export: str | None, reason: str, **options) -> None:
        try:
            line = checkpoint_write(reason=reason)
        except CheckpointFileBroken as exc:
            raise CommandError(str(exc)) from exc
        events = line["state"]["security_events"]
        self.stdout.write(
            f"checkpoint {line['written_at']} in {checkpoint_path()}: {events['count']} security events, "
            f"head #{events['last_sequence']}; "
            + ", ".join(f"{table} {state['count']} rows" for table, state in line["state"]["ledgers"].items())
        )
        if export:
            count = checkpoint_export(Path(export))
            self.stdout.write(f"exported {count} checkpoint(s) to {export}")
