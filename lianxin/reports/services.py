"""Writes of the reports app: the office's sentences (each save a new version) and Word templates
(each upload a new version, checked before use)."""

from __future__ import annotations

import hashlib
import uuid

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from lianxin.core.audit import acting_as
from lianxin.core.errors import DomainError
from lianxin.core.permissions import require_perm

from . import sentences
from .document import TemplateError, template_check
from .models import SENTENCE_MAX_LENGTH, ReportSentence, ReportSentenceVersion, ReportTemplate

SENTENCE_PERMISSION = "reports.change_reportsentence"
TEMPLATE_PERMISSION = "reports.add_reporttemplate"


def _check_text(text: str) -> str:
    text = (text or "").strip()
    if len(text) > SENTENCE_MAX_LENGTH:
        raise DomainError(_("语句不能超过%(n)d个字") % {"n": SENTENCE_MAX_LENGTH}, field="text")
    try:
        sentences.sentence_validate(text)
    except sentences.SentenceError as exc:
        raise DomainError(str(exc), field="text") from exc
    return text


def _version(sentence: ReportSentence, actor) -> None:
    ReportSentenceVersion.objects.create(
        sentence=sentence, version=sentence.version, text=sentence.text, active=sentence.active, edited_by=actor
    )


@transaction.atomic
def sentence_save(*, key: str, text: str, active: bool = True, position: int | None = None, actor) -> ReportSentence:
    """Save the office's wording of a sentence (报告语句) as its next version; a default sentence gets
    its row on the first save. Placeholders must name catalogue figures."""
    require_perm(actor, SENTENCE_PERMISSION)
    text = _check_text(text)
    with acting_as(actor):
        sentence = ReportSentence.objects.select_for_update().filter(key=key).first()
        if sentence is None:
            default = sentences.default_get(key)
            if default is None:
                raise DomainError(_("没有这条语句"), field="key")
            topic = sentences.topic_get(default.topic)
            sentence = ReportSentence(
                key=key,
                section=topic.section,
                topic=topic.key,
                position=default.order if position is None else position,
                text=text,
                active=active,
                version=1,
                updated_by=actor,
            )
            sentence.full_clean()
            sentence.save()
        else:
            if (
                sentence.text == text
                and sentence.active == active
                and (position is None or position == sentence.position)
            ):
                return sentence
            sentence.text = text
            sentence.active = active
            if position is not None:
                sentence.position = position
            sentence.version += 1
            sentence.updated_by = actor
            sentence.full_clean()
            sentence.save()
        _version(sentence, actor)
    return sentence


@transaction.atomic
def sentence_add(*, topic: str, text: str, position: int = 100, actor) -> ReportSentence:
    """A sentence of the office's own in a topic (paragraph) of the report."""
    require_perm(actor, SENTENCE_PERMISSION)
    found = sentences.topic_get(topic)
    if found is None:
        raise DomainError(_("请选择语句所在的段落"), field="topic")
    text = _check_text(text)
    with acting_as(actor):
        sentence = ReportSentence(
            key=f"custom-{uuid.uuid4().hex[:12]}",
            section=found.section,
            topic=found.key,
            position=position,
            text=text,
            version=1,
            updated_by=actor,
        )
        sentence.full_clean()
        sentence.save()
        _version(sentence, actor)
    return sentence


def sentence_reset(*, key: str, actor) -> ReportSentence:
    """Back to the default wording (as a new version, so the history keeps the office's)."""
    default = sentences.default_get(key)
    if default is None:
        raise DomainError(_("这条语句是自行添加的,没有默认写法"), field="key")
    return sentence_save(key=key, text=str(default.text), active=True, position=default.order, actor=actor)


@transaction.atomic
def report_template_upload(*, name: str, content: bytes, note: str = "", sample=None, actor) -> ReportTemplate:
    """Check an uploaded Word template (placeholders known, renders ``sample``: the uploader's own
    report) and make it the one in use, as a new version."""
    require_perm(actor, TEMPLATE_PERMISSION)
    if not name.lower().endswith(".docx"):
        raise DomainError(_("请上传.docx格式的Word文档(WPS可“另存为”.docx)"), field="file")
    try:
        check = template_check(content, sample=sample)
    except TemplateError as exc:
        raise DomainError(str(exc), field="file") from exc
    with acting_as(actor):
        ReportTemplate.objects.filter(active=True).update(active=False)
        version = (ReportTemplate.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        template = ReportTemplate(
            version=version,
            name=name[:200],
            content=content,
            sha256=check.sha256 or hashlib.sha256(content).hexdigest(),
            size=len(content),
            note=note[:200],
            uploaded_by=actor,
        )
        template.full_clean(exclude=["content"])
        template.save()
    return template


@transaction.atomic
def report_template_revert(*, actor) -> None:
    """Stop using uploaded templates: the built-in one applies again (uploads stay in the history)."""
    require_perm(actor, TEMPLATE_PERMISSION)
    with acting_as(actor):
        for template in ReportTemplate.objects.filter(active=True):
            template.active = False
            template.save(update_fields=["active"])


def report_template_current() -> ReportTemplate | None:
    return ReportTemplate.objects.filter(active=True).order_by("-version").first()
