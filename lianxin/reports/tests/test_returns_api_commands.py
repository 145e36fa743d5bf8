"""Statistical returns (.xlsx in the county's layout), the /api/reports/ endpoints and the two commands."""

import io
import json
from datetime import datetime

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document

from lianxin.accounts.models import SecurityEvent
from lianxin.accounts.roles import Role
from lianxin.cases.models import Case
from lianxin.cases.tests import factories as case_factories
from lianxin.reports.returns import mask_name

pytestmark = pytest.mark.django_db


def _at(y, m, d):
    return datetime(y, m, d, 10, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def disputes(park, working_group_member, village_a, village_b, person_a):
    case_factories.dispute(
        working_group_member, village_a, registered_at=_at(2026, 7, 3), parties=[("applicant", person_a)]
    )
    case_factories.dispute(
        working_group_member, village_a, registered_at=_at(2026, 7, 20), category=Case.DisputeCategory.WAGES
    )
    case_factories.dispute(working_group_member, village_b, registered_at=_at(2026, 7, 9))
    case_factories.dispute(working_group_member, village_b, registered_at=_at(2026, 8, 1))  # another month


def test_dispute_return_has_the_usual_layout_and_masks_names(disputes, town_admin, login_as):
    response = login_as(town_admin).get(reverse("reports:return-download", args=["disputes"]) + "?period=2026-07")

    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    summary, detail = workbook.worksheets
    assert summary["A1"].value == "矛盾纠纷排查调处月报"
    assert "填报单位" in summary["A2"].value
    assert "统计期间：2026年7月" in " ".join(str(c.value or "") for c in summary[2])
    assert summary.freeze_panes == "B5"
    rows = {summary.cell(r, 1).value: [summary.cell(r, c).value for c in range(2, 9)] for r in range(5, 9)}
    # 合计, then 征地补偿, 土地权属, 施工扰民, 劳务工资 …
    assert rows["甲马石村"][:5] == [2, 1, 0, 0, 1]
    assert rows["白革龙村"][:2] == [1, 1]
    assert rows["合计"][0] == 3
    footer = [summary.cell(r, 1).value or "" for r in range(8, summary.max_row + 1)]
    assert any("填报人" in line and "审核人" in line for line in footer)
    names = [detail.cell(r, 7).value for r in range(5, detail.max_row + 1)]
    assert "王*明" in names
    assert "王小明" not in json.dumps(names, ensure_ascii=False)


def test_land_return_totals_the_catalogue_figures(park, town, group_a1, town_admin, login_as):
    from lianxin.land.tests import factories as land_factories

    land_factories.township_standards(town)
    project = land_factories.project(town)
    land_factories.parcel(project, group_a1, area_mu="12.5")

    response = login_as(town_admin).get(reverse("reports:return-download", args=["land"]) + "?period=2026-Q4")

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "征地进度统计表"
    values = [[sheet.cell(r, c).value for c in range(1, 6)] for r in range(5, 8)]
    assert ["氧化铝项目", "甲马石村甲马石一组", 1, 12.5, 0] in values
    assert values[-1][:4] == ["合计", None, 1, 12.5]


def test_return_download_is_recorded_and_denied_without_the_dashboard(disputes, town_admin, outsider, login_as):
    login_as(town_admin).get(reverse("reports:return-download", args=["disputes"]))

    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT, username=town_admin.username).exists()
    assert login_as(outsider).get(reverse("reports:return-download", args=["disputes"])).status_code == 403
    assert login_as(town_admin).get(reverse("reports:return-download", args=["nothing"])).status_code == 404


@pytest.mark.parametrize(
    ("name", "masked"), [("王小明", "王*明"), ("李芳", "李*"), ("欧阳娜娜", "欧**娜"), ("王", "王")]
)
def test_names_are_masked(name, masked):
    assert mask_name(name) == masked


# --- API ------------------------------------------------------------------------------------------------


