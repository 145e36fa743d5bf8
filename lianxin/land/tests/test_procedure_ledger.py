"""The procedure page's steps reflect the ledger: step 10 交付用地 shows progress once parcels are handed over,
step 9 补偿兑付 the payments, step 6 签订补偿协议 the agreements (issue 10, item 12)."""

from django.urls import reverse
from django.utils import timezone

from lianxin.land import selectors, services
from lianxin.land.models import ProcedureMilestone

from . import factories

Step = ProcedureMilestone.Step


def _row(status, step):
    return next(row for row in status["rows"] if row.step == step)


def test_handover_step_shows_the_parcels_handed_over(signed, land_project, group_a1, household_b, working_group_member):
    agreement, parcel = signed
    factories.holding(factories.parcel(land_project, group_a1, area_mu="3"), household_b)  # not yet agreed
    status = selectors.procedure_status(project=land_project)
    assert _row(status, Step.HANDOVER).ledger_state == ""
    services.payment_record(
        agreement=agreement,
        amount=agreement.total_amount,
        paid_on=timezone.localdate(),
        voucher_no="记-1",
        payee_name="王小明",
        actor=working_group_member,
    )
    services.handover_record(parcel=parcel, handed_over_on=timezone.localdate(), actor=working_group_member)

    status = selectors.procedure_status(project=land_project)
    handover = _row(status, Step.HANDOVER)
    assert (handover.ledger, handover.ledger_state, handover.done) == ("已交地 1/2 块", "in_progress", False)
    payment = _row(status, Step.PAYMENT)
    assert payment.ledger == "兑付完毕协议 1/1 份,已兑付 550,000.00 / 550,000.00 元"
    assert payment.ledger_state == "done"
    assert _row(status, Step.AGREEMENTS).ledger == "已签协议地块 1/2 块"


def test_procedure_page_no_longer_says_not_started(signed, land_project, working_group_member, login_as):
    agreement, parcel = signed
    services.handover_override_propose(
        parcel=parcel,
        handed_over_on=timezone.localdate(),
        reason_category="project_urgency",
        reason="专题会议",
        actor=working_group_member,
    )
    html = login_as(working_group_member).get(reverse("land:procedure", args=[land_project.pk])).content.decode()
    cell = html.split('data-testid="step-agreements"')[1].split("</td>")[0]
    assert "进行中" in cell or "已完成" in cell
    assert "已签协议地块 1/1 块" in cell
    handover = html.split('data-testid="step-handover"')[1].split("</td>")[0]
    assert "未开始" in handover  # proposed, not approved: nothing handed over yet
