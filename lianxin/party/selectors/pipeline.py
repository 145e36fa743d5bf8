"""Reads of the development pipeline: everyone in it with stage, next step and due date (a range scan on the
stored due date), the overdue steps for the 待办 inbox, the year's plan against actual, a person's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.core.inbox import InboxRow
from lianxin.core.permissions import scope_to_user
from lianxin.regions.models import Region
from lianxin.regions.selectors import in_region

from ..models import PIPELINE_STAGES, Attendance, DevelopmentPlan, DevelopmentStep, Member, Organization, Step


def pipeline_list(
    *,
    user,
    stage: str = "",
    organization: Organization | None = None,
    overdue_on: date | None = None,
    region: Region | None = None,
) -> QuerySet[Member]:
    """Everyone in the pipeline (applicants to probationary members) in the user's scope, soonest due first;
    ``region``: those whose organisation is seated in its subtree."""
    qs = scope_to_user(Member.objects.filter(status=Member.Status.ACTIVE, stage__in=PIPELINE_STAGES), user)
    if stage:
        qs = qs.filter(stage=stage)
    if organization is not None:
        qs = qs.filter(organization=organization)
    if overdue_on is not None:
        qs = qs.filter(next_due_on__lt=overdue_on)
    qs = in_region(qs, region)
    return qs.select_related("person__household__village_group", "organization")


def pipeline_overdue_for(user, today: date | None = None, limit: int = 200) -> list[InboxRow]:
    """The overdue pipeline steps the user is responsible for (the committee sees its township's, a branch
    secretary their branch's): the provider of the 待办 inbox. One range scan on (status, next_due_on)."""
    today = today or timezone.localdate()
    if user is None or not user.is_authenticated or not user.has_perm("party.view_member"):
        return []
    rows = (
        scope_to_user(Member.objects.filter(status=Member.Status.ACTIVE, next_due_on__lt=today), user)
        .exclude(next_step="")
        .order_by("next_due_on", "pk")
        .values_list("pk", "person__name", "organization__name", "next_step", "next_due_on")[:limit]
    )
    link = reverse("party:member-detail", args=[0]).removesuffix("0/")
    labels = {value: str(label) for value, label in Step.choices}
    template = _("%(name)s(%(org)s):%(step)s")
    return [
        InboxRow(
            title=template % {"name": name, "org": org, "step": labels.get(step, step)},
            url=f"{link}{pk}/",
            clock=due_on,
            clock_text=_("应于%(day)s前完成") % {"day": f"{due_on:%Y-%m-%d}"},
            overdue=True,
        )
        for pk, name, org, step, due_on in rows
    ]


DUE_ROW_FIELDS = (
    "pk",
    "stage",
    "next_step",
    "next_due_on",
    "person__name",
    "person__household__village_group__name",
    "organization__name",
)


def pipeline_due_rows(
    *,
    user,
    stage: str = "",
    organization: Organization | None = None,
    overdue_on: date | None = None,
    limit: int = 500,
    region: Region | None = None,
) -> list[dict]:
    """The due list's rows (soonest first) as plain values: what the pipeline page shows, without a model
    instance per row."""
    labels = {value: str(label) for value, label in Step.choices}
    stages = {value: str(label) for value, label in Member.Stage.choices}
    rows = list(
        pipeline_list(user=user, stage=stage, organization=organization, overdue_on=overdue_on, region=region)
        .order_by("next_due_on", "pk")
        .values(*DUE_ROW_FIELDS)[:limit]
    )
    for row in rows:
        row["next_step_label"] = labels.get(row["next_step"], "")
        row["stage_label"] = stages[row["stage"]]
    return rows


@dataclass
class PlanRow:
    organization: Organization
    quota: int | None
    actual: int

    @property
    def remaining(self) -> int | None:
        return None if self.quota is None else max(self.quota - self.actual, 0)


def plan_vs_actual(*, user, year: int) -> list[PlanRow]:
    """Each branch's development quota for the year against the probationary members it received (by the vote's
    date), for every branch that has either."""
    plans = {p.organization_id: p.quota for p in scope_to_user(DevelopmentPlan.objects.filter(year=year), user)}
    actual = dict(
        scope_to_user(Member.objects.filter(joined_on__year=year), user)
        .values_list("organization_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    ids = set(plans) | set(actual)
    organizations = scope_to_user(Organization.objects.filter(pk__in=ids), user).order_by("path")
    return [PlanRow(org, plans.get(org.pk), actual.get(org.pk, 0)) for org in organizations]


@dataclass
class TimelineRow:
    step: str
    label: str
    done_on: date
    record: DevelopmentStep | None = None
    detail: str = ""


def timeline_rows(member: Member) -> list[TimelineRow]:
    """A person's whole timeline: the recorded steps, with the intensive training they attended (from the
    activities) in its place."""
    steps = list(
        member.steps.select_related("organization", "recorded_by")
        .prefetch_related("people__person")
        .order_by("done_on", "id")
    )
    rows = [TimelineRow(s.step, str(s.get_step_display()), s.done_on, s) for s in steps]
    if member.candidate_on is not None:
        trainings = list(
            Attendance.objects.filter(
                member=member,
                status=Attendance.Status.PRESENT,
                activity__intensive_training=True,
                held_on__gte=member.candidate_on,
            )
            .select_related("activity")
            .order_by("held_on")
        )
        if trainings:
            hours = sum((a.hours for a in trainings), Decimal("0"))
            days = len({a.held_on for a in trainings})
            rows.append(
                TimelineRow(
                    Step.INTENSIVE_TRAINING,
                    str(Step.INTENSIVE_TRAINING.label),
                    trainings[-1].held_on,
                    detail=_("%(days)d天,%(hours)s学时:%(titles)s")
                    % {
                        "days": days,
                        "hours": hours.normalize(),
                        "titles": "、".join(a.activity.title for a in trainings),
                    },
                )
            )
    order = {value: index for index, value in enumerate(Step.values)}
    rows.sort(key=lambda r: (r.done_on, order[r.step]))
    return rows


def pipeline_stage_counts(*, user, aggregate: bool = False) -> dict[str, int]:
    rows = (
        scope_to_user(
            Member.objects.filter(status=Member.Status.ACTIVE, stage__in=PIPELINE_STAGES), user, aggregate=aggregate
        )
        .values_list("stage")
        .annotate(n=Count("*"))
        .order_by()
    )
    return dict(rows)


def new_members(*, user, since: date, aggregate: bool = False) -> QuerySet[Member]:
    """Members received (probationary from the branch vote) since ``since``."""
    return scope_to_user(
        Member.objects.filter(joined_on__gte=since, steps__step=Step.APPROVAL).distinct(), user, aggregate=aggregate
    )
