"""Land acquisition figures (征地): parcels and mu by the status they reached, agreements, money agreed
and paid, payments and hand-overs within a period. A parcel's status is its state now (the ledger
keeps no status history), so those figures are of the state now; payments, agreements and
hand-overs carry their dates and are counted within the period."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lianxin.land.models import Agreement, Parcel, Payment
from lianxin.land.selectors import STATUS_ORDER

from ..catalogue import SERVICE, SUM, YUAN, Drilldown, Figure, FigureScope, register

__all__ = ["parcels_reached", "register_figures"]


def _parcels(scope: FigureScope) -> QuerySet[Parcel]:
    return scope.scoped(Parcel.objects.all())


def _agreements(scope: FigureScope) -> QuerySet[Agreement]:
    return scope.scoped(Agreement.objects.all())


def _payments(scope: FigureScope) -> QuerySet[Payment]:
    return scope.scoped(Payment.objects.all())


def parcels_reached(status: str) -> Q | None:
    """Parcels that reached ``status`` or a later one (a paid parcel is also agreed and surveyed)."""
    reached = [s.value for s in STATUS_ORDER[STATUS_ORDER.index(status) :]]
    return None if len(reached) == len(STATUS_ORDER) else Q(status__in=reached)


def _parcel_drilldown(*, column: str | None = None, **params) -> Drilldown:
    return Drilldown(
        "land:parcel-list",
        params={k: v for k, v in params.items() if k not in ("handed_over_from", "handed_over_to")},
        period_params=("handed_over_from", "handed_over_to") if "handed_over_from" in params else None,
        region_param="village_group",  # takes a township or a village too: its subtree
        project_param="project",
        column=column,
        permission="land.view_parcel",
    )


def register_figures() -> None:
    land = {"line": SERVICE, "project_lookup": "project"}
    figures = []
    for order, (status, count_label, mu_label, count_def, mu_def) in enumerate(
        [
            (
                Parcel.Status.SURVEYED,
                _("测量地块"),
                _("测量面积"),
                _("登记的征地地块(均已测量)"),
                _("登记的征地地块测量面积之和"),
            ),
            (
                Parcel.Status.AGREED,
                _("已签协议地块"),
                _("已签协议面积"),
                _("状态为已签协议、已兑付或已交地的地块"),
                _("状态为已签协议、已兑付或已交地的地块面积之和"),
            ),
            (
                Parcel.Status.PAID,
                _("已兑付地块"),
                _("已兑付面积"),
                _("状态为已兑付或已交地的地块"),
                _("状态为已兑付或已交地的地块面积之和"),
            ),
            (
                Parcel.Status.HANDED_OVER,
                _("已交地地块"),
                _("已交地面积"),
                _("状态为已交地的地块"),
                _("状态为已交地的地块面积之和"),
            ),
        ]
    ):
        key = "surveyed" if status == Parcel.Status.SURVEYED else status.value
        if status == Parcel.Status.SURVEYED:
            params = {}
        elif status == Parcel.Status.HANDED_OVER:
            params = {"status": status.value}
        else:
            params = {"reached": status.value}
        condition = parcels_reached(status)
        figures += [
            Figure(
                name=f"land_{key}_parcels",
                label=count_label,
                unit=_("块"),
                definition=count_def,
                source=_parcels,
                condition=condition,
                drilldown=_parcel_drilldown(**params),
                order=100 + 2 * order,
                **land,
            ),
            Figure(
                name=f"land_{key}_mu",
                label=mu_label,
                unit=_("亩"),
                definition=mu_def,
                source=_parcels,
                condition=condition,
                measure=SUM,
                column="area_mu",
                decimals=2,
                drilldown=_parcel_drilldown(column="面积(亩)", **params),
                order=101 + 2 * order,
                **land,
            ),
        ]
    agreement_drill = {
        "url_name": "land:agreement-list",
        "region_param": "village_group",
        "project_param": "project",
        "permission": "land.view_agreement",
    }
    figures += [
        Figure(
            name="land_handed_over_in_period_mu",
            label=_("本期交地面积"),
            unit=_("亩"),
            definition=_("交地日期在统计期间内的地块面积之和"),
            source=_parcels,
            condition=Q(handover__isnull=False),
            measure=SUM,
            column="area_mu",
            decimals=2,
            period_field="handover__handed_over_on",
            drilldown=_parcel_drilldown(
                column="面积(亩)", status=Parcel.Status.HANDED_OVER.value, handed_over_from="", handed_over_to=""
            ),
            order=110,
            **land,
        ),
        Figure(
            name="land_agreements_signed",
            label=_("本期签订补偿协议"),
            unit=_("份"),
            definition=_("签订日期在统计期间内的补偿协议"),
            source=_agreements,
            period_field="signed_on",
            drilldown=Drilldown(**agreement_drill, period_params=("signed_from", "signed_to")),
            order=120,
            **land,
        ),
        Figure(
            name="land_agreements",
            label=_("补偿协议"),
            unit=_("份"),
            definition=_("已签订的补偿协议(累计)"),
            source=_agreements,
            drilldown=Drilldown(**agreement_drill),
            order=121,
            **land,
        ),
        Figure(
            name="land_money_agreed",
            label=_("协议补偿金额"),
            unit=YUAN,
            definition=_("已签订补偿协议的协议总金额之和(累计)"),
            source=_agreements,
            measure=SUM,
            column="total_amount",
            decimals=2,
            drilldown=Drilldown(**agreement_drill, column="协议总金额(元)"),
            order=122,
            **land,
        ),
        Figure(
            name="land_money_paid",
            label=_("已兑付补偿金额"),
            unit=YUAN,
            definition=_("补偿协议已兑付金额之和(累计,冲销已扣除)"),
            source=_agreements,
            measure=SUM,
            column="paid_total",
            decimals=2,
            drilldown=Drilldown(**agreement_drill, column="已兑付(元)"),
            order=123,
            **land,
        ),
        Figure(
            name="land_payments_amount",
            label=_("本期兑付金额"),
            unit=YUAN,
            definition=_("兑付日期在统计期间内的兑付记录金额之和(冲销记为负数)"),
            source=_payments,
            measure=SUM,
            column="amount",
            decimals=2,
            period_field="paid_on",
            drilldown=Drilldown(
                "land:payment-list",
                period_params=("paid_from", "paid_to"),
                region_param="village_group",
                project_param="project",
                column="金额(元)",
                permission="land.view_payment",
            ),
            order=124,
            **land,
        ),
        Figure(
            name="land_payments",
            label=_("本期兑付笔数"),
            unit=_("笔"),
            definition=_("兑付日期在统计期间内的兑付记录(含冲销)"),
            source=_payments,
            period_field="paid_on",
            drilldown=Drilldown(
                "land:payment-list",
                period_params=("paid_from", "paid_to"),
                region_param="village_group",
                project_param="project",
                permission="land.view_payment",
            ),
            order=125,
            **land,
        ),
    ]
    register(*figures)
