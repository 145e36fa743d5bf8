"""One real row in each append-only ledger (a payment, a case's history, security events), made through
the services, for the tests of the append-only guard, the checkpoint and the backup."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from lianxin.accounts.models import SecurityEvent
from lianxin.accounts.services import security_event_record
from lianxin.cases.models import CaseEvent
from lianxin.cases.tests import factories as case_factories
from lianxin.land import services as land_services
from lianxin.land.models import Payment
from lianxin.land.tests import factories as land_factories
from lianxin.livelihood import services as livelihood_services
from lianxin.livelihood.models import JobSeeker, PlacementEvent
from lianxin.party import services as party_services
from lianxin.party.models import DuesPayment, MembershipTransfer, OrganizationChange
from lianxin.party.tests import factories as party_factories


@dataclass
class LedgerRows:
    payment: Payment
    case_event: CaseEvent
    security_event: SecurityEvent
    organization_change: OrganizationChange
    membership_transfer: MembershipTransfer
    dues_payment: DuesPayment
    placement_event: PlacementEvent

    def by_table(self) -> dict:
        return {
            "land_payment": self.payment,
            "cases_caseevent": self.case_event,
            "accounts_securityevent": self.security_event,
            "party_organizationchange": self.organization_change,
            "party_membershiptransfer": self.membership_transfer,
            "party_duespayment": self.dues_payment,
            "livelihood_placementevent": self.placement_event,
        }


def ledger_rows(*, town, group, household, actor) -> LedgerRows:
    """``actor`` is a working-group member (may pay and register cases) scoped to ``town``."""
    project = land_factories.project(town)
    land_factories.township_standards(town)
    parcel = land_factories.parcel(project, group, area_mu="10")
    holding = land_factories.holding(parcel, household)
    agreement = land_factories.agreement(project, household, [holding], actor)
    payment = land_services.payment_record(
        agreement=agreement,
        amount=Decimal("1000.00"),
        paid_on=timezone.localdate() - timedelta(days=1),
        voucher_no="记-0001",
        payee_name="王小明",
        bank_account="6228480123456789012",
        actor=actor,
    )
    case = case_factories.dispute(actor, group)
    event = security_event_record(kind=SecurityEvent.Kind.LOGIN, username=actor.username, ip_address="10.0.0.9")
    party = _party_rows(town=town, group=group)
    placement_event = _placement_event(town=town, household=household, actor=actor, enterprise=project.enterprise)
    return LedgerRows(
        payment=payment,
        case_event=case.events.order_by("id").first(),
        security_event=event,
        placement_event=placement_event,
        **party,
    )


def _placement_event(*, town, household, actor, enterprise) -> PlacementEvent:
    """A job posting and a person proposed for it: the placement's first history line."""
    person = household.members.order_by("pk").first()
    today = timezone.localdate()
    livelihood_services.job_seeker_register(
        actor=actor, person=person, reason=JobSeeker.Reason.LAND_TAKEN, registered_on=today
    )
    posting = livelihood_services.posting_create(
        actor=actor,
        enterprise=enterprise,
        region=town,
        title="操作工",
        openings=1,
        wage_min=Decimal("3000"),
        wage_max=Decimal("4000"),
        starts_on=today,
        min_age=16,
        max_age=80,
    )
    placement = livelihood_services.placement_propose(actor=actor, posting=posting, person=person, on=today)
    return PlacementEvent.objects.get(placement=placement)


def _party_rows(*, town, group) -> dict:
    """A branch's founding (its history), a member's transfer between two branches, and a month's dues."""
    from lianxin.accounts.roles import Role
    from lianxin.accounts.services import user_create

    officer, _password = user_create(
        username="ledger_rows_party", full_name="党务", role=Role.PARTY_OFFICER, scope_region=town, password=None
    )
    committee = party_factories.committee(officer, town)
    first = party_factories.branch(officer, committee, group.parent, "第一党支部", groups=[group])
    second = party_factories.branch(officer, committee, group.parent, "第二党支部")
    member = party_factories.member(officer, first, group)
    yesterday = timezone.localdate() - timedelta(days=1)
    transfer = party_services.member_transfer(
        actor=officer,
        member=member,
        direction=MembershipTransfer.Direction.INTERNAL,
        on=yesterday,
        to_organization=second,
    )
    dues = party_services.dues_pay(
        actor=officer, member=member, months=[yesterday], amount_per_month=Decimal("10.00"), paid_on=yesterday
    )
    return {
        "organization_change": OrganizationChange.objects.filter(organization=first).order_by("id").first(),
        "membership_transfer": transfer,
        "dues_payment": dues[0],
    }
