"""What the Party pipeline puts in a user's 待办 (registered with ``lianxin.core.inbox`` in ``PartyConfig.ready``):
development steps past their statutory or local deadline, for the committee and the branch secretaries."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy

from lianxin.core import inbox
from lianxin.core.inbox import InboxProvider, InboxRow

from .selectors import pipeline_overdue_for


class PipelineOverdueProvider(InboxProvider):
    key = "party.pipeline_overdue"
    title = gettext_lazy("发展党员超期步骤")
    description = gettext_lazy("发展党员流程中已过期限仍未完成的步骤(谈话、考察、审批、转正等)")
    empty_text = gettext_lazy("没有超期的发展步骤")
    order = 40

    def applies(self, user) -> bool:
        return user.has_perm("party.view_member")

    def rows(self, *, user, today: date, limit: int) -> list[InboxRow]:
        return pipeline_overdue_for(user, today, limit=limit)

    def count(self, *, user, today: date, cap: int) -> int:
        return len(pipeline_overdue_for(user, today, limit=cap + 1))


def register_inbox() -> None:
    inbox.register(PipelineOverdueProvider())
