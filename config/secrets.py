"""Local secrets: generated once into an untracked file, never committed.

Environment variables win, so production injects its own secrets; a laptop
install gets strong random ones on first run and keeps them across restarts
(losing FIELD_ENCRYPTION_KEY would make every stored resident ID unreadable).
"""

import base64
import json
import os
import secrets
from pathlib import Path

SECRET_NAMES = ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "BLIND_INDEX_KEY")


def _generate(name: str) -> str:
    if name == "SECRET_KEY":
        return secrets.token_urlsafe(50)
    return base64.b64encode(secrets.token_bytes(32)).decode()


def load_secrets(path: Path) -> dict[str, str]:
    stored: dict[str, str] = {}
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
    missing = [n for n in SECRET_NAMES if n not in stored and not os.environ.get(n)]
    if missing:
        for name in missing:
            stored[name] = _generate(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(stored, fh, indent=2)
    return {n: os.environ.get(n) or stored[n] for n in SECRET_NAMES}
