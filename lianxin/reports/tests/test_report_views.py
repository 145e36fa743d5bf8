"""The reports pages: dashboards per role (every number a link to its rows), the catalogue, the report
preview and downloads, the sentences the office edits, the Word template; allowed and denied per role."""

import io
import re

import pytest
from django.urls import reverse
from docx import Document

from lianxin.accounts.roles import Role
from lianxin.cases.tests import factories as case_factories
from lianxin.reports.document import default_template
from lianxin.reports.models import ReportTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles(make_user, town, village_a, enterprise_in_town, county):
    return {
        "leader": make_user("r_leader", Role.TOWNSHIP_LEADER, scope_region=town),
        "workgroup": make_user("r_wg", Role.WORKING_GROUP, scope_region=town),
        "cadre": make_user("r_cadre", Role.VILLAGE_CADRE, scope_region=village_a),
        "party": make_user("r_party", Role.PARTY_OFFICER, scope_region=town),
        "police": make_user("r_police", Role.POLICE_LIAISON, scope_region=town),
        "enterprise": make_user("r_liaison", Role.ENTERPRISE_LIAISON, scope_enterprise=enterprise_in_town),
        "discipline": make_user("r_discipline", Role.DISCIPLINE_INSPECTOR, scope_region=town),
        "county": make_user("r_county", Role.COUNTY_VIEWER, scope_region=county),
        "admin": make_user("r_admin", Role.SYSTEM_ADMIN, scope_region=town),
    }


PANELS = {
    # the livelihood overview and the village indicators come with the livelihood app
    "leader": {
        "overview",
        "party_overview",
        "livelihood_overview",
        "livelihood_indicators",
        "land",
        "land_groups",
        "payments",
        "cases",
        "security",
        "enterprises",
    },
    "workgroup": {"land", "land_groups", "payments", "cases"},
    "cadre": {"overview", "land", "land_groups", "cases"},
    "police": {"security"},
    "enterprise": {"requests"},
    "discipline": {"integrity"},
    "county": {
        "overview",
        "party_overview",
        "livelihood_overview",
        "livelihood_indicators",
        "land",
        "land_groups",
        "cases",
        "security",
        "enterprises",
    },
    # the Party panels come with the party app (registered from its AppConfig.ready())
    "party": {"party_organizations", "party_pipeline", "party_activities"},
    "admin": set(),
}


@pytest.mark.parametrize("role", list(PANELS))
def test_each_role_sees_its_own_dashboard_panels(role, roles, park, login_as):
    html = login_as(roles[role]).get(reverse("reports:dashboard-panels")).content.decode()

    assert set(re.findall(r'data-panel="(\w+)"', html)) == PANELS[role]


def test_home_page_copy_of_the_panels_leaves_out_what_the_home_page_shows(roles, park, login_as):
    client = login_as(roles["leader"])
    home = client.get(reverse("reports:home")).content.decode()
    panels = client.get(reverse("reports:dashboard-panels") + "?on=home").content.decode()

    assert 'data-figure="population"' in home  # the park overview's cards
    assert "?on=home" in home
    shown = set(re.findall(r'data-panel="(\w+)"', panels))
    assert shown == PANELS["leader"] - {"overview", "enterprises", "party_overview", "livelihood_overview"}
    assert 'data-figure="population"' not in panels  # each figure once on the home page
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert {"overview", "enterprises"} <= set(re.findall(r'data-panel="(\w+)"', page))  # the dashboard keeps them


def test_leader_dashboard_numbers_link_to_their_rows(roles, park, login_as, village_a, working_group_member):
    case_factories.dispute(working_group_member, village_a)
    html = login_as(roles["leader"]).get(reverse("reports:dashboard") + "?period=2026").content.decode()

    assert re.search(r'data-figure="population"[^>]*>4人<', html)
    assert re.search(
        r'href="/cases/\?registered_from=2026-01-01&amp;registered_to=2026-12-31" data-figure="cases_registered"[^>]*>1件<',
        html,
    )
    assert 'data-dashboard-chart="bar" data-source="chart-cases"' in html
    assert '"urls": ["/cases/?kind=dispute' in html  # every bar of the chart opens its rows


def test_county_viewer_sees_aggregates_without_links_to_named_rows(roles, park, login_as):
    html = login_as(roles["county"]).get(reverse("reports:dashboard-panels")).content.decode()

    assert '<span class="figure-value" data-figure="population">4人<' in html
    assert "/people/persons/" not in html
    assert "王大山" not in html


def test_bad_period_is_ignored_and_named(roles, login_as):
    response = login_as(roles["leader"]).get(reverse("reports:dashboard") + "?period=2026-13")

    assert response.status_code == 200
    assert "月份应在1至12之间" in response.content.decode()


