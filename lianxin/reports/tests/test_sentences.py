"""The report's sentences: placeholders from the catalogue, checked when the office types them; a
sentence whose figures are not registered or have no value is left out of the report."""

import pytest

from lianxin.accounts.roles import Role
from lianxin.core.errors import DomainError
from lianxin.reports import catalogue, services
from lianxin.reports.catalogue import OVERVIEW, Figure, FigureScope
from lianxin.reports.models import ReportSentence, ReportSentenceVersion
from lianxin.reports.periods import Period
from lianxin.reports.report import work_report_build
from lianxin.reports.sentences import FigurePart, SentenceError, sentence_render, sentence_validate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("共有{party_recruits_unknown}名新党员", "未知的指标占位符"),
        ("共{population.sum}人", "后缀“sum”无法识别"),
        ("共{人口}人", "写法不正确"),
        ("共{population人", "花括号不成对"),
        ("{period.yoy}", "不能加后缀"),
        ("   ", "语句不能为空"),
    ],
)
def test_a_bad_sentence_is_refused_with_a_chinese_message(text, message):
    with pytest.raises(SentenceError, match=message):
        sentence_validate(text)


def test_placeholders_render_values_links_and_changes(park, town_admin):
    scope = FigureScope(user=town_admin, period=Period.year(2026))

    parts = sentence_render(
        "{place}{period}园区涉及{population},产值{output_value.yoy}({output_value.number}元)。", scope
    )

    assert "".join(p if isinstance(p, str) else p.text for p in parts) == (
        "示例镇2026年园区涉及4人,产值增长42.9%(1000000000元)。"
    )
    figure = next(p for p in parts if isinstance(p, FigurePart))
    assert (figure.name, figure.url) == ("population", "/people/persons/?in_park=1")


def test_a_sentence_without_its_figures_is_left_out(park, town_admin):
    scope = FigureScope(user=town_admin, period=Period.year(2026))

    assert sentence_render("新增就业{livelihood_jobs_unregistered}人。", scope) is None  # not registered (no such app)
    assert sentence_render("按期办结率{cases_on_time_rate}。", scope) is None  # nothing resolved: no rate
    assert sentence_render("受理廉政举报{integrity_reports_registered}。", scope) is None  # not for a leader


def test_a_figure_registered_later_brings_its_sentence_into_the_report(park, town_admin, working_group_member):
    figure = Figure(
        name="test_members",
        label="党员",
        unit="名",
        line=OVERVIEW,
        definition="测试",
        measure=catalogue.RATIO,
        numerator="population",
        denominator="households",
        percent=False,
    )
    scope = FigureScope(user=town_admin, period=Period.year(2026))

    def overview_text():
        return work_report_build(scope).sections[0].topics[0].paragraphs[0].text

    # given an office sentence about a figure another app registers
    catalogue.register(figure)
    try:
        services.sentence_add(topic="overview.base", text="全镇共有{test_members}党员。", actor=working_group_member)
        assert "全镇共有1名党员。" in overview_text()
    finally:
        catalogue.unregister("test_members")

    # when the app is not there, the report leaves the sentence out rather than print a gap
    assert "党员" not in overview_text()
    assert "6551" not in overview_text()


def test_sentence_add_refuses_unknown_placeholders(working_group_member):
    with pytest.raises(DomainError, match="未知的指标占位符") as error:
        services.sentence_add(topic="overview.base", text="{unknown_figure}", actor=working_group_member)
    assert error.value.field == "text"


def test_saving_a_sentence_keeps_every_version(park, working_group_member):
    services.sentence_save(key="overview.villages", text="涉及{villages}村委会。", actor=working_group_member)
    services.sentence_save(
        key="overview.villages", text="涉及{villages}村委会,{population}。", actor=working_group_member
    )
    services.sentence_save(
        key="overview.villages", text="涉及{villages}村委会,{population}。", actor=working_group_member
    )

    sentence = ReportSentence.objects.get(key="overview.villages")
    assert sentence.version == 2
    assert list(ReportSentenceVersion.objects.filter(sentence=sentence).values_list("version", "text")) == [
        (2, "涉及{villages}村委会,{population}。"),
        (1, "涉及{villages}村委会。"),
    ]
    services.sentence_reset(key="overview.villages", actor=working_group_member)
    sentence.refresh_from_db()
    assert sentence.version == 3
    assert "{households}" in sentence.text


def test_only_the_office_edits_sentences(town_admin, make_user, town):
    party = make_user("party_officer", Role.PARTY_OFFICER, scope_region=town)
    services.sentence_save(key="overview.villages", text="涉及{villages}村委会。", actor=party)

    with pytest.raises(Exception, match="无权"):
        services.sentence_save(key="overview.villages", text="涉及{villages}。", actor=town_admin)


def test_a_switched_off_sentence_is_not_in_the_report(park, town_admin, working_group_member):
    scope = FigureScope(user=town_admin, period=Period.year(2026))
    assert "1亿元" not in work_report_build(scope).sections[0].topics[0].paragraphs[0].text
    assert "10亿元" in work_report_build(scope).sections[0].topics[0].paragraphs[0].text

    services.sentence_save(
        key="overview.enterprises", text="园区企业{enterprises}。", active=False, actor=working_group_member
    )

    assert "企业" not in work_report_build(scope).sections[0].topics[0].paragraphs[0].text
