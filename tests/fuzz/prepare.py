"""Prepare the fuzzing database (run by scripts/fuzz-api.sh after ``load_demo``).

Two accounts of the demo township get an API token each: ``workgroup`` (working-group member, the
township's land and cases) and ``cadre`` (village cadre of one village committee). Their one-time
password state is cleared, as after a first login, so their tokens are accepted. The raw tokens are
written to ``OUT_DIR/<username>.token`` (the fuzzer's Authorization header).
"""

import sys
from pathlib import Path

import django


def main(out_dir: Path) -> None:
    django.setup()
    from lianxin.accounts.models import User
    from lianxin.accounts.services import api_token_create

    out_dir.mkdir(parents=True, exist_ok=True)
    for username in ("workgroup", "cadre"):
        user = User.objects.get(username=username)
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        user.refresh_from_db()
        _token, raw = api_token_create(user=user, name="schemathesis")
        (out_dir / f"{username}.token").write_text(raw)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    main(Path(sys.argv[1]))