DASHBOARD_ROLES = {"leader", "workgroup", "cadre", "party", "police", "discipline", "county"}


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("reports:catalogue", DASHBOARD_ROLES),
        ("reports:work-report", DASHBOARD_ROLES),
        ("reports:work-report-docx", DASHBOARD_ROLES),
        ("reports:return-list", DASHBOARD_ROLES),
        ("reports:sentence-list", DASHBOARD_ROLES),
        ("reports:template", DASHBOARD_ROLES),
        ("reports:sentence-add", {"workgroup", "party"}),
        ("reports:dashboard", set(PANELS)),
    ],
)
def test_pages_allowed_and_denied_per_role(name, allowed, roles, login_as):
    for role, user in roles.items():
        status = login_as(user).get(reverse(name)).status_code
        assert status == (200 if role in allowed else 403), f"{role} {name}: {status}"


def test_work_report_preview_links_each_figure_and_downloads_as_docx(roles, park, login_as):
    client = login_as(roles["leader"])

    html = client.get(reverse("reports:work-report") + "?period=2026").content.decode()
    response = client.get(reverse("reports:work-report-docx") + "?period=2026")

    assert re.search(
        r'<a class="report-figure" href="/people/persons/\?in_park=1" data-figure="population">4人</a>', html
    )
    assert "示例镇2026年工作情况报告" in html
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "户籍人口4人" in text


def test_office_edits_a_sentence_and_the_regenerated_report_says_it(roles, park, login_as):
    client = login_as(roles["party"])

    response = client.post(
        reverse("reports:sentence-edit", args=["overview.villages"]),
        {"text": "本镇园区共涉及{villages}村委会,常住人口{population}。", "active": "on", "position": "10"},
    )
    assert response.status_code == 302
    html = login_as(roles["leader"]).get(reverse("reports:work-report") + "?period=2026").content.decode()

    assert "本镇园区共涉及" in re.sub(r"<[^>]+>", "", html)
    assert "常住人口4人" in re.sub(r"<[^>]+>", "", html)


def test_a_sentence_with_an_unknown_placeholder_is_refused_on_the_form(roles, login_as):
    response = login_as(roles["workgroup"]).post(
        reverse("reports:sentence-edit", args=["overview.villages"]), {"text": "共{villagez}。", "active": "on"}
    )

    assert response.status_code == 400
    assert "未知的指标占位符" in response.content.decode()
    assert "{villagez}" in response.content.decode()


def _docx_with(text: str) -> bytes:
    document = Document(io.BytesIO(default_template()))
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a word file", "不是Word文档"),
        (_docx_with("{{ secretary_name }}"), "无法识别的占位符"),
        (_docx_with("{% for x in %}"), "模板标签写法有误"),
    ],
)
def test_an_uploaded_template_is_checked_before_use(content, message, roles, park, login_as):
    upload = io.BytesIO(content)
    upload.name = "模板.docx"

    response = login_as(roles["workgroup"]).post(reverse("reports:template"), {"file": upload, "note": ""})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ReportTemplate.objects.exists()


def test_a_template_without_the_body_is_refused(roles, park, login_as):
    document = Document()
    document.add_paragraph("{{ title }}")
    out = io.BytesIO()
    document.save(out)
    upload = io.BytesIO(out.getvalue())
    upload.name = "模板.docx"

    response = login_as(roles["workgroup"]).post(reverse("reports:template"), {"file": upload})

    assert "模板缺少正文" in response.content.decode()


def test_an_adjusted_template_is_used_for_the_report(roles, park, login_as):
    # given the office downloads the template and adds a letterhead line
    client = login_as(roles["workgroup"])
    document = Document(io.BytesIO(client.get(reverse("reports:template-download", args=[0])).content))
    document.paragraphs[0].insert_paragraph_before("示例镇党委办公室 {{ period }}")
    out = io.BytesIO()
    document.save(out)
    upload = io.BytesIO(out.getvalue())
    upload.name = "我们的模板.docx"

    # when it uploads it
    response = client.post(reverse("reports:template"), {"file": upload, "note": "加版头"})

    # then it is checked, kept as version 1 and used for the next report
    assert response.status_code == 302
    assert ReportTemplate.objects.get().version == 1
    report = login_as(roles["leader"]).get(reverse("reports:work-report-docx") + "?period=2026-Q3")
    paragraphs = [p.text for p in Document(io.BytesIO(report.content)).paragraphs]
    assert paragraphs[0] == "示例镇党委办公室 2026年第三季度"


def test_home_page_include_loads_the_role_dashboard(roles, park, rf):
    from django.template.loader import render_to_string

    request = rf.get("/", {"period": "2026-Q3"})
    request.user = roles["leader"]

    html = render_to_string("reports/dashboard/_loader.html", request=request)

    assert 'hx-get="/reports/dashboard/panels/?on=home&amp;period=2026-Q3"' in html
    assert 'data-echarts-src="/static/vendor/echarts/echarts.min.js"' in html
