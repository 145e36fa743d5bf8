"""`make run` serves with gunicorn whose control socket lives in this instance's var directory."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[3]


def _gunicorn_command() -> str:
    script = (BASE_DIR / "scripts" / "run.sh").read_text(encoding="utf-8")
    return re.search(r"^\.venv/bin/gunicorn .*?(?<!\\)\n", script, re.S | re.M).group(0)


def test_the_control_socket_is_in_the_var_directory_not_the_shared_default():
    command = _gunicorn_command()

    assert '--control-socket "$VAR_DIR/gunicorn.ctl"' in command
    assert 'VAR_DIR="${LIANXIN_VAR_DIR:-var}"' in (BASE_DIR / "scripts" / "run.sh").read_text(encoding="utf-8")


def test_the_pinned_gunicorn_knows_the_option():
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists() and not shutil.which("gunicorn"):
        pytest.skip("gunicorn is not installed in this environment")
    result = subprocess.run(
        [str(gunicorn) if gunicorn.exists() else "gunicorn", "--help"], capture_output=True, text=True, check=True
    )

    assert "--control-socket PATH" in result.stdout