def test_api_lists_the_catalogue_and_computes_figures(disputes, town_admin, village_a, login_as):
    client = login_as(town_admin)

    catalogue = client.get("/api/reports/figures").json()
    values = client.get("/api/reports/figures/disputes_registered", {"period": "2026-07"}).json()
    village = client.get("/api/reports/values", {"period": "2026-07", "region": village_a.pk}).json()

    assert {"population", "land_surveyed_mu", "cases_on_time_rate"} <= {f["name"] for f in catalogue}
    assert values["period_label"] == "2026年7月"
    figure = values["figures"][0]
    assert (figure["value"], figure["text"], figure["previous"]) == ("3", "3件", "0")
    assert figure["url"].startswith("/cases/?kind=dispute&registered_from=2026-07-01")
    by_name = {f["name"]: f for f in village["figures"]}
    assert by_name["disputes_registered"]["value"] == "2"
    assert village["place"] == "甲马石村"


def test_api_refuses_bad_input_in_chinese_and_other_jurisdictions(
    disputes, village_a_clerk, village_b, outsider, login_as
):
    client = login_as(village_a_clerk)

    bad_period = client.get("/api/reports/values", {"period": "2026-Q9"})
    other_village = client.get("/api/reports/values", {"region": village_b.pk})

    assert bad_period.status_code == 400
    assert "无法识别的统计期间" in bad_period.json()["message"]
    assert other_village.status_code == 400
    assert "不在您的管辖范围内" in other_village.json()["message"]
    assert login_as(outsider).get("/api/reports/figures").status_code == 403


def test_api_serves_the_report_and_returns_as_files(disputes, town_admin, login_as):
    client = login_as(town_admin)

    report = client.get("/api/reports/work-report.docx", {"period": "2026-07"})
    returns = client.get("/api/reports/returns").json()
    sheet = client.get("/api/reports/returns/disputes.xlsx", {"period": "2026-07"})

    assert "2026年7月" in Document(io.BytesIO(report.content)).paragraphs[0].text
    assert [r["key"] for r in returns] == ["disputes", "land", "party_development", "livelihood_employment"]
    assert openpyxl.load_workbook(io.BytesIO(sheet.content)).active["A1"].value == "矛盾纠纷排查调处月报"


def test_api_token_reads_figures(town_admin, park):
    from django.test import Client

    from lianxin.accounts.services import api_token_create
    from lianxin.accounts.tests.factories import totp_device

    totp_device(town_admin)
    token = api_token_create(user=town_admin, name="script")
    secret = token[1] if isinstance(token, tuple) else token
    response = Client().get("/api/reports/values", HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 200
    assert {f["name"]: f["value"] for f in response.json()["figures"]}["population"] == "4"


# --- commands -------------------------------------------------------------------------------------------


def test_figures_command_prints_json_keyed_by_figure(disputes, capsys):
    call_command("figures", "--period", "2026-07", "--format", "json")

    data = json.loads(capsys.readouterr().out)
    assert data["period"] == "2026-07"
    assert data["figures"]["disputes_registered"]["value"] == 3
    assert data["figures"]["population"] == {
        "label": "涉及人口",
        "unit": "人",
        "value": 5,  # the cast's four and 王小明 (person_a)
        "text": "5人",
        "line": "overview",
    }


def test_figures_command_narrows_to_a_region_by_statistical_code(disputes, village_b, capsys):
    call_command("figures", "--period", "2026", "--region", village_b.stat_code, "--format", "table")

    out = capsys.readouterr().out
    assert out.startswith("# 白革龙村 2026年")
    assert [line.split()[1] for line in out.splitlines() if line.startswith("disputes_registered ")] == ["2"]


def test_figures_command_refuses_a_bad_period():
    with pytest.raises(CommandError, match="无法识别的统计期间"):
        call_command("figures", "--period", "next year")


def test_work_report_command_writes_the_docx(disputes, tmp_path, make_user, village_a):
    cadre = make_user("cadre_cmd", Role.VILLAGE_CADRE, scope_region=village_a)
    out = tmp_path / "报告.docx"

    call_command("work_report", "--period", "2026-07", "--user", cadre.username, "--out", str(out))

    paragraphs = [p.text for p in Document(str(out)).paragraphs]
    assert paragraphs[0] == "甲马石村2026年7月工作情况报告"
    assert any("排查调处矛盾纠纷2件" in p for p in paragraphs)
