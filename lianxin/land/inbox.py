"""What the land ledger puts in a user's 待办 (registered with ``lianxin.core.inbox`` in ``LandConfig.ready``):
proposals to hand a parcel over before every holder is paid (先行交地), waiting for a township leader."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.core import inbox
from lianxin.core.inbox import InboxProvider, InboxRow
from lianxin.core.permissions import scope_to_user

from .models import HandoverOverride


def pending_overrides(*, user) -> QuerySet[HandoverOverride]:
    """Pending hand-over proposals in the user's scope that the user may decide (not their own), oldest first."""
    if not user.has_perm("land.decide_handoveroverride"):
        return HandoverOverride.objects.none()
    return (
        scope_to_user(HandoverOverride.objects.filter(status=HandoverOverride.Status.PROPOSED), user)
        .exclude(proposed_by_id=user.pk)
        .order_by("created_at", "id")
    )


class HandoverOverrideProvider(InboxProvider):
    key = "land.handover_overrides"
    title = gettext_lazy("先行交地待审批")
    description = gettext_lazy("工作组提请在补偿款兑付完毕前交地(先补偿后用地的例外),须镇领导批准或驳回")
    empty_text = gettext_lazy("没有待审批的先行交地申请")
    order = 25

    def applies(self, user) -> bool:
        return user.has_perm("land.decide_handoveroverride")

    def rows(self, *, user, today: date, limit: int) -> list[InboxRow]:
        rows = []
        for override in pending_overrides(user=user).select_related(
            "parcel__village_group__parent", "parcel__project", "proposed_by"
        )[:limit]:
            parcel = override.parcel
            proposed = timezone.localtime(override.created_at).date()
            who = override.proposed_by.get_full_name() or override.proposed_by.username
            rows.append(
                InboxRow(
                    title=_("地块%(code)s申请先行交地(%(group)s)")
                    % {"code": parcel.code, "group": f"{parcel.village_group.parent.name}{parcel.village_group.name}"},
                    url=reverse("land:parcel-detail", args=[parcel.pk]) + "#handover",
                    number=parcel.code,
                    detail=f"{override.reason_text} · {who}",
                    clock=proposed,
                    clock_text=_("%(day)s提请") % {"day": f"{proposed:%Y-%m-%d}"},
                )
            )
        return rows

    def count(self, *, user, today: date, cap: int) -> int:
        return pending_overrides(user=user).order_by()[: cap + 1].count()


def register_inbox() -> None:
    inbox.register(HandoverOverrideProvider())
