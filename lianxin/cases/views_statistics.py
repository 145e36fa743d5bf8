"""The leaders' statistics page (案件统计) with a period filter, and its .xlsx-free JSON for the charts."""

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianxin.core.forms import FilterForm, IsoDateInput
from lianxin.core.permissions import DASHBOARD_PERMISSION

from . import statistics


class PeriodForm(FilterForm):
    """The statistics period: cases registered from ``date_from`` to ``date_to`` (both included)."""

    date_from = forms.DateField(label=_("登记日期自"), required=False, widget=IsoDateInput)
    date_to = forms.DateField(label=_("至"), required=False, widget=IsoDateInput)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("结束日期不能早于开始日期"))
        return data


def period_from(params, today: date | None = None) -> tuple[PeriodForm, statistics.Period]:
    """The period the query string asks for. Unknown parameters are ignored; a missing or bad date falls back
    to the rolling year (近一年) ending at the other date, or today; a bad date is named on the form."""
    today = today or timezone.localdate()
    form = PeriodForm({key: params[key] for key in ("date_from", "date_to") if key in params})
    values = form.values
    if form.errors.get("date_to") and values.get("date_to") is None and values.get("date_from") is not None:
        values["date_from"] = None  # the pair was inconsistent: keep neither
    date_to = values["date_to"] or today
    default = statistics.Period.last_12_months(date_to)
    period = statistics.Period(values["date_from"] or default.date_from, date_to)
    if not form.is_bound or not any(params.get(k) for k in ("date_from", "date_to")):
        form = PeriodForm({"date_from": period.date_from.isoformat(), "date_to": period.date_to.isoformat()})
    return form, period


def _chart(pairs) -> dict:
    pairs = list(pairs)
    return {"labels": [label for label, _value in pairs], "values": [value for _label, value in pairs]}


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def case_statistics(request):
    today = timezone.localdate()
    form, period = period_from(request.GET, today)
    figures = statistics.case_statistics(user=request.user, period=period, today=today)
    load = statistics.handler_load(user=request.user, today=today, period=period)
    can_list = statistics.can_list_overdue(request.user)
    overdue = (
        list(statistics.overdue_cases(user=request.user, today=today, period=period)[: statistics.OVERDUE_LIST_SIZE])
        if can_list
        else []
    )
    return render(
        request,
        "cases/statistics.html",
        {
            "form": form,
            "period": period,
            "figures": figures,
            "load": load[:30],
            "overdue": overdue,
            "overdue_total": figures.overdue,
            "can_list_overdue": can_list,
            "today": today,
            "chart_kind": _chart((label, n) for _k, label, n in figures.by_kind),
            "chart_state": _chart((label, n) for _k, label, n in figures.by_state),
            "chart_month": _chart(figures.by_month),
            "chart_load": _chart((row.name, row.open) for row in load[:15]),
        },
    )
