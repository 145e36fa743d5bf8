"""The sentences of the work report: templates a clerk can edit, with placeholders from the figure
catalogue.

A placeholder is a figure's name in braces, ``{population}`` → "6551人" (the value with its unit;
money in 万元/亿元, shares in %), optionally with a modifier:

- ``{x.number}`` the number alone (6551), ``{x.previous}`` the previous period's value (环比),
  ``{x.last_year}`` the same period last year's (同比),
- ``{x.mom}`` / ``{x.yoy}`` the change against them ("增长12.5%", "下降3%", "持平").

Besides figures: ``{period}`` (2026年), ``{place}`` (示范镇) and ``{indicator_year}`` (the year of the
enterprise statistics a period states). A sentence whose figures are not in the catalogue (an app
not installed) or have no value for the reader (a figure their role may not count, an average of
nothing) is left out of the report rather than printed with a gap.

Topics group sentences into the paragraphs of a section (with a level-2 heading when a section has
more than one); apps add topics and default sentences with ``register_topic`` and
``register_sentence`` (from their ``AppConfig.ready()``), as they add figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import catalogue
from .catalogue import DEVELOPMENT, EDUCATION, LINES, OVERVIEW, SERVICE, FigureScope

MODIFIERS = ("number", "previous", "last_year", "mom", "yoy")
SPECIALS = ("period", "place", "indicator_year")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_NAME = re.compile(r"^([a-z][a-z0-9_]*)(?:\.([a-z_]+))?$")


class SentenceError(ValueError):
    """A sentence that cannot be used; the message names the problem in Chinese."""


@dataclass(frozen=True)
class Topic:
    key: str
    section: str
    heading: Promise | str
    order: int


@dataclass(frozen=True)
class DefaultSentence:
    key: str
    topic: str
    order: int
    text: Promise | str


_TOPICS: dict[str, Topic] = {}
_DEFAULTS: dict[str, DefaultSentence] = {}


def register_topic(*topics: Topic) -> None:
    for topic in topics:
        if topic.section not in LINES:
            raise ValueError(f"topic {topic.key}: unknown section {topic.section!r}")
        _TOPICS[topic.key] = topic


def register_sentence(*sentences: DefaultSentence) -> None:
    for sentence in sentences:
        if sentence.topic not in _TOPICS:
            raise ValueError(f"sentence {sentence.key}: unknown topic {sentence.topic!r}")
        _DEFAULTS[sentence.key] = sentence


def topic_list() -> list[Topic]:
    order = list(LINES)
    return sorted(_TOPICS.values(), key=lambda t: (order.index(t.section), t.order, t.key))


def topic_get(key: str) -> Topic | None:
    return _TOPICS.get(key)


def default_sentences() -> list[DefaultSentence]:
    return sorted(_DEFAULTS.values(), key=lambda s: (s.topic, s.order, s.key))


def default_get(key: str) -> DefaultSentence | None:
    return _DEFAULTS.get(key)


# --- placeholders ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placeholder:
    raw: str  # as written, without braces
    name: str
    modifier: str | None


def placeholders(text: str) -> list[Placeholder]:
    """The placeholders of a sentence; a malformed one raises SentenceError naming it."""
    stray = _PLACEHOLDER.sub("", text)
    if "{" in stray or "}" in stray:
        raise SentenceError(_("花括号不成对：占位符应写作花括号括起的指标名，例如{population}"))
    found = []
    for raw in _PLACEHOLDER.findall(text):
        match = _NAME.match(raw.strip())
        if not match:
            raise SentenceError(_("占位符“{%(raw)s}”的写法不正确：应为英文指标名，可加“.yoy”等后缀") % {"raw": raw})
        name, modifier = match.group(1), match.group(2)
        if modifier is not None and modifier not in MODIFIERS:
            raise SentenceError(
                _("占位符“{%(raw)s}”的后缀“%(mod)s”无法识别；可用后缀：%(mods)s")
                % {"raw": raw, "mod": modifier, "mods": "、".join(MODIFIERS)}
            )
        if name in SPECIALS and modifier is not None:
            raise SentenceError(_("占位符“{%(raw)s}”不能加后缀") % {"raw": raw})
        found.append(Placeholder(raw.strip(), name, modifier))
    return found


def sentence_validate(text: str) -> list[Placeholder]:
    """Check a sentence the office typed: not empty, placeholders well formed and all known."""
    text = (text or "").strip()
    if not text:
        raise SentenceError(_("语句不能为空"))
    found = placeholders(text)
    unknown = [p.raw for p in found if p.name not in SPECIALS and not catalogue.is_registered(p.name)]
    if unknown:
        raise SentenceError(
            _("未知的指标占位符：%(names)s。请从指标目录中选择指标名")
            % {"names": "、".join(f"{{{n}}}" for n in unknown)}
        )
    return found


# --- rendering ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigurePart:
    """A figure inside a rendered sentence: its text, and the link to its rows."""

    name: str
    text: str
    url: str | None


def _special(name: str, scope: FigureScope) -> str | None:
    if name == "period":
        return scope.period.label
    if name == "place":
        return scope.scope_name
    if name == "indicator_year":
        from .figures.overview import indicator_year

        year = indicator_year(scope)
        return str(year) if year else None
    return None


def sentence_render(text: str, scope: FigureScope) -> list[str | FigurePart] | None:
    """The sentence with its placeholders filled in, as text and figure parts; None when it is to be
    left out (a figure not registered, or without a value for this reader)."""
    try:
        found = {p.raw: p for p in placeholders(text)}
    except SentenceError:
        return None
    parts: list[str | FigurePart] = []
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        parts.append(text[position : match.start()])
        position = match.end()
        placeholder = found[match.group(1).strip()]
        if placeholder.name in SPECIALS:
            value = _special(placeholder.name, scope)
            if value is None:
                return None
            parts.append(value)
            continue
        if not catalogue.is_registered(placeholder.name):
            return None
        figure = catalogue.figure_get(placeholder.name)
        rendered = _figure_text(figure, placeholder.modifier, scope)
        if rendered is None:
            return None
        parts.append(FigurePart(figure.name, rendered, catalogue.drilldown_url(figure, scope)))
    parts.append(text[position:])
    return [p for p in parts if p != ""]


def _figure_text(figure, modifier: str | None, scope: FigureScope) -> str | None:
    if modifier in (None, "number"):
        value = catalogue.figure_value(figure, scope)
        if value is None:
            return None
        return catalogue.format_value(figure, value) if modifier is None else catalogue.format_number(figure, value)
    comparison = catalogue.compare(figure, scope)
    if modifier == "previous":
        value = comparison.previous
    elif modifier == "last_year":
        value = comparison.last_year
    else:
        change = comparison.mom if modifier == "mom" else comparison.yoy
        return None if change is None else catalogue.format_change(change)
    return None if value is None else catalogue.format_value(figure, value)


def parts_text(parts: list[str | FigurePart]) -> str:
    return "".join(p if isinstance(p, str) else p.text for p in parts)


def sentence_figures(text: str) -> list[str]:
    """Names of the catalogue figures a sentence uses (for the appendix)."""
    try:
        return [p.name for p in placeholders(text) if p.name not in SPECIALS]
    except SentenceError:
        return []


# --- the defaults of the apps the reports were built with -----------------------------------------
# Neutral wording a township office would write; the office rewrites them on the 报告语句 page.

register_topic(
    Topic("overview.base", OVERVIEW, gettext_lazy("基本情况"), 10),
    Topic("education.service", EDUCATION, gettext_lazy("服务质量"), 10),
    Topic("service.land", SERVICE, gettext_lazy("征地拆迁"), 10),
    Topic("service.cases", SERVICE, gettext_lazy("矛盾纠纷调处和企业服务"), 20),
    Topic("service.security", SERVICE, gettext_lazy("治安联防"), 30),
    Topic("development.enterprises", DEVELOPMENT, gettext_lazy("园区企业发展"), 10),
)
register_sentence(
    DefaultSentence(
        "overview.villages",
        "overview.base",
        10,
        gettext_lazy("园区建设涉及{villages}村委会、{village_groups}村民小组，共{households}、户籍人口{population}。"),
    ),
    DefaultSentence(
        "overview.enterprises",
        "overview.base",
        20,
        gettext_lazy("园区内现有企业{enterprises}，{indicator_year}年实现总产值{output_value}，上交税收{tax_paid}。"),
    ),
    DefaultSentence(
        "overview.projects",
        "overview.base",
        30,
        gettext_lazy(
            "辖区内登记建设项目{projects}，其中在建{projects_under_construction}，项目用地需求{land_demand_mu}。"
        ),
    ),
    DefaultSentence(
        "service.land.progress",
        "service.land",
        10,
        gettext_lazy(
            "已登记征地地块{land_surveyed_parcels}，测量面积{land_surveyed_mu}；其中已签订补偿协议{land_agreed_mu}，"
            "已兑付{land_paid_mu}，已交付用地{land_handed_over_mu}。"
        ),
    ),
    DefaultSentence(
        "service.land.money",
        "service.land",
        20,
        gettext_lazy("累计签订补偿协议{land_agreements}，协议补偿金额{land_money_agreed}，已兑付{land_money_paid}。"),
    ),
    DefaultSentence(
        "service.land.period",
        "service.land",
        30,
        gettext_lazy(
            "本期新签补偿协议{land_agreements_signed}，兑付补偿款{land_payments_amount}，交付用地{land_handed_over_in_period_mu}。"
        ),
    ),
    DefaultSentence(
        "service.cases.total",
        "service.cases",
        10,
        gettext_lazy(
            "本期共登记各类事项{cases_registered}，已办结{cases_resolved}，按期办结率{cases_on_time_rate}；目前超期未办结{cases_overdue}。"
        ),
    ),
    DefaultSentence(
        "service.cases.disputes",
        "service.cases",
        20,
        gettext_lazy(
            "排查调处矛盾纠纷{disputes_registered}，调解成功{disputes_mediated}，调解成功率{disputes_mediation_rate}。"
        ),
    ),
    DefaultSentence(
        "service.cases.requests",
        "service.cases",
        30,
        gettext_lazy(
            "受理企业诉求{enterprise_requests_registered}，办结{enterprise_requests_resolved}，按期办结率{enterprise_requests_on_time_rate}。"
        ),
    ),
    DefaultSentence(
        "service.cases.integrity",
        "service.cases",
        40,
        gettext_lazy("受理廉政举报{integrity_reports_registered}，已办结{integrity_reports_resolved}。"),
    ),
    DefaultSentence(
        "service.security.thefts",
        "service.security",
        10,
        gettext_lazy(
            "开展联防巡逻{patrols}，共发生盗窃案件{thefts}，侦破盗窃案件{thefts_solved}，抓获涉案人员{suspects_caught}。"
        ),
    ),
    DefaultSentence(
        "education.service.rating",
        "education.service",
        10,
        gettext_lazy("已办结事项中有{cases_rated}经服务对象评价，平均满意度{satisfaction_average}（5分制）。"),
    ),
    DefaultSentence(
        "education.service.enterprises",
        "education.service",
        20,
        gettext_lazy("企业对诉求办理的平均满意度为{enterprise_requests_satisfaction}。"),
    ),
    DefaultSentence(
        "development.enterprises.jobs",
        "development.enterprises",
        10,
        gettext_lazy(
            "{indicator_year}年园区企业吸纳就业{employees}，其中本地就业{local_employees}，占{local_employment_share}。"
        ),
    ),
)
