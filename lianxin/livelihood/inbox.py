"""What the livelihood app puts in a user's 待办 (registered with ``lianxin.core.inbox`` in ``LivelihoodConfig.ready``):
the follow-ups of households whose income fell, handed to the user as the households' contact member (联户党员)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.core import inbox
from lianxin.core.inbox import InboxProvider, InboxRow

from .selectors.income import contact_tasks_open


class ContactTaskProvider(InboxProvider):
    key = "livelihood.contact_tasks"
    title = gettext_lazy("联户跟进")
    description = gettext_lazy("您联系的户收入低于征地前基线,请上门了解情况并记录跟进情况")
    empty_text = gettext_lazy("没有待跟进的联系户")
    order = 40

    def applies(self, user) -> bool:
        # Permissions only (runs on every page): the roles a contact member's account can hold in practice — Party
        # roles and the township's and villages' cadres. Whether the account is linked to a member is read with the
        # rows, in the 待办 itself.
        return user.has_perm("party.view_member") or user.has_perm("livelihood.view_contacttask")

    def rows(self, *, user, today: date, limit: int) -> list[InboxRow]:
        rows = []
        for task in contact_tasks_open(user=user).select_related("household", "village_group__parent")[:limit]:
            handed = timezone.localtime(task.created_at).date()
            group = task.village_group
            rows.append(
                InboxRow(
                    title=_("%(group)s %(household)s户%(year)s年收入下降")
                    % {
                        "group": f"{group.parent.name}{group.name}",
                        "household": task.household.number or task.household_id,
                        "year": task.year,
                    },
                    url=reverse("livelihood:contact-task", args=[task.pk]),
                    number=task.household.number,
                    detail=task.note,
                    clock=handed,
                    clock_text=_("%(day)s交办") % {"day": f"{handed:%Y-%m-%d}"},
                )
            )
        return rows

    def count(self, *, user, today: date, cap: int) -> int:
        return contact_tasks_open(user=user).order_by()[: cap + 1].count()


def register_inbox() -> None:
    inbox.register(ContactTaskProvider())
