"""One header normaliser for every ledger (issue 15): decorated headers still find their column, and
only their column; a header that only contains a column's name is offered, never applied."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianxin.imports.headers import (
    HEADER_PREFIXES,
    HEADER_SUFFIXES,
    Column,
    HeaderLookup,
    canonical_header,
    find_header,
    normalise_header,
)
from lianxin.imports.ledger import _REGISTRY, ledger_get

LEDGERS = sorted(_REGISTRY)


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in text)


def _names(ledger: str) -> list[tuple[str, str]]:
    """(column key, label or synonym) of a ledger, as written in its spec."""
    spec = ledger_get(ledger)
    return [(c.key, str(t)) for c in spec.columns for t in (c.label, *c.synonyms)]


@st.composite
def decorated(draw, text: str) -> str:
    """``text`` as a clerk may write it: a prefix or suffix word, a bracketed unit or remark, a required
    marker, spaces or a line break inside, full-width letters and brackets."""
    prefix = draw(st.sampled_from(("", *HEADER_PREFIXES)))
    suffix = draw(st.sampled_from(("", *HEADER_SUFFIXES)))
    remark = draw(
        st.sampled_from(("", "(必填)", "（必填）", "(亩)", "【单位:元】", "(18位)", "(注:如实填写)", "[选填]"))
    )
    marker = draw(st.sampled_from(("", "*", "※")))
    base, tail = re.match(r"^(.*?)([(（【\[].*)?$", text).groups()
    out = prefix + base + suffix + (tail or "")  # a suffix word goes before the name's own unit
    if len(out) > 1:
        cut = draw(st.integers(min_value=1, max_value=len(out) - 1))
        out = out[:cut] + draw(st.sampled_from((" ", "\u3000", "\n", "\r\n", " \t"))) + out[cut:]
    out = marker + out + remark
    if draw(st.booleans()):
        out = _fullwidth(out)
    return out


@pytest.mark.parametrize("ledger", LEDGERS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_label_and_synonym_decorated_matches_its_column_and_no_other(ledger, data):
    spec = ledger_get(ledger)
    lookup = HeaderLookup(spec.columns)
    key, text = data.draw(st.sampled_from(_names(ledger)))
    header = data.draw(decorated(text))
    found, confidence = lookup.resolve(normalise_header(header))
    assert found == key, f"{ledger}: {header!r} → {found}, expected {key}"
    assert confidence > 0.5
    # and the header row with it finds it in that column
    match = find_header([(1, ["序号", header])], spec.columns)
    assert match.columns == {1: key}


@pytest.mark.parametrize("ledger", LEDGERS)
def test_no_two_columns_of_a_ledger_share_a_name(ledger):
    owner: dict[str, str] = {}
    for key, text in _names(ledger):
        name = normalise_header(text)
        assert owner.setdefault(name, key) == key, f"{ledger}: {text} names {owner[name]} and {key}"


def test_the_village_group_under_its_usual_decorations_is_recognised():
    spec = ledger_get("persons")
    lookup = HeaderLookup(spec.columns)
    for header in (
        "所属村民小组",
        "村民小组名称",
        "所属\n村民小组（必填）",
        "现住址",
        "本人姓名",
        "身份证号码(18位)",
        "村委会名称",
    ):
        assert lookup.resolve(normalise_header(header))[0] is not None, header
    assert lookup.resolve("所属村民小组") == ("village_group", 0.9)
    assert lookup.resolve("村民小组") == ("village_group", 1.0)


def test_a_form_two_columns_share_matches_neither_and_is_offered_for_both():
    columns = (Column("code", "地块编号"), Column("name", "地块名称"))
    lookup = HeaderLookup(columns)
    assert lookup.resolve("地块编号") == ("code", 1.0)
    assert lookup.resolve("所属地块名称") == ("name", 0.9)
    assert canonical_header("地块") == "地块"
    assert lookup.resolve("地块") == (None, 0.0)
    assert {k for k, _c in lookup.suggest("地块")} == {"code", "name"}


def test_a_header_that_only_contains_a_column_name_is_offered_not_applied():
    spec = ledger_get("persons")
    match = find_header([(1, ["姓名", "身份证号码", "户主身份证号码备注", "村民小组"])], spec.columns)
    assert 2 not in match.columns
    (unmatched,) = [u for u in match.unmatched if u.index == 2]
    keys = [k for k, _c in unmatched.suggestions]
    assert keys[:2] == ["head_resident_id", "resident_id"]  # the longer name it contains first
    assert 0 < unmatched.suggestions[0][1] < 1


def test_a_remembered_mapping_wins_over_the_synonyms():
    spec = ledger_get("persons")
    lookup = HeaderLookup(spec.columns, {"组": "village"})
    assert lookup.resolve("组")[0] == "village"


# --- the command line and the page ------------------------------------------------------------


def _roster(tmp_path, header):
    from lianxin.imports.tests.workbooks import xlsx_bytes
    from lianxin.people.tests.factories import resident_id

    path = tmp_path / "户籍.xlsx"
    path.write_bytes(xlsx_bytes([header, ["甲马石一组", "A-1", "王五", resident_id(sequence=611), "户主"]]))
    return path


def test_command_line_map_names_a_header_by_hand_and_remembers_it(tmp_path, group_a1, working_group_member, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from lianxin.imports.models import HeaderMapping
    from lianxin.people.models import Person

    path = _roster(tmp_path, ["队别", "户编号", "姓名", "身份证号码", "与户主关系"])
    with pytest.raises(CommandError):  # 队别 is nobody's synonym: 村民小组 is missing
        call_command("import_ledger", "persons", str(path), user=working_group_member.username, dry_run=True)

    with pytest.raises(CommandError, match="no column 'group'"):
        call_command("import_ledger", "persons", str(path), user=working_group_member.username, map=["队别=group"])
    with pytest.raises(CommandError, match="HEADER=COLUMN"):
        call_command("import_ledger", "persons", str(path), user=working_group_member.username, map=["队别"])
    assert not HeaderMapping.objects.exists()

    call_command("import_ledger", "persons", str(path), user=working_group_member.username, map=["队别=village_group"])
    printed = capsys.readouterr().out
    assert "mapped: 队别 → village_group" in printed
    assert "create: 1" in printed
    assert Person.objects.count() == 1
    assert HeaderMapping.objects.get().column == "village_group"


def test_command_line_recognises_a_prefixed_village_group(tmp_path, group_a1, working_group_member, capsys):
    from django.core.management import call_command

    path = _roster(tmp_path, ["所属村民小组", "户编号", "本人姓名", "公民身份号码(18位)", "与户主关系"])
    call_command("import_ledger", "persons", str(path), user=working_group_member.username, dry_run=True)
    assert "create: 1" in capsys.readouterr().out


def test_the_page_offers_a_contained_header_for_confirmation_and_keeps_it_on_ignore(client, group_a1, village_a_clerk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lianxin.imports.models import ImportBatch
    from lianxin.imports.tests.workbooks import xlsx_bytes
    from lianxin.people.tests.factories import resident_id

    header = ["所属村民小组", "户编号", "姓名", "身份证号码", "与户主关系", "联系人家庭住址信息"]
    rows = [header, ["甲马石一组", "A-1", "王五", resident_id(sequence=612), "户主", "甲马石村1号"]]
    client.force_login(village_a_clerk)
    client.post(
        "/imports/new/", {"ledger": "persons", "mode": "all", "file": SimpleUploadedFile("户籍.xlsx", xlsx_bytes(rows))}
    )
    batch = ImportBatch.objects.get()
    html = client.get(f"/imports/{batch.pk}/").content.decode()

    assert batch.header["columns"]["0"] == "village_group"
    assert batch.header["confidence"]["0"] == 0.9
    (unmatched,) = batch.header["unmatched"]
    assert unmatched["suggestions"][0][0] == "address"
    assert "可能是 住址" in html
    assert "请确认后选择" in html
    form = re.search(r"<code>联系人家庭住址信息</code>.*?</form>", html, re.S).group(0)
    assert re.findall(r'<option value="([^"]*)"[^>]*selected', form) == [""]
