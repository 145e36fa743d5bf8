"""Every user-facing string has Chinese source text and an English translation (DESIGN.md, Language).

The committed catalogues must be complete (no empty or fuzzy entry), and up to date: running
`makemessages` over the sources would not add a msgid that a catalogue lacks. The project catalogue
is locale/; an app with a locale/ directory of its own (land, cases) keeps its strings there.
"""

import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import override_settings

BASE_DIR = Path(__file__).resolve().parents[3]
CATALOGUE = BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
EN_PO = Path("en") / "LC_MESSAGES" / "django.po"
# The directories `make messages` ignores, plus caches and test output that hold no source.
NOT_SOURCE = [".venv", "node_modules", "static", "staticfiles", "var"]
NOT_SOURCE += [".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis", "test-artifacts"]


def _catalogue_paths(root: Path) -> list[Path]:
    """The project catalogue and every app catalogue under ``root``, relative to it."""
    found = [CATALOGUE.relative_to(BASE_DIR)]
    found += sorted(p.relative_to(root) for p in (root / "lianxin").glob(f"*/locale/{EN_PO}"))
    return found


def _catalogue() -> polib.POFile:
    """All committed catalogues as one (entries of every app catalogue appended)."""
    if not CATALOGUE.exists():
        pytest.skip(f"{CATALOGUE.relative_to(BASE_DIR)} does not exist yet (`make messages` produces it)")
    merged = polib.pofile(str(CATALOGUE))
    for path in _catalogue_paths(BASE_DIR)[1:]:
        merged.extend(polib.pofile(str(BASE_DIR / path)))
    return merged


def _key(entry: polib.POEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _live(po: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in po if not entry.obsolete and entry.msgid]


def test_every_english_entry_is_translated():
    po = _catalogue()

    empty = [entry.msgid for entry in _live(po) if not entry.fuzzy and not entry.translated()]
    fuzzy = [entry.msgid for entry in _live(po) if entry.fuzzy]

    assert _live(po), "the English catalogue has no entries"
    assert not empty, f"{len(empty)} msgid(s) without English text, e.g. {empty[:10]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy msgid(s) to review, e.g. {fuzzy[:10]}"


def test_catalogue_keeps_printf_placeholders():
    po = _catalogue()

    broken = [
        entry.msgid
        for entry in _live(po)
        if entry.translated() and not entry.msgid_plural and _placeholders(entry.msgid) != _placeholders(entry.msgstr)
    ]

    assert not broken, f"translations that drop or add %(name)s placeholders: {broken[:10]}"


def _placeholders(text: str) -> set[str]:
    import re

    return set(re.findall(r"%\(\w+\)[sd]|\{\w*\}", text))


def test_makemessages_would_add_no_new_msgid(tmp_path, monkeypatch):
    _catalogue()  # skips while there is no catalogue
    # makemessages writes next to the sources it scans, so it runs on a copy: the catalogue stays untouched.
    copy = tmp_path / "project"
    shutil.copytree(BASE_DIR, copy, ignore=shutil.ignore_patterns(*NOT_SOURCE), symlinks=True)
    monkeypatch.chdir(copy)

    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command("makemessages", locale=["en"], domain="django", verbosity=0)

    missing = set()
    for path in _catalogue_paths(copy):
        extracted = polib.pofile(str(copy / path))
        committed_here = polib.pofile(str(BASE_DIR / path)) if (BASE_DIR / path).exists() else []
        missing |= {_key(e) for e in _live(extracted)} - {_key(e) for e in _live(committed_here)}
    missing = sorted(missing)
    assert not missing, (
        f"{len(missing)} msgid(s) in the sources are not in the catalogue; run `make messages` and translate them: "
        f"{[m[1] for m in missing[:10]]}"
    )
