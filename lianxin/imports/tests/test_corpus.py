"""Every file of the corpus (corpus.py) through the command line, the API and the page: the same outcome
each time, and the one expected (rows or features accepted and rejected, and why). Dry runs: nothing is
written, so the three channels see the same database."""

import html
import io
import re

import pytest
from django.core.management import CommandError, call_command

from lianxin.imports.models import ImportBatch
from lianxin.land.tests import factories as land_factories
from lianxin.people.tests import factories as people_factories

from .corpus import HEAD_LIU, HEAD_ZHANG, CorpusFile, corpus

FILES = corpus()


@pytest.fixture
def world(town, village_a, group_a1, group_a2, working_group_member):
    project = land_factories.project(town)
    land_factories.township_standards(town)
    for name, number in (HEAD_ZHANG, HEAD_LIU):
        household = people_factories.household(group_a1)
        people_factories.person(household, name=name, relation="head", resident_id=number, male=number[16] in "13579")
    for code, area in (("R-1", "2"), ("R-2", "1.5"), ("R-3", "4"), ("G-1", "10")):
        land_factories.parcel(project, group_a1, code=code, area_mu=area)
    return project


def _ledger_outcome(*, accepted, rejected, errors, message) -> dict:
    reasons: dict[int, str] = {}
    for error in errors:
        reasons.setdefault(error["row"], error["message"])
    return {"accepted": accepted, "rejected": rejected, "reasons": reasons, "file_error": message}


def _batch_outcome(batch: ImportBatch) -> dict:
    return _ledger_outcome(
        accepted=batch.to_create + batch.to_update + batch.unchanged,
        rejected=batch.rejected,
        errors=batch.errors,
        message=batch.message,
    )


def _check(outcome: dict, item: CorpusFile) -> None:
    expected = item.expected
    assert outcome["accepted"] == expected.accepted, outcome
    assert outcome["rejected"] == expected.rejected, outcome
    assert set(outcome["reasons"]) == set(expected.reasons), outcome
    for row, reason in expected.reasons.items():
        assert reason in outcome["reasons"][row], (row, outcome["reasons"][row])
    if expected.file_error:
        assert expected.file_error in outcome["file_error"]
    else:
        assert not outcome["file_error"], outcome["file_error"]
    for key in ("created", "updated", "mismatches"):
        if key in outcome:
            assert outcome[key] == sorted(getattr(expected, key)), (key, outcome)


# --- spreadsheets through the import engine ------------------------------------------------------------


def _ledger_cli(path, item, user, project) -> dict:
    extra = ["--project", project.name] if item.options.get("project") else []
    try:
        call_command(
            "import_ledger", item.ledger, str(path), "--user", user.username, "--dry-run", *extra, stdout=io.StringIO()
        )
    except CommandError:
        pass  # rows rejected: the outcome is on the batch
    return _batch_outcome(ImportBatch.objects.latest("pk"))


def _ledger_api(path, item, user, project, client, bearer) -> dict:
    data = {"ledger": item.ledger}
    if item.options.get("project"):
        data["project"] = str(project.pk)
    with open(path, "rb") as fh:
        created = client.post("/api/imports/batches", {**data, "file": fh}, headers=bearer(user))
    assert created.status_code == 202, created.content
    body = client.get(f"/api/imports/batches/{created.json()['id']}", headers=bearer(user)).json()
    return _ledger_outcome(
        accepted=body["to_create"] + body["to_update"] + body["unchanged"],
        rejected=body["rejected"],
        errors=body["errors"],
        message=body["message"],
    )


def _ledger_page(path, item, user, project, login_as) -> dict:
    browser = login_as(user)
    data = {"ledger": item.ledger, "mode": "all"}
    if item.options.get("project"):
        data["project"] = str(project.pk)
    with open(path, "rb") as fh:
        response = browser.post("/imports/new/", {**data, "file": fh})
    assert response.status_code == 302, response.content.decode()[:3000]
    page = html.unescape(browser.get(response["Location"]).content.decode())
    batch = ImportBatch.objects.latest("pk")
    outcome = _batch_outcome(batch)
    for message in outcome["reasons"].values():  # the page shows every reason
        assert message in page
    if batch.message:
        assert batch.message in page
    return outcome


# --- geometry through the map's import ------------------------------------------------------------------


