"""The Party ledgers as the import engine reads them (党建台账导入).

- 党员花名册 (``party_members``): one row per member, keyed by the person (found by resident ID in the population
  register; the name must agree). Dates are checked by ``rules.check_member_dates``, the rules the pipeline
  applies (application at 18, probation of one year from the vote, one extension of 6–12 months, full
  membership from the end of probation). A re-import changes nothing; a changed row updates the member's
  details (the dates of a member developed in the system are never overwritten).
- 发展党员过程台账 (``party_steps``): one row per step of a person's development, in order. Each row is checked
  by ``rules.check_step`` against the person's stored steps plus the rows above it in the file (so a dry run
  refuses an 11-month activist made a candidate exactly as the page does), and written through
  ``services.pipeline_start`` / ``services.pipeline_step_record``, which check again. Steps are never changed
  by an import and an import of steps cannot be undone (the history is the record); a row already stored
  (same person, step and date) is left alone.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as N_

from lianxin.accounts.services import audit_batch
from lianxin.core import crypto
from lianxin.core.errors import DomainError
from lianxin.core.permissions import scope_to_user
from lianxin.imports.headers import Column
from lianxin.imports.ledger import Context, Ledger, RowRejected, Written, register
from lianxin.people.identity import RESIDENT_ID_PURPOSE, name_normalize, resident_id_parse
from lianxin.people.models import Person

from .models import BRANCH_KINDS, DevelopmentStep, Language, Member, Organization, Step
from .rules import (
    DevelopmentOutcome,
    Proposal,
    Sponsor,
    StepRecord,
    Vote,
    add_months,
    add_years,
    check_member_dates,
    check_step,
    notice_end,
    stage_after,
)

with translation.override(None):  # the Chinese source names, whatever language is active
    STAGES = {
        "正式党员": Member.Stage.FULL,
        "正式": Member.Stage.FULL,
        "预备党员": Member.Stage.PROBATIONARY,
        "预备": Member.Stage.PROBATIONARY,
    }
    EDUCATION = {str(label): value for value, label in Member.Education.choices}
    OCCUPATIONS = {str(label): value for value, label in Member.Occupation.choices}
    STEPS = {str(label): value for value, label in Step.choices if value != Step.INTENSIVE_TRAINING}
    OUTCOMES = {str(label): value for value, label in DevelopmentOutcome.choices}
EDUCATION.update({"小学": Member.Education.PRIMARY, "高中": Member.Education.SENIOR, "中专": Member.Education.SENIOR})
OCCUPATIONS.update(
    {
        "农民": Member.Occupation.FARMER,
        "机关干部": Member.Occupation.ORGAN_CADRE,
        "企业职工": Member.Occupation.PARK_WORKER,
    }
)
STEPS.update({"入党申请": Step.APPLICATION, "谈话": Step.APPLICATION_TALK, "支部大会": Step.BRANCH_VOTE})
OUTCOMES.update({"转为正式党员": DevelopmentOutcome.PASSED, "同意转正": DevelopmentOutcome.PASSED})
REVIEW = {"合格": "1", "不合格": "0"}
# A service's field → the column to blame.
FIELD_COLUMNS = {
    "applied_on": "applied_on",
    "joined_on": "joined_on",
    "full_on": "full_on",
    "extended_months": "extended_months",
    "stage": "stage",
    "done_on": "done_on",
    "step": "step",
    "people": "people",
    "notice_from": "notice_from",
    "should_attend": "should_attend",
    "attended": "attended",
    "written_opinions": "written_opinions",
    "votes_yes": "votes_yes",
    "outcome": "outcome",
    "extension_months": "extension_months",
    "passed_review": "passed_review",
    "organization": "organization",
    "note": "note",
}

NAME = Column("name", N_("姓名"), ("党员姓名", "人员姓名"), kind="name", required=True)
RESIDENT_ID = Column(
    "resident_id",
    N_("身份证号码"),
    ("身份证号", "公民身份号码", "身份证"),
    kind="resident_id",
    required=True,
    help=gettext_lazy("人员须已在人口台账中登记;请把该列设为文本格式"),
)


class _PartyLedger(Ledger):
    reads = ("people.Person", "party.Organization", "party.Member", "party.DevelopmentStep", "party.Attendance")

    def start(self, ctx: Context) -> None:
        ctx.cache["today"] = timezone.localdate()
        if crypto.index_rotating():  # a key rotation under way: look the person up under every index key
            ctx.cache["digests"] = lambda number: crypto.blind_indexes(number, purpose=RESIDENT_ID_PURPOSE)
        else:
            indexer = crypto.blind_indexer(RESIDENT_ID_PURPOSE)
            ctx.cache["digests"] = lambda number: [indexer(number)]
        ctx.cache["organizations"] = {
            o.name: o for o in scope_to_user(Organization.objects.filter(dissolved_on__isnull=True), ctx.user)
        }

    def _person(self, values: dict, ctx: Context) -> Person:
        parsed = resident_id_parse(values["resident_id"], today=ctx.cache["today"])
        digests = ctx.cache["digests"](parsed.number)
        person = (
            scope_to_user(Person.objects.filter(resident_id_digest__in=digests), ctx.user)
            .only("pk", "name", "birth_date")
            .first()
        )
        if person is None:
            raise RowRejected(
                _("人口台账中没有这个身份证号码的人员(或不在您的管辖范围内),请先导入户籍人口台账"), "resident_id"
            )
        if name_normalize(values["name"]) != person.name:
            raise RowRejected(_("姓名“%(name)s”与人口台账登记的姓名不一致") % {"name": values["name"]}, "name")
        return person

    def _organization(self, name: str, ctx: Context, column: str = "organization") -> Organization:
        organization = ctx.cache["organizations"].get((name or "").strip())
        if organization is None:
            raise RowRejected(_("党组织“%(name)s”不存在或不在您的管辖范围内") % {"name": name}, column)
        return organization


def _reject(exc: DomainError) -> RowRejected:
    return RowRejected(exc.message, FIELD_COLUMNS.get(exc.field or "", None))


# --- 党员花名册 ----------------------------------------------------------------------------------------------------

MEMBER_DETAILS = ("party_post", "education", "occupation", "non_resident", "residence")


@dataclass
class MemberRow:
    person_id: int
    organization_id: int
    seconded_to_id: int | None
    stage: str
    applied_on: date | None
    joined_on: date
    full_on: date | None
    extended_months: int
    party_post: str
    education: str
    occupation: str
    non_resident: bool
    residence: str
    language_ids: list[int] = field(default_factory=list)

    def dates(self) -> dict:
        return {
            "stage": self.stage,
            "applied_on": self.applied_on,
            "joined_on": self.joined_on,
            "full_on": self.full_on,
            "extended_months": self.extended_months,
        }

    def details(self) -> dict:
        return {name: getattr(self, name) for name in MEMBER_DETAILS} | {
            "organization_id": self.organization_id,
            "seconded_to_id": self.seconded_to_id,
        }


@register
class MemberRosterLedger(_PartyLedger):
    key = "party_members"
    label = N_("党员花名册")
    permission = "party.add_member"
    columns = (
        NAME,
        RESIDENT_ID,
        Column(
            "organization",
            N_("党组织"),
            ("组织关系所在党组织", "所在党支部", "党支部"),
            required=True,
            help=gettext_lazy("组织关系所在党支部的全称"),
        ),
        Column("stage", N_("人员类别"), ("党员类别", "类别"), kind="choice", choices=STAGES, required=True),
        Column("applied_on", N_("入党申请日期"), ("申请入党日期",), kind="date"),
        Column(
            "joined_on",
            N_("入党日期"),
            ("加入党组织日期", "接收预备党员日期"),
            kind="date",
            required=True,
            help=gettext_lazy("支部大会通过其为预备党员之日"),
        ),
        Column("full_on", N_("转为正式党员日期"), ("转正日期",), kind="date"),
        Column("extended_months", N_("延长预备期"), ("延长预备期月数",), kind="int", unit="月"),
        Column("party_post", N_("党内职务"), ("职务",)),
        Column("education", N_("学历"), ("文化程度",), kind="choice", choices=EDUCATION),
        Column("occupation", N_("职业"), ("工作岗位", "身份"), kind="choice", choices=OCCUPATIONS),
        Column("languages", N_("使用语言"), ("语言", "会讲语言"), help=gettext_lazy("如:汉语、苗语;多种用顿号分隔")),
        Column("non_resident", N_("不在本镇居住"), ("非本镇居住",), kind="bool"),
        Column("residence", N_("居住地"), ("现居住地",)),
        Column("seconded_to", N_("选派到"), ("选派到临时党支部",), help=gettext_lazy("临时党支部全称,组织关系不转移")),
    )
    sample = {
        "name": "王小明",
        "resident_id": "532622198005170011",
        "organization": "甲马石村党支部",
        "stage": "正式党员",
        "applied_on": "2008-03-01",
        "joined_on": "2010-06-18",
        "full_on": "2011-06-18",
        "party_post": "",
        "education": "高中/中专",
        "occupation": "农牧渔民",
        "languages": "汉语、苗语",
        "non_resident": "否",
    }

    def start(self, ctx: Context) -> None:
        super().start(ctx)
        languages = {}
        for language in Language.objects.all():
            languages[language.name] = language.pk
            languages[language.name.removesuffix("语")] = language.pk
            languages[language.code] = language.pk
        ctx.cache["languages"] = languages

    def prepare(self, values: dict[str, Any], ctx: Context) -> MemberRow:
        person = self._person(values, ctx)
        organization = self._organization(values["organization"], ctx)
        if organization.kind not in BRANCH_KINDS or organization.kind == Organization.Kind.TEMPORARY_BRANCH:
            raise RowRejected(_("组织关系应在党支部(临时党支部请填在“选派到”)"), "organization")
        seconded = None
        if values.get("seconded_to"):
            seconded = self._organization(values["seconded_to"], ctx, "seconded_to")
            if seconded.kind != Organization.Kind.TEMPORARY_BRANCH:
                raise RowRejected(_("只能选派到临时党支部"), "seconded_to")
        language_ids = []
        for name in str(values.get("languages") or "").replace(",", "、").replace(",", "、").split("、"):
            name = name.strip()
            if not name:
                continue
            if name not in ctx.cache["languages"]:
                raise RowRejected(_("未知的语言“%(name)s”") % {"name": name}, "languages")
            language_ids.append(ctx.cache["languages"][name])
        row = MemberRow(
            person_id=person.pk,
            organization_id=organization.pk,
            seconded_to_id=seconded.pk if seconded else None,
            stage=values["stage"],
            applied_on=values.get("applied_on"),
            joined_on=values["joined_on"],
            full_on=values.get("full_on"),
            extended_months=values.get("extended_months") or 0,
            party_post=(values.get("party_post") or "")[:60],
            education=values.get("education") or "",
            occupation=values.get("occupation") or "",
            non_resident=bool(values.get("non_resident")),
            residence=(values.get("residence") or "")[:100],
            language_ids=sorted(set(language_ids)),
        )
        try:
            check_member_dates(birth_date=person.birth_date, today=ctx.cache["today"], **row.dates())
        except DomainError as exc:
            raise _reject(exc) from exc
        return row

    def natural_key(self, prepared: MemberRow) -> Hashable:
        return prepared.person_id

    def existing(self, chunk: list[MemberRow], ctx: Context) -> dict[Hashable, dict]:
        rows = Member.objects.filter(person_id__in=[r.person_id for r in chunk]).values(
            "pk",
            "person_id",
            "stage",
            "status",
            "applied_on",
            "joined_on",
            "full_on",
            "extended_months",
            "organization_id",
            "seconded_to_id",
            *MEMBER_DETAILS,
        )
        found = {row["person_id"]: row for row in rows}
        with_steps = set(
            DevelopmentStep.objects.filter(member_id__in=[r["pk"] for r in found.values()])
            .values_list("member_id", flat=True)
            .distinct()
        )
        languages: dict[int, list[int]] = {}
        for member_id, language_id in Member.languages.through.objects.filter(
            member_id__in=[r["pk"] for r in found.values()]
        ).values_list("member_id", "language_id"):
            languages.setdefault(member_id, []).append(language_id)
        for row in found.values():
            row["has_steps"] = row["pk"] in with_steps
            row["language_ids"] = sorted(languages.get(row["pk"], []))
        return found

    def classify(self, prepared: MemberRow, current: dict | None, ctx: Context) -> str:
        if current is None:
            return "create"
        scoped = scope_to_user(Member.objects.filter(pk=current["pk"]), ctx.user).exists()
        if not scoped:
            raise RowRejected(_("该人员已由其他党组织登记,不在您的管辖范围内"), "resident_id")
        dates_changed = any(current[k] != v for k, v in prepared.dates().items())
        if dates_changed and current["has_steps"]:
            raise RowRejected(_("此人的入党日期等由发展党员过程记录产生,不能通过花名册修改"), "joined_on")
        details_changed = any(current[k] != v for k, v in prepared.details().items())
        if dates_changed or details_changed or current["language_ids"] != prepared.language_ids:
            return "update"
        return "unchanged"

    def write(self, creates: list[MemberRow], updates: list[tuple[MemberRow, dict]], ctx: Context) -> Written:
        from .services import pipeline_refresh

        written = Written()
        created = Member.objects.bulk_create(
            [
                Member(
                    person_id=row.person_id,
                    **row.dates(),
                    **row.details(),
                    probation_ends_on=add_months(add_years(row.joined_on, 1), row.extended_months),
                )
                for row in creates
            ],
            batch_size=500,
        )
        links = []
        for member, row in zip(created, creates, strict=True):
            written.created.append(("party.member", member.pk))
            links += [Member.languages.through(member_id=member.pk, language_id=pk) for pk in row.language_ids]
        changed = []
        now = timezone.now()
        for row, current in updates:
            before = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in current.items() if k != "has_steps"}
            written.updated.append(("party.member", current["pk"], before))
            fields = row.details()
            if not current["has_steps"]:
                fields |= row.dates()
                fields["probation_ends_on"] = add_months(add_years(row.joined_on, 1), row.extended_months)
            Member.objects.filter(pk=current["pk"]).update(updated_at=now, **fields)
            changed.append(current["pk"])
            Member.languages.through.objects.filter(member_id=current["pk"]).delete()
            links += [Member.languages.through(member_id=current["pk"], language_id=pk) for pk in row.language_ids]
        Member.languages.through.objects.bulk_create(links, batch_size=1000)
        for member in Member.objects.filter(pk__in=[m.pk for m in created] + changed).select_related(
            "person", "organization"
        ):
            pipeline_refresh(member)
        if ctx.batch is not None and (created or changed):
            audit_batch(
                instance=ctx.batch,
                actor=ctx.user,
                changes={"members_created": ["0", str(len(created))], "members_updated": ["0", str(len(changed))]},
            )
        return written

    def undo(self, created, updated, ctx: Context) -> None:
        from .models import Attendance, DevelopmentStep, DuesPayment, MemberHouseholdLink

        ids = [pk for model, pk in created if model == "party.member"]
        updated = list(updated)
        if Member.objects.filter(
            pk__in=ids + [pk for _m, pk, _b in updated], updated_at__gt=ctx.batch.committed_at
        ).exists():
            raise DomainError(_("本批导入的党员在导入后又被修改过,不能整批撤销"))
        for model in (DevelopmentStep, Attendance, DuesPayment, MemberHouseholdLink):
            if model.objects.filter(member_id__in=ids).exists():
                raise DomainError(_("本批导入的党员已有活动、党费或联户记录,不能整批撤销"))
        with transaction.atomic():
            Member.languages.through.objects.filter(member_id__in=ids).delete()
            Member.objects.filter(pk__in=ids).delete()
            for _model, pk, before in updated:
                restored = {k: before[k] for k in (*MEMBER_DETAILS, "organization_id", "seconded_to_id")}
                for name in ("applied_on", "joined_on", "full_on"):
                    restored[name] = date.fromisoformat(before[name]) if before[name] else None
                restored.update(
                    stage=before["stage"], extended_months=before["extended_months"], updated_at=timezone.now()
                )
                Member.objects.filter(pk=pk).update(**restored)
                Member.languages.through.objects.filter(member_id=pk).delete()
                Member.languages.through.objects.bulk_create(
                    [Member.languages.through(member_id=pk, language_id=lid) for lid in before["language_ids"]]
                )
            audit_batch(instance=ctx.batch, actor=ctx.user, changes={"undone": ["", str(len(ids) + len(updated))]})


# --- 发展党员过程台账 --------------------------------------------------------------------------------------------------


@dataclass
class StepRow:
    person_id: int
    member_id: int | None  # None: the application that creates the member
    organization_id: int
    step: str
    done_on: date
    responsible: str
    note: str
    people_ids: list[int]
    notice_from: date | None
    vote: tuple | None
    outcome: str
    extension_months: int | None
    passed_review: bool | None
    stored: bool  # the same step on the same day is already recorded


@register
class PipelineStepLedger(_PartyLedger):
    key = "party_steps"
    label = N_("发展党员过程台账")
    permission = "party.add_developmentstep"
    columns = (
        NAME,
        RESIDENT_ID,
        Column(
            "organization",
            N_("党支部"),
            ("所在党支部", "党组织"),
            help=gettext_lazy("递交入党申请时填写接收申请的党支部"),
        ),
        Column("step", N_("环节"), ("发展环节", "程序"), kind="choice", choices=STEPS, required=True),
        Column("done_on", N_("日期"), ("时间", "办理日期"), kind="date", required=True),
        Column("responsible", N_("负责人"), ("谈话人", "经办人")),
        Column(
            "people",
            N_("培养联系人/入党介绍人"),
            ("入党介绍人", "培养联系人", "介绍人"),
            help=gettext_lazy("正式党员姓名,顿号分隔"),
        ),
        Column("notice_from", N_("公示开始日期"), ("公示日期",), kind="date"),
        Column("passed_review", N_("政治审查结论"), ("政审结论",), kind="choice", choices=REVIEW),
        Column("should_attend", N_("应到会人数"), ("应到会有表决权的正式党员",), kind="int"),
        Column("attended", N_("实到会人数"), ("实到会有表决权的正式党员",), kind="int"),
        Column("written_opinions", N_("书面表决意见"), ("书面意见",), kind="int"),
        Column("votes_yes", N_("赞成"), ("赞成票",), kind="int"),
        Column("votes_no", N_("反对"), ("反对票",), kind="int"),
        Column("votes_abstain", N_("弃权"), ("弃权票",), kind="int"),
        Column("outcome", N_("转正讨论结果"), ("讨论结果",), kind="choice", choices=OUTCOMES),
        Column("extension_months", N_("延长预备期"), (), kind="int", unit="月"),
        Column("note", N_("说明"), ("备注",)),
    )
    sample = {
        "name": "王小明",
        "resident_id": "532622198005170011",
        "organization": "甲马石村党支部",
        "step": "递交入党申请书",
        "done_on": "2024-03-01",
    }

    def start(self, ctx: Context) -> None:
        super().start(ctx)
        from .services.common import rules_config

        ctx.cache["rules"] = rules_config()
        ctx.cache["timelines"] = {}  # person id → (member id, stage, Timeline, organization)

    def _timeline(self, person: Person, ctx: Context):
        from .services import timeline_of

        state = ctx.cache["timelines"].get(person.pk)
        if state is not None:
            return state
        member = (
            scope_to_user(Member.objects.filter(person=person), ctx.user)
            .select_related("person", "organization")
            .first()
        )
        if member is None:
            if Member.objects.filter(person=person).exists():
                raise RowRejected(_("此人已由其他党组织登记,不在您的管辖范围内"), "resident_id")
            state = {"member": None, "stage": None, "timeline": None, "organization": None}
        else:
            state = {
                "member": member,
                "stage": member.stage,
                "timeline": timeline_of(member, until=ctx.cache["today"]),
                "organization": member.organization,
            }
        ctx.cache["timelines"][person.pk] = state
        return state

    def _people(
        self, names: str, organization: Organization, on: date, ctx: Context
    ) -> tuple[list[int], list[Sponsor]]:
        ids, sponsors = [], []
        for name in [n.strip() for n in (names or "").replace(",", "、").replace(",", "、").split("、") if n.strip()]:
            found = list(
                Member.objects.filter(organization=organization, person__name=name_normalize(name)).select_related(
                    "person"
                )
            )
            if len(found) != 1:
                raise RowRejected(
                    _("%(org)s没有(或有多名)叫“%(name)s”的党员") % {"org": organization.name, "name": name}, "people"
                )
            member = found[0]
            ids.append(member.pk)
            sponsors.append(Sponsor(member.person.name, member.stage, member.status, member.full_on))
        return ids, sponsors

    def prepare(self, values: dict[str, Any], ctx: Context) -> StepRow:
        from .services.pipeline import training_attended

        person = self._person(values, ctx)
        state = self._timeline(person, ctx)
        step, on = values["step"], values["done_on"]
        from .rules import Timeline

        if state["member"] is None and state["timeline"] is None:
            if step != Step.APPLICATION:
                raise RowRejected(_("此人尚无入党申请记录,第一行应为“递交入党申请书”"), "step")
            organization = self._organization(values.get("organization") or "", ctx)
            state.update(
                stage=Member.Stage.APPLICANT,
                organization=organization,
                timeline=Timeline(birth_date=person.birth_date, steps=[], organization_kind=organization.kind),
            )
        timeline, organization = state["timeline"], state["organization"]
        stored = any(s.step == step and s.done_on == on for s in timeline.steps)
        vote = None
        if values.get("should_attend") is not None or values.get("votes_yes") is not None:
            vote = Vote(
                should_attend=values.get("should_attend") or 0,
                attended=values.get("attended") or 0,
                yes=values.get("votes_yes") or 0,
                no=values.get("votes_no") or 0,
                abstain=values.get("votes_abstain") or 0,
                written=values.get("written_opinions") or 0,
            )
        people_ids, sponsors = self._people(values.get("people") or "", organization, on, ctx)
        passed_review = {"1": True, "0": False}.get(values.get("passed_review") or "")
        outcome = values.get("outcome") or (DevelopmentOutcome.PASSED if step == Step.BRANCH_VOTE and vote else "")
        if not stored:
            candidate = timeline.last(Step.CANDIDATE_DESIGNATION)
            if state["member"] is not None and candidate is not None:
                timeline.training_days, timeline.training_hours = training_attended(
                    state["member"], candidate.done_on, on
                )
            proposal = Proposal(
                step=step,
                on=on,
                vote=vote,
                people=sponsors,
                notice_from=values.get("notice_from"),
                outcome=outcome,
                extension_months=values.get("extension_months"),
                passed_review=passed_review,
                reason=values.get("note") or "",
            )
            try:
                check_step(timeline, proposal, stage=state["stage"], today=ctx.cache["today"], rules=ctx.cache["rules"])
            except DomainError as exc:
                raise _reject(exc) from exc
            notice_until = (
                notice_end(values["notice_from"], ctx.cache["rules"].notice_workdays)
                if values.get("notice_from")
                else None
            )
            timeline.steps.append(
                StepRecord(step, on, outcome, values.get("extension_months"), notice_until, passed_review)
            )
            state["stage"] = stage_after(step, outcome, state["stage"])
        return StepRow(
            person_id=person.pk,
            member_id=state["member"].pk if state["member"] else None,
            organization_id=organization.pk,
            step=step,
            done_on=on,
            responsible=(values.get("responsible") or "")[:60],
            note=values.get("note") or "",
            people_ids=people_ids,
            notice_from=values.get("notice_from"),
            vote=tuple(vote) if vote else None,
            outcome=outcome,
            extension_months=values.get("extension_months"),
            passed_review=passed_review,
            stored=stored,
        )

    def natural_key(self, prepared: StepRow) -> Hashable:
        return (prepared.person_id, prepared.step, prepared.done_on)

    def existing(self, chunk: list[StepRow], ctx: Context) -> dict[Hashable, Any]:
        return {}

    def classify(self, prepared: StepRow, current: Any, ctx: Context) -> str:
        return "unchanged" if prepared.stored else "create"

    def write(self, creates: list[StepRow], updates, ctx: Context) -> Written:
        from . import services

        written = Written()
        members: dict[int, Member] = {}
        for row in creates:
            try:
                if row.step == Step.APPLICATION:
                    person = Person.objects.get(pk=row.person_id)
                    member = services.pipeline_start(
                        actor=ctx.user,
                        person=person,
                        organization=Organization.objects.get(pk=row.organization_id),
                        applied_on=row.done_on,
                        note=row.note,
                    )
                    members[row.person_id] = member
                    written.created.append(("party.member", member.pk))
                    step = member.steps.get(step=Step.APPLICATION)
                else:
                    member = members.get(row.person_id) or Member.objects.get(person_id=row.person_id)
                    result = services.pipeline_step_record(
                        actor=ctx.user,
                        member=member,
                        step=row.step,
                        on=row.done_on,
                        responsible=row.responsible,
                        note=row.note,
                        people=list(Member.objects.filter(pk__in=row.people_ids).select_related("person")),
                        notice_from=row.notice_from,
                        vote=Vote(*row.vote) if row.vote else None,
                        outcome=row.outcome,
                        extension_months=row.extension_months,
                        passed_review=row.passed_review,
                    )
                    step = result.step
            except DomainError as exc:
                raise DomainError(
                    _("%(date)s“%(step)s”:%(message)s")
                    % {"date": row.done_on.isoformat(), "step": Step(row.step).label, "message": exc.message}
                ) from exc
            written.created.append(("party.developmentstep", step.pk))
        if ctx.batch is not None and creates:
            audit_batch(instance=ctx.batch, actor=ctx.user, changes={"steps_created": ["0", str(len(creates))]})
        return written

    def undo(self, created, updated, ctx: Context) -> None:
        raise DomainError(_("发展党员过程记录是档案,导入后不能整批撤销;如有错误,请在人员的发展过程中处理"))
