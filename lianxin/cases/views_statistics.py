"""The leaders' statistics page (案件统计) with a period filter, and its .xlsx-free JSON for the charts."""

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianxin.core.forms import IsoDateInput, StyledForm
from lianxin.core.permissions import DASHBOARD_PERMISSION

from . import statistics


class PeriodForm(StyledForm):
    date_from = forms.DateField(label=_("登记日期自"), required=False, widget=IsoDateInput)
    date_to = forms.DateField(label=_("至"), required=False, widget=IsoDateInput)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("结束日期不能早于开始日期"))
        return data


def period_from(params, today: date | None = None) -> tuple[PeriodForm, statistics.Period]:
    """The period the query string asks for; the last 12 months when it names none (or names a bad one)."""
    today = today or timezone.localdate()
    default = statistics.Period.last_12_months(today)
    form = PeriodForm(params or None, initial={"date_from": default.date_from, "date_to": default.date_to})
    if not params or not form.is_valid():
        return form, default
    return form, statistics.Period(
        form.cleaned_data["date_from"] or date(2000, 1, 1), form.cleaned_data["date_to"] or today
    )


def _chart(pairs) -> dict:
    pairs = list(pairs)
    return {"labels": [label for label, _value in pairs], "values": [value for _label, value in pairs]}


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def case_statistics(request):
    today = timezone.localdate()
    form, period = period_from(request.GET, today)
    figures = statistics.case_statistics(user=request.user, period=period)
    load = statistics.handler_load(user=request.user, today=today)
    overdue = list(statistics.overdue_cases(user=request.user, today=today)[: statistics.OVERDUE_LIST_SIZE])
    return render(
        request,
        "cases/statistics.html",
        {
            "form": form,
            "period": period,
            "figures": figures,
            "load": load[:30],
            "overdue": overdue,
            "overdue_total": statistics.overdue_count(user=request.user, today=today),
            "today": today,
            "chart_kind": _chart((label, n) for _k, label, n in figures.by_kind),
            "chart_state": _chart((label, n) for _k, label, n in figures.by_state),
            "chart_month": _chart(figures.by_month),
            "chart_load": _chart((row.name, row.open) for row in load[:15]),
        },
    )