def _problems(text: str) -> dict[int, str]:
    return {int(n): text for n in re.findall(r"第(\d+)个要素", text)}


def _geometry_cli(path, user, project) -> dict:
    out = io.StringIO()
    try:
        call_command(
            "import_geometry", str(path), "--user", user.username, "--project", project.name, "--dry-run", stdout=out
        )
    except CommandError as exc:
        if not out.getvalue():  # the whole file refused (no feature list): fields not recognised
            return {"accepted": 0, "rejected": 0, "reasons": {}, "file_error": str(exc)}
    text = out.getvalue()
    if text.startswith("rejected:"):
        problems = text.splitlines()[1:]
        reasons = {}
        for line in problems:
            reasons.update({n: line.strip() for n in _problems(line)})
        return {"accepted": 0, "rejected": len(problems), "reasons": reasons, "file_error": ""}
    codes = {
        k: sorted(filter(None, v.strip().split(", ")))
        for k, v in re.findall(r"^(updated|created): \d+ ?(.*)$", text, re.M)
    }
    return {
        "accepted": len(codes["created"]) + len(codes["updated"]),
        "rejected": 0,
        "reasons": {},
        "file_error": "",
        "created": codes["created"],
        "updated": codes["updated"],
        "mismatches": sorted(re.findall(r"area mismatch (\S+):", text)),
    }


def _geometry_api(path, user, project, client, bearer) -> dict:
    with open(path, "rb") as fh:
        response = client.post(
            "/api/land/gis/import", {"project": project.pk, "file": fh, "dry_run": "true"}, headers=bearer(user)
        )
    body = response.json()
    if body.get("code") == "fields_unrecognised":
        return {"accepted": 0, "rejected": 0, "reasons": {}, "file_error": body["message"]}
    if response.status_code != 200:
        problems = body["message"].split("：", 1)[1].split("；")
        reasons = {}
        for line in problems:
            reasons.update({n: line for n in _problems(line)})
        return {"accepted": 0, "rejected": len(problems), "reasons": reasons, "file_error": ""}
    return {
        "accepted": len(body["created"]) + len(body["updated"]),
        "rejected": 0,
        "reasons": {},
        "file_error": "",
        "created": sorted(body["created"]),
        "updated": sorted(body["updated"]),
        "mismatches": sorted(m["code"] for m in body["mismatches"]),
    }


def _geometry_page(path, item, user, project, login_as) -> None:
    browser = login_as(user)
    with open(path, "rb") as fh:
        response = browser.post("/land/map/import/", {"project": project.pk, "file": fh, "dry_run": "on"})
    page = html.unescape(response.content.decode())
    expected = item.expected
    if expected.file_error:  # the page keeps the file and asks for the mapping, offering the file's fields
        assert expected.file_error in page
        assert 'data-testid="geometry-mapping"' in page
        return
    if expected.rejected:
        for reason in expected.reasons.values():
            assert reason in page
        return
    assert f"更新 {len(expected.updated)} 块，新建 {len(expected.created)} 块" in page
    for code in expected.mismatches:
        assert code in page


@pytest.mark.parametrize("item", FILES, ids=[f.name for f in FILES])
def test_corpus_file_gives_its_outcome_through_cli_api_and_page(
    item, world, working_group_member, client, bearer, login_as, tmp_path
):
    path = item.write(tmp_path)
    user, project = working_group_member, world
    if item.ledger == "geometry":
        cli = _geometry_cli(path, user, project)
        api = _geometry_api(path, user, project, client, bearer)
        _check(cli, item)
        assert api == cli
        _geometry_page(path, item, user, project, login_as)
        return
    cli = _ledger_cli(path, item, user, project)
    _check(cli, item)
    assert _ledger_api(path, item, user, project, client, bearer) == cli
    assert _ledger_page(path, item, user, project, login_as) == cli


def test_the_corpus_has_what_the_issue_lists():
    names = " ".join(f.name for f in FILES)
    assert len(FILES) >= 20
    for kind in (
        "户主身份证号码",
        "户主姓名",
        "按行序",
        "全角",
        "前缀后缀",
        "矛盾",
        ".csv",
        ".xls",
        "征地补偿花名册",
        "102E",
        "105E",
    ):
        assert kind in names, kind
