"""Queue the scheduled jobs (deadline reminders, the purge, the checkpoint) for the background worker at their
times, without cron (core.schedule). scripts/run.sh starts it next to ``db_worker``; ``--once`` checks once
(for cron, or to catch up by hand)."""

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from lianxin.core.schedule import jobs, schedule_tick


class Command(BaseCommand):
    help = "Queue each scheduled job when its time has come (once per slot, a missed slot caught up once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="check once and exit")
        parser.add_argument("--interval", type=int, default=60, help="seconds between checks (default 60)")

    def handle(self, *args, once: bool, interval: int, **options) -> None:
        self.stdout.write("scheduled jobs: " + ", ".join(f"{j.name} ({j.task})" for j in jobs()))
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_args: stopping.append(True))
        while not stopping:
            for name in schedule_tick():
                self.stdout.write(f"queued {name}")
            self.stdout.flush()
            if once:
                return
            for _second in range(interval):
                if stopping:
                    break
                time.sleep(1)
            close_old_connections()  # a long-running process: drop a connection the database closed
