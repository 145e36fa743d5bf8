"""Re-encrypt and re-index personal data under new keys (密钥轮换): ``manage.py rotate_keys``.

Procedure (docs/decisions/0014, README "Key rotation"):

1. ``rotate_keys --generate``: in ``var/secrets.json``, the current FIELD_ENCRYPTION_KEY moves to
   FIELD_ENCRYPTION_RETIRED_KEYS under its version, BLIND_INDEX_KEY to BLIND_INDEX_RETIRED_KEYS, and new
   keys are generated (FIELD_ENCRYPTION_KEY_VERSION + 1). With keys in the environment, set the same
   variables yourself instead.
2. Restart the site and the worker: they now write under the new keys, read under both, look up under both.
3. ``rotate_keys`` (while the site runs; ``--dry-run`` only counts; interrupted, it resumes).
4. When it says it has finished: ``rotate_keys --forget-retired`` drops the retired index keys (and the
   retired encryption keys unless an append-only ledger still needs them), then restart again.
"""

import base64
import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.secrets import write_secrets
from lianxin.core import crypto, rotation


def _secrets_path() -> Path:
    return Path(settings.VAR_DIR) / "secrets.json"


def _new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


class Command(BaseCommand):
    help = "Re-encrypt every ciphertext and recompute every blind index under the current keys, in resumable batches."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction (500)")
        parser.add_argument("--max-batches", type=int, help="stop after this many batches (a rerun resumes)")
        parser.add_argument("--dry-run", action="store_true", help="count what would be rewritten, write nothing")
        parser.add_argument("--generate", action="store_true", help="step 1: new keys into var/secrets.json")
        parser.add_argument("--forget-retired", action="store_true", help="step 4: drop retired keys no longer needed")

    def handle(self, *args, **options) -> None:
        if options["generate"]:
            return self._generate()
        if options["forget_retired"]:
            return self._forget()
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        outcomes = rotation.rotate(
            batch_size=options["batch_size"],
            max_batches=options["max_batches"],
            dry_run=options["dry_run"],
            log=lambda message: self.stderr.write(message),
        )
        verb = "would rewrite" if options["dry_run"] else "rewrote"
        for o in outcomes:
            if o.skipped:  # append-only: never rewritten, its retired key stays configured
                self.stdout.write(f"{o.label}: kept ({o.skipped}): {o.rows_seen} rows under a retired key")
                continue
            state = "finished" if o.finished else "not finished (run again to resume)"
            self.stdout.write(f"{o.label}: {verb} {o.rows_changed} of {o.rows_seen} rows read; {state}")
        if options["dry_run"]:
            return
        if all(o.finished or o.skipped for o in outcomes):
            self.stdout.write(
                "Rotation finished: the database's key fingerprints now name the new keys. "
                "Run `rotate_keys --forget-retired`, then restart the site and the worker."
            )
        else:
            self.stdout.write("Rotation not finished: run rotate_keys again, it resumes where it stopped.")

    def _load(self) -> tuple[Path, dict]:
        import json

        path = _secrets_path()
        if not path.exists():
            raise CommandError(f"{path} not found: with keys in the environment, set the variables yourself")
        return path, json.loads(path.read_text(encoding="utf-8"))

    def _generate(self) -> None:
        path, stored = self._load()
        if crypto.retired_keys() or crypto.retired_index_keys():
            raise CommandError("a rotation is already under way (retired keys configured): finish it first")
        if "FIELD_ENCRYPTION_KEY" not in stored or "BLIND_INDEX_KEY" not in stored:
            raise CommandError(f"the data keys are not in {path} (environment?): set the variables yourself")
        version = int(stored.get("FIELD_ENCRYPTION_KEY_VERSION", 1))
        if version >= 255:
            raise CommandError("FIELD_ENCRYPTION_KEY_VERSION is at its maximum (255)")
        retired = dict(stored.get("FIELD_ENCRYPTION_RETIRED_KEYS", {}))
        retired[str(version)] = stored["FIELD_ENCRYPTION_KEY"]
        stored.update(
            {
                "FIELD_ENCRYPTION_RETIRED_KEYS": retired,
                "FIELD_ENCRYPTION_KEY": _new_key(),
                "FIELD_ENCRYPTION_KEY_VERSION": version + 1,
                "BLIND_INDEX_RETIRED_KEYS": [*stored.get("BLIND_INDEX_RETIRED_KEYS", []), stored["BLIND_INDEX_KEY"]],
                "BLIND_INDEX_KEY": _new_key(),
            }
        )
        write_secrets(path, stored)
        self.stdout.write(
            f"New keys in {path} (encryption key version {version + 1}); the old ones are kept as retired. "
            "Back this file up now, restart the site and the worker, then run `rotate_keys`."
        )

    def _forget(self) -> None:
        outcomes = rotation.rotate(dry_run=True)
        if not all(o.skipped or o.rows_changed == 0 for o in outcomes):
            raise CommandError("the rotation has not finished: run rotate_keys first")
        path, stored = self._load()
        needed = rotation.retired_still_needed()
        stored["BLIND_INDEX_RETIRED_KEYS"] = []
        if not needed:
            stored["FIELD_ENCRYPTION_RETIRED_KEYS"] = {}
        write_secrets(path, stored)
        kept = ", ".join(f"{label}: {n}" for label, n in needed.items())
        self.stdout.write(
            "Retired index keys dropped"
            + (
                f"; retired encryption keys kept for append-only rows ({kept})"
                if needed
                else ", retired encryption keys too"
            )
            + ". Restart the site and the worker."
        )
