"""Hand-over before full payment (先行交地) is a two-person act: the working group proposes it with a reason
category and text, a township leader who is not the proposer approves or rejects it, both audited; until
approval the parcel stays unhanded, and pending proposals wait in the leaders' 待办 (issue 10, item 2)."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from lianxin.accounts.roles import Role
from lianxin.core import inbox
from lianxin.core.errors import DomainError
from lianxin.land import services
from lianxin.land.models import Handover, HandoverOverride, Parcel

TODAY = timezone.localdate
Reason = HandoverOverride.Reason


@pytest.fixture
def leader(make_user, town):
    return make_user("zhen_leader", Role.TOWNSHIP_LEADER, scope_region=town)


def propose(parcel, actor, **kw):
    kw.setdefault("handed_over_on", TODAY())
    kw.setdefault("reason_category", Reason.PROJECT_URGENCY)
    kw.setdefault("reason", "县政府专题会议同意先行用地")
    return services.handover_override_propose(parcel=parcel, actor=actor, **kw)


def test_working_group_alone_cannot_hand_over_an_unpaid_parcel_whatever_the_reason(signed, working_group_member):
    _agreement, parcel = signed
    with pytest.raises(DomainError) as exc:
        services.handover_record(
            parcel=parcel, handed_over_on=TODAY(), actor=working_group_member, override_reason="随便写的理由"
        )
    assert exc.value.code == "not_paid"
    assert "镇领导批准" in exc.value.message
    assert not Handover.objects.exists()


def test_proposal_leaves_the_parcel_unhanded_until_a_leader_approves(signed, working_group_member, leader):
    _agreement, parcel = signed
    override = propose(parcel, working_group_member)
    parcel.refresh_from_db()
    assert (override.status, parcel.status) == (HandoverOverride.Status.PROPOSED, Parcel.Status.AGREED)
    assert not Handover.objects.exists()
    assert "尚未兑付完毕" in override.blockers

    services.handover_override_decide(override=override, approve=True, actor=leader, note="同意")

    override.refresh_from_db()
    parcel.refresh_from_db()
    handover = Handover.objects.get(parcel=parcel)
    assert parcel.status == Parcel.Status.HANDED_OVER
    assert handover.override == override
    assert handover.override_reason == "重点项目工期紧迫,经上级同意先行用地:县政府专题会议同意先行用地"
    assert (override.status, override.decided_by) == (HandoverOverride.Status.APPROVED, leader)
    # both acts are in the audit trail, each under its own person
    entries = LogEntry.objects.get_for_object(override).order_by("pk")
    assert [(e.action, e.actor) for e in entries] == [
        (LogEntry.Action.CREATE, working_group_member),
        (LogEntry.Action.UPDATE, leader),
    ]
    [override_entry] = [e for e in LogEntry.objects.get_for_object(parcel) if "handover_override" in e.changes]
    assert override_entry.actor == leader


def test_the_proposer_never_approves_their_own_proposal(signed, leader):
    _agreement, parcel = signed
    leader.user_permissions.add(Permission.objects.get(codename="override_handover"))
    leader = type(leader).objects.get(pk=leader.pk)  # fresh permission cache
    override = propose(parcel, leader)
    with pytest.raises(DomainError, match="提请人不能审批"):
        services.handover_override_decide(override=override, approve=True, actor=leader)
    assert not Handover.objects.exists()


def test_working_group_cannot_decide(signed, working_group_member, make_user, town):
    from django.core.exceptions import PermissionDenied

    _agreement, parcel = signed
    colleague = make_user("wg_colleague", Role.WORKING_GROUP, scope_region=town)
    override = propose(parcel, working_group_member)
    with pytest.raises(PermissionDenied):
        services.handover_override_decide(override=override, approve=True, actor=colleague)


def test_rejection_needs_a_note_and_keeps_the_parcel(signed, working_group_member, leader):
    _agreement, parcel = signed
    override = propose(parcel, working_group_member)
    with pytest.raises(DomainError) as exc:
        services.handover_override_decide(override=override, approve=False, actor=leader)
    assert exc.value.field == "note"
    services.handover_override_decide(override=override, approve=False, actor=leader, note="先把款付清")
    override.refresh_from_db()
    assert override.status == HandoverOverride.Status.REJECTED
    assert not Handover.objects.exists()
    # a new proposal may follow a rejected one, but never two pending at once
    again = propose(parcel, working_group_member, reason_category=Reason.FUNDS_IN_TRANSIT, reason="款已拨付")
    with pytest.raises(DomainError, match="待镇领导审批"):
        propose(parcel, working_group_member)
    assert again.status == HandoverOverride.Status.PROPOSED


def test_a_proposal_needs_a_category_and_a_reason(signed, working_group_member):
    _agreement, parcel = signed
    with pytest.raises(DomainError) as exc:
        propose(parcel, working_group_member, reason_category="whatever")
    assert exc.value.field == "reason_category"
    with pytest.raises(DomainError) as exc:
        propose(parcel, working_group_member, reason="  ")
    assert exc.value.field == "reason"


def test_pending_proposals_wait_in_the_leaders_inbox_only(signed, working_group_member, leader, village_a_clerk):
    _agreement, parcel = signed
    assert inbox.inbox_badge(leader) == ""
    propose(parcel, working_group_member)
    sections = {s.key: s for s in inbox.sections(user=leader)}
    assert [row.number for row in sections["land.handover_overrides"].rows] == [parcel.code]
    assert inbox.inbox_badge(leader) == "1"
    assert "land.handover_overrides" not in {s.key for s in inbox.sections(user=working_group_member)}
    assert "land.handover_overrides" not in {s.key for s in inbox.sections(user=village_a_clerk)}


def test_pages_propose_and_approve(signed, working_group_member, leader, login_as):
    _agreement, parcel = signed
    workgroup = login_as(working_group_member)
    detail = reverse("land:parcel-detail", args=[parcel.pk])
    assert 'data-testid="override-form"' in workgroup.get(detail).content.decode()
    response = workgroup.post(
        reverse("land:handover-override-propose", args=[parcel.pk]),
        {"handed_over_on": TODAY().isoformat(), "reason_category": Reason.PAYEE_UNAVAILABLE, "reason": "户主外出务工"},
    )
    assert response.status_code == 302
    override = HandoverOverride.objects.get()
    # the proposer cannot decide; the leader sees the decision form on the parcel and in the inbox
    decide = reverse("land:handover-override-decide", args=[override.pk])
    assert workgroup.post(decide, {"decision": "approve"}).status_code == 403
    chief = login_as(leader)
    assert 'data-testid="override-decision"' in chief.get(detail).content.decode()
    assert parcel.code in chief.get(reverse("core:inbox")).content.decode()
    home = chief.get(reverse("reports:home")).content.decode()
    assert parcel.code in home.split('data-testid="home-inbox"')[1]  # and on the leader's home page
    assert chief.post(decide, {"decision": "approve", "note": ""}).status_code == 302
    parcel.refresh_from_db()
    assert parcel.status == Parcel.Status.HANDED_OVER


def test_propose_and_decide_by_api(signed, working_group_member, leader, bearer, client):
    _agreement, parcel = signed
    body = {"handed_over_on": TODAY().isoformat(), "reason_category": "funds_in_transit", "reason": "款已拨付"}
    proposed = client.post(
        f"/api/land/parcels/{parcel.pk}/handover-overrides",
        body,
        content_type="application/json",
        headers=bearer(working_group_member),
    )
    assert proposed.status_code == 201, proposed.content
    decision = client.post(
        f"/api/land/handover-overrides/{proposed.json()['id']}/decision",
        {"approve": True},
        content_type="application/json",
        headers=bearer(leader),
    )
    assert decision.json()["status"] == "approved"
    parcel.refresh_from_db()
    assert parcel.status == Parcel.Status.HANDED_OVER
