"""The home page's own part for every role (issue 10, item 18): what waits in the user's 待办 and a few key
counts within their scope, until the reports issue builds dashboards. Counts only, each one indexed query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.core import inbox


@dataclass
class KeyCount:
    key: str
    label: str
    value: int
    url: str = ""
    alert: bool = False


def _case_counts(user, today: date) -> list[KeyCount]:
    from lianxin.cases.inbox import awaiting_rating, intake_kinds, intake_queue
    from lianxin.cases.models import OPEN_STATES, overdue_filter
    from lianxin.cases.selectors import case_visible_to

    if not user.has_perm("cases.view_case"):
        return []
    cases_url = reverse("cases:case-list")
    visible = case_visible_to(user).filter(state__in=OPEN_STATES)
    counts = []
    if user.has_perm("cases.submit_enterprise_request"):
        counts.append(KeyCount("requests_open", _("本企业在办诉求"), visible.count(), cases_url))
        rating = awaiting_rating(user=user).count()
        counts.append(KeyCount("awaiting_rating", _("待评价"), rating, reverse("core:inbox"), alert=bool(rating)))
        return counts
    if user.has_perm("cases.handle_case"):
        mine = visible.filter(assignee_id=user.pk)
        counts.append(KeyCount("mine_open", _("我承办的在办案件"), mine.count(), f"{cases_url}?assignee={user.pk}"))
        late = mine.filter(overdue_filter(today)).count()
        counts.append(
            KeyCount("mine_overdue", _("其中超期"), late, f"{cases_url}?assignee={user.pk}&overdue=1", alert=bool(late))
        )
        if intake_kinds(user):
            waiting = intake_queue(user=user).count()
            counts.append(KeyCount("intake", _("待受理"), waiting, reverse("core:inbox"), alert=bool(waiting)))
        return counts
    counts.append(KeyCount("open", _("辖区在办案件"), visible.count(), cases_url))
    late = visible.filter(overdue_filter(today)).count()
    counts.append(KeyCount("overdue", _("超期案件"), late, f"{cases_url}?overdue=1", alert=bool(late)))
    return counts


def _land_counts(user) -> list[KeyCount]:
    from lianxin.land.inbox import pending_overrides
    from lianxin.land.models import Parcel
    from lianxin.land.selectors import parcel_list

    if not user.has_perm("land.view_parcel"):
        return []
    parcels = parcel_list(user=user).order_by()
    counts = [
        KeyCount("parcels", _("征地地块"), parcels.count(), reverse("land:parcel-list")),
        KeyCount(
            "handed_over",
            _("已交地"),
            parcels.filter(status=Parcel.Status.HANDED_OVER).count(),
            f"{reverse('land:parcel-list')}?status=handed_over",
        ),
    ]
    if user.has_perm("land.decide_handoveroverride"):
        pending = pending_overrides(user=user).count()
        counts.append(KeyCount("overrides", _("先行交地待审批"), pending, reverse("core:inbox"), alert=bool(pending)))
    return counts


def _account_counts(user) -> list[KeyCount]:
    from lianxin.accounts.selectors import user_list

    if not user.has_perm("accounts.view_user"):
        return []
    users = user_list(user=user).filter(is_active=True)
    url = reverse("accounts:user-list")
    return [
        KeyCount("users", _("在用账号"), users.count(), url),
        KeyCount("first_login", _("尚未修改初始密码"), users.filter(must_change_password=True).count(), url),
    ]


def home_work(*, user, today: date | None = None) -> dict:
    """The user's 待办 sections that hold something (a few rows each) and their key counts."""
    today = today or timezone.localdate()
    sections = [s for s in inbox.sections(user=user, today=today, limit=inbox.HOME_ROWS) if s.count]
    return {
        "has_inbox": inbox.has_inbox(user),
        "sections": sections,
        "counts": _case_counts(user, today) + _land_counts(user) + _account_counts(user),
    }
