"""Writes of the land acquisition ledger (征地台账). Every change goes through here, atomically and audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from auditlog.models import LogEntry
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.core import crypto, formats
from lianxin.core.audit import acting_as
from lianxin.core.errors import DomainError
from lianxin.core.household_changes import households_changed
from lianxin.core.permissions import require_perm
from lianxin.enterprises.models import Project
from lianxin.people.models import Household
from lianxin.regions.models import Region

from .models import (
    Agreement,
    AgreementAttachment,
    AgreementItem,
    BankAccountRestriction,
    Compensation,
    CompensationStandard,
    ContractHolding,
    ContractRight,
    Handover,
    HandoverOverride,
    LandClass,
    Parcel,
    Payment,
    ProcedureMilestone,
    SupplementaryAgreement,
    Unit,
)

CENT = Decimal("0.01")
AREA_STEP = Decimal("0.0001")
BANK_ACCOUNT_PURPOSE = "land.payment.bank_account"
# Per-mu items computed for every parcel share, in agreement order; land compensation is mandatory.
PER_MU_ITEMS = [
    Compensation.LAND_COMPENSATION,
    Compensation.RESETTLEMENT_SUBSIDY,
    Compensation.YOUNG_CROPS,
    Compensation.SOCIAL_SECURITY,
]


def _save(instance, actor):
    instance.full_clean()
    with transaction.atomic(), acting_as(actor):
        instance.save()
    return instance


def money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# --- parcels and holders -------------------------------------------------------------------------


def _check_village_group(region: Region, field_name: str = "village_group") -> None:
    if region.level != Region.Level.VILLAGE_GROUP:
        raise DomainError(_("%(name)s不是村民小组,地块须落在村民小组") % {"name": region}, field=field_name)


def parcel_register(
    *,
    project: Project,
    village_group: Region,
    code: str,
    land_class: LandClass,
    area_mu: Decimal,
    surveyed_on: date | None = None,
    geometry: dict | None = None,
    computed_area_mu: Decimal | None = None,
    note: str = "",
    attributes: dict | None = None,
    actor=None,
) -> Parcel:
    """Register a surveyed parcel (地块); its code is unique within the project and its area positive."""
    _check_village_group(village_group)
    code = code.strip()
    if Parcel.objects.filter(project=project, code=code).exists():
        raise DomainError(_("地块编号%(code)s在本项目中已存在") % {"code": code}, field="code", code="duplicate")
    if area_mu is None or area_mu <= 0:
        raise DomainError(_("测量面积必须大于0亩"), field="area_mu")
    parcel = Parcel(
        project=project,
        village_group=village_group,
        code=code,
        land_class=land_class,
        area_mu=area_mu,
        surveyed_on=surveyed_on or timezone.localdate(),
        geometry=geometry,
        computed_area_mu=computed_area_mu,
        note=note,
        attributes=attributes,
    )
    return _save(parcel, actor)


def parcel_update(*, parcel: Parcel, actor=None, **fields) -> Parcel:
    """Correct a parcel's survey data; a parcel already under agreement keeps its area and class (协议已冻结)."""
    if "village_group" in fields:
        _check_village_group(fields["village_group"])
    frozen = {"area_mu", "land_class", "village_group"}
    if parcel.holdings.filter(agreement__isnull=False).exists():
        for name in frozen & set(fields):
            if getattr(parcel, name) != fields[name]:
                raise DomainError(_("地块已签订补偿协议,不能再修改面积、地类或所属小组"), field=name)
    if "code" in fields:
        fields["code"] = fields["code"].strip()
        if Parcel.objects.filter(project=parcel.project, code=fields["code"]).exclude(pk=parcel.pk).exists():
            raise DomainError(_("地块编号%(code)s在本项目中已存在") % {"code": fields["code"]}, field="code")
    for name, value in fields.items():
        setattr(parcel, name, value)
    return _save(parcel, actor)


def holding_add(
    *, parcel: Parcel, household: Household, share_percent: Decimal, contract_right_ref: str = "", actor=None
) -> ContractHolding:
    """Record a household's contract right on a parcel (承包户); shares of a parcel add up to at most 100%."""
    if parcel.status == Parcel.Status.HANDED_OVER:
        raise DomainError(_("地块已交地,不能再增加承包户"), field="household")
    if ContractHolding.objects.filter(parcel=parcel, household=household).exists():
        raise DomainError(_("该户已是此地块的承包户"), field="household", code="duplicate")
    if share_percent is None or share_percent <= 0 or share_percent > 100:
        raise DomainError(_("份额应大于0且不超过100%"), field="share_percent")
    taken = parcel.holdings.aggregate(s=Sum("share_percent"))["s"] or Decimal("0")
    if taken + share_percent > 100:
        raise DomainError(
            _("地块%(code)s的承包份额合计将超过100%%(已有%(taken)s%%)") % {"code": parcel.code, "taken": taken},
            field="share_percent",
        )
    holding = ContractHolding(
        parcel=parcel, household=household, share_percent=share_percent, contract_right_ref=contract_right_ref.strip()
    )
    with transaction.atomic():
        _save(holding, actor)
        parcel_status_refresh(parcels=[parcel], actor=actor)
    return holding


def contract_right_set(
    *, household: Household, contracted_area_mu: Decimal, certificate_no: str = "", actor=None
) -> ContractRight:
    """Record a household's total contracted land (承包面积), used for remaining and per-capita land."""
    if contracted_area_mu is None or contracted_area_mu < 0:
        raise DomainError(_("承包面积不能为负数"), field="contracted_area_mu")
    right = ContractRight.objects.filter(household=household).first() or ContractRight(household=household)
    right.contracted_area_mu, right.certificate_no = contracted_area_mu, certificate_no.strip()
    with transaction.atomic():
        _save(right, actor)
        households_changed([household.pk])
    return right


def _parcel_target_status(parcel: Parcel) -> str:
    if Handover.objects.filter(parcel=parcel).exists():
        return Parcel.Status.HANDED_OVER
    holdings = list(parcel.holdings.select_related("agreement"))
    if not holdings or any(h.agreement_id is None for h in holdings):
        return Parcel.Status.SURVEYED
    if all(h.agreement.is_fully_paid for h in holdings):
        return Parcel.Status.PAID
    return Parcel.Status.AGREED


def parcel_status_refresh(*, parcels, actor=None) -> None:
    """Bring parcels' status in line with their holders' agreements and payments, and any hand-over."""
    with transaction.atomic(), acting_as(actor):
        for parcel in parcels:
            target = _parcel_target_status(parcel)
            if parcel.status != target:
                parcel.status = target
                parcel.save(update_fields=["status", "updated_at"])


# --- compensation standards ----------------------------------------------------------------------


def standard_create(
    *,
    region: Region,
    item: str,
    unit: str,
    unit_price: Decimal,
    effective_from: date,
    effective_to: date | None = None,
    land_class: LandClass | None = None,
    basis: str = "",
    actor=None,
) -> CompensationStandard:
    """Add a unit price (补偿标准) for a township or village; ranges of the same key may not overlap."""
    if region.level not in (Region.Level.TOWNSHIP, Region.Level.VILLAGE):
        raise DomainError(_("补偿标准的适用区域应为镇或村委会"), field="region")
    standard = CompensationStandard(
        region=region,
        land_class=land_class,
        item=item,
        unit=unit,
        unit_price=unit_price,
        effective_from=effective_from,
        effective_to=effective_to,
        basis=basis.strip(),
    )
    _check_standard(standard)
    return _save(standard, actor)


def standard_end(*, standard: CompensationStandard, effective_to: date, actor=None) -> CompensationStandard:
    """End a standard's range (e.g. before a new one starts). Signed agreements keep their frozen prices."""
    if effective_to < standard.effective_from:
        raise DomainError(_("失效日期不能早于生效日期"), field="effective_to")
    standard.effective_to = effective_to
    _check_standard(standard)
    return _save(standard, actor)


def _check_standard(standard: CompensationStandard) -> None:
    if standard.effective_to and standard.effective_to < standard.effective_from:
        raise DomainError(_("失效日期不能早于生效日期"), field="effective_to")
    if standard.item != Compensation.ATTACHMENT and standard.unit != Unit.MU:
        raise DomainError(_("除地上附着物外,补偿标准按亩计"), field="unit")
    if standard.item == Compensation.ATTACHMENT and standard.land_class_id:
        raise DomainError(_("地上附着物标准不分地类"), field="land_class")
    same_key = CompensationStandard.objects.filter(
        region=standard.region, land_class=standard.land_class, item=standard.item, unit=standard.unit
    ).exclude(pk=standard.pk)
    # Two ranges [a, b] and [c, d] overlap when a <= d and c <= b (an open end is +infinity).
    overlapping = same_key.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=standard.effective_from))
    if standard.effective_to:
        overlapping = overlapping.filter(effective_from__lte=standard.effective_to)
    clash = overlapping.order_by("effective_from").first()
    if clash:
        raise DomainError(
            _("与已有标准的有效期重叠(%(start)s起,%(end)s),请先设置原标准的失效日期")
            % {"start": clash.effective_from, "end": clash.effective_to or _("长期有效")},
            field="effective_from",
            code="overlap",
        )


class StandardFinder:
    """Finds the standard in force on a date for a village group: the nearest region first (village before
    township), a class-specific standard before one for all classes. Caches per key for big agreements."""

    def __init__(self, on: date) -> None:
        self.on = on
        self._cache: dict[tuple, CompensationStandard | None] = {}

    def find(
        self, *, village_group: Region, item: str, unit: str = Unit.MU, land_class: LandClass | None = None
    ) -> CompensationStandard | None:
        key = (village_group.pk, item, unit, land_class.pk if land_class else None)
        if key not in self._cache:
            ancestors = [int(pk) for pk in village_group.path.strip("/").split("/") if pk]
            candidates = (
                CompensationStandard.objects.filter(
                    region_id__in=ancestors, item=item, unit=unit, effective_from__lte=self.on
                )
                .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=self.on))
                .filter(Q(land_class__isnull=True) | Q(land_class=land_class))
                .select_related("region")
            )
            ranked = sorted(
                candidates,
                key=lambda s: (-ancestors.index(s.region_id), s.land_class_id is None),
            )
            self._cache[key] = ranked[0] if ranked else None
        return self._cache[key]


def standard_in_force(
    *, village_group: Region, item: str, on: date, unit: str = Unit.MU, land_class: LandClass | None = None
) -> CompensationStandard | None:
    """The standard in force on ``on`` for a village group (按签订日期适用的补偿标准)."""
    return StandardFinder(on).find(village_group=village_group, item=item, unit=unit, land_class=land_class)


# --- agreements ----------------------------------------------------------------------------------


@dataclass
class AttachmentCount:
    """Counted ground attachments (地上附着物): so many trees, graves, m² of structures."""

    unit: str
    quantity: Decimal
    label: str = ""


@dataclass
class Quote:
    items: list[AgreementItem] = field(default_factory=list)
    items_total: Decimal = Decimal("0.00")
    area_mu: Decimal = Decimal("0")


def agreement_quote(
    *,
    household: Household,
    holdings: list[ContractHolding],
    signed_on: date,
    attachments: list[AttachmentCount] = (),
    finder: StandardFinder | None = None,
) -> Quote:
    """Compute an agreement's items from the standards in force on ``signed_on`` (unsaved, for preview and create).

    ``finder`` may be shared by many quotes of the same date (bulk loads)."""
    if not holdings:
        raise DomainError(_("请至少选择一个地块"), field="holdings")
    finder = finder or StandardFinder(signed_on)
    quote = Quote()
    for holding in holdings:
        parcel = holding.parcel
        quantity = (parcel.area_mu * holding.share_percent / 100).quantize(AREA_STEP, rounding=ROUND_HALF_UP)
        quote.area_mu += quantity
        for item in PER_MU_ITEMS:
            standard = finder.find(village_group=parcel.village_group, item=item, land_class=parcel.land_class)
            if standard is None:
                if item == Compensation.LAND_COMPENSATION:
                    raise DomainError(
                        _("地块%(code)s(%(cls)s)在%(day)s没有有效的土地补偿费标准,请先录入补偿标准")
                        % {"code": parcel.code, "cls": parcel.land_class.name, "day": signed_on},
                        field="signed_on",
                        code="no_standard",
                    )
                continue
            quote.items.append(
                AgreementItem(
                    parcel=parcel,
                    item=item,
                    label=f"{parcel.code} {parcel.land_class.name}",
                    unit=Unit.MU,
                    quantity=quantity,
                    unit_price=standard.unit_price,
                    amount=money(quantity * standard.unit_price),
                    standard=standard,
                )
            )
    group = household.village_group
    for count in attachments:
        if count.quantity is None or count.quantity <= 0:
            continue
        standard = finder.find(village_group=group, item=Compensation.ATTACHMENT, unit=count.unit)
        if standard is None:
            raise DomainError(
                _("%(day)s没有有效的地上附着物(按%(unit)s计)补偿标准")
                % {"day": signed_on, "unit": Unit(count.unit).label},
                field="attachments",
                code="no_standard",
            )
        quote.items.append(
            AgreementItem(
                item=Compensation.ATTACHMENT,
                label=count.label or Unit(count.unit).label,
                unit=count.unit,
                quantity=count.quantity,
                unit_price=standard.unit_price,
                amount=money(count.quantity * standard.unit_price),
                standard=standard,
            )
        )
    quote.items_total = money(sum((i.amount for i in quote.items), Decimal("0")))
    return quote


def _next_agreement_number(project: Project, signed_on: date) -> str:
    prefix = f"ZD{project.pk}-{signed_on:%Y}-"
    n = Agreement.objects.filter(number__startswith=prefix).count() + 1
    while Agreement.objects.filter(number=f"{prefix}{n:05d}").exists():
        n += 1
    return f"{prefix}{n:05d}"


def agreement_create(
    *,
    project: Project,
    household: Household,
    holdings: list[ContractHolding],
    signed_on: date,
    number: str = "",
    attachments: list[AttachmentCount] = (),
    supplement_amount: Decimal = Decimal("0"),
    supplement_reason: str = "",
    actor,
    finder: StandardFinder | None = None,
) -> Agreement:
    """Sign a compensation agreement (补偿协议) with a household for its shares of parcels.

    Items are frozen copies of the standards in force on the signing date; each holding may be under one
    agreement only; a negotiated supplement needs its reason. ``finder``: a StandardFinder for
    ``signed_on`` shared by many agreements of a bulk load (the compensation roster).
    """
    require_perm(actor, "land.add_agreement")
    if signed_on > timezone.localdate():
        raise DomainError(_("签订日期不能晚于今天"), field="signed_on")
    supplement_amount = money(supplement_amount or 0)
    supplement_reason = (supplement_reason or "").strip()
    if supplement_amount < 0:
        raise DomainError(_("协商补充金额不能为负数"), field="supplement_amount")
    if supplement_amount > 0 and not supplement_reason:
        raise DomainError(_("有协商补充金额时必须填写理由"), field="supplement_reason")
    number = (number or "").strip() or _next_agreement_number(project, signed_on)
    if Agreement.objects.filter(number=number).exists():
        raise DomainError(_("协议编号%(number)s已存在") % {"number": number}, field="number", code="duplicate")
    with transaction.atomic(), acting_as(actor):
        ids = [h.pk for h in holdings]
        locked = list(
            ContractHolding.objects.select_for_update()
            .filter(pk__in=ids)
            .select_related("parcel__land_class", "parcel__village_group", "parcel__project")
            .order_by("pk")
        )
        if len(locked) != len(set(ids)):
            raise DomainError(_("所选地块份额不存在"), field="holdings")
        for holding in locked:
            if holding.household_id != household.pk:
                raise DomainError(_("地块%(code)s不是该户承包的地块") % {"code": holding.parcel.code}, field="holdings")
            if holding.parcel.project_id != project.pk:
                raise DomainError(
                    _("地块%(code)s不属于项目%(project)s") % {"code": holding.parcel.code, "project": project},
                    field="holdings",
                )
            if holding.agreement_id:
                raise DomainError(
                    _("该户在地块%(code)s的份额已签订协议") % {"code": holding.parcel.code}, field="holdings"
                )
            if holding.parcel.status == Parcel.Status.HANDED_OVER:
                raise DomainError(_("地块%(code)s已交地") % {"code": holding.parcel.code}, field="holdings")
        if finder is not None and finder.on != signed_on:
            finder = None
        quote = agreement_quote(
            household=household, holdings=locked, signed_on=signed_on, attachments=attachments, finder=finder
        )
        agreement = Agreement(
            project=project,
            household=household,
            village_group=household.village_group,
            number=number,
            signed_on=signed_on,
            items_total=quote.items_total,
            supplement_amount=supplement_amount,
            supplement_reason=supplement_reason,
            total_amount=quote.items_total + supplement_amount,
            signed_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        agreement.full_clean()
        agreement.save()
        for item in quote.items:
            item.agreement = agreement
        AgreementItem.objects.bulk_create(quote.items)
        for holding in locked:
            holding.agreement = agreement
            holding.save(update_fields=["agreement", "updated_at"])
        parcel_status_refresh(parcels=[h.parcel for h in locked], actor=actor)
        households_changed([household.pk])  # the landless-farmer register decides this household again
    return agreement


def supplementary_agreement_add(
    *, agreement: Agreement, number: str, signed_on: date, amount: Decimal, reason: str, actor
) -> SupplementaryAgreement:
    """A supplementary agreement (补充协议) raises the agreed total by ``amount``, with its reason."""
    require_perm(actor, "land.add_supplementaryagreement")
    amount = money(amount or 0)
    if amount <= 0:
        raise DomainError(_("补充协议增加金额必须大于0"), field="amount")
    if not (reason or "").strip():
        raise DomainError(_("请填写补充协议的理由"), field="reason")
    if signed_on < agreement.signed_on:
        raise DomainError(_("补充协议签订日期不能早于原协议"), field="signed_on")
    number = number.strip()
    if SupplementaryAgreement.objects.filter(number=number).exists():
        raise DomainError(_("补充协议编号%(number)s已存在") % {"number": number}, field="number")
    with transaction.atomic(), acting_as(actor):
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        supplement = SupplementaryAgreement(
            agreement=locked, number=number, signed_on=signed_on, amount=amount, reason=reason.strip()
        )
        supplement.full_clean()
        supplement.save()
        locked.supplementary_total += amount
        locked.total_amount += amount
        locked.fully_paid_on = None
        locked.save(update_fields=["supplementary_total", "total_amount", "fully_paid_on", "updated_at"])
        _refresh_agreement_parcels(locked, actor)
    agreement.refresh_from_db()
    return supplement


def _refresh_agreement_parcels(agreement: Agreement, actor) -> None:
    parcels = Parcel.objects.filter(holdings__agreement=agreement).distinct()
    parcel_status_refresh(parcels=list(parcels), actor=actor)


# --- payments ------------------------------------------------------------------------------------


def mask_bank_account(number: str) -> str:
    """First 4 and last 4 digits visible: 6228****1234."""
    if len(number) <= 8:
        return "*" * max(len(number) - 4, 0) + number[-4:]
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}"


def _bank_account(value: str) -> str:
    number = "".join(ch for ch in (value or "") if not ch.isspace())
    if number and (not number.isdigit() or not 8 <= len(number) <= 30):
        raise DomainError(_("银行账号应为8至30位数字"), field="bank_account")
    return number


def _household_head_name(household: Household) -> str:
    head = household.members.filter(relation="head").only("name").first()
    return head.name if head else ""


def payment_record(
    *,
    agreement: Agreement,
    amount: Decimal,
    paid_on: date,
    voucher_no: str,
    actor,
    payee_name: str = "",
    bank_account: str = "",
) -> Payment:
    """Append a payment (兑付) to an agreement. The total paid never exceeds the agreed total (raise it with a
    supplementary agreement); the payee defaults to the household head; the bank account is stored encrypted."""
    require_perm(actor, "land.add_payment")
    amount = money(amount or 0)
    if amount <= 0:
        raise DomainError(_("兑付金额必须大于0"), field="amount")
    if paid_on > timezone.localdate():
        raise DomainError(_("兑付日期不能晚于今天"), field="paid_on")
    if paid_on < agreement.signed_on:
        raise DomainError(_("兑付日期不能早于协议签订日期"), field="paid_on")
    voucher_no = (voucher_no or "").strip()
    if not voucher_no:
        raise DomainError(_("请填写凭证号"), field="voucher_no")
    account = _bank_account(bank_account)
    with transaction.atomic(), acting_as(actor):
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        _check_voucher_free(locked.project_id, voucher_no)
        if locked.paid_total + amount > locked.total_amount:
            raise DomainError(
                _("兑付后累计%(after)s元将超过协议总金额%(total)s元(尚未兑付%(balance)s元);如需增加请先签订补充协议")
                % {
                    "after": formats.money(locked.paid_total + amount),
                    "total": formats.money(locked.total_amount),
                    "balance": formats.money(locked.balance),
                },
                field="amount",
                code="over_payment",
            )
        payee = (payee_name or "").strip() or _household_head_name(locked.household)
        if not payee:
            raise DomainError(_("请填写收款人(该户未登记户主)"), field="payee_name")
        payment = Payment(
            agreement=locked,
            project_id=locked.project_id,
            village_group_id=locked.village_group_id,
            amount=amount,
            paid_on=paid_on,
            voucher_no=voucher_no,
            payee_name=payee,
            bank_account_ciphertext=crypto.encrypt(account, purpose=BANK_ACCOUNT_PURPOSE) if account else None,
            bank_account_masked=mask_bank_account(account) if account else "",
            recorded_by=actor,
        )
        payment.full_clean(validate_constraints=False)  # the voucher rule is checked above, in Chinese
        try:
            with transaction.atomic():
                payment.save(force_insert=True)
        except IntegrityError:  # a concurrent payment took the voucher number between the check and the insert
            _check_voucher_free(locked.project_id, voucher_no)
            raise
        _apply_payment(locked, amount, paid_on, actor)
    agreement.refresh_from_db()
    return payment


def _check_voucher_free(project_id: int, voucher_no: str) -> None:
    """A voucher number is used once per project (凭证号在项目内唯一); a reversal references the original."""
    taken = (
        Payment.objects.filter(project_id=project_id, voucher_no=voucher_no, reverses__isnull=True)
        .select_related("agreement")
        .first()
    )
    if taken is not None:
        raise DomainError(
            _("凭证号%(voucher)s在本项目中已使用(协议%(number)s,%(day)s兑付%(amount)s元);更正请冲销原兑付记录")
            % {
                "voucher": voucher_no,
                "number": taken.agreement.number,
                "day": f"{taken.paid_on:%Y-%m-%d}",
                "amount": formats.money(taken.amount),
            },
            field="voucher_no",
            code="duplicate_voucher",
        )


def payment_reverse(
    *, payment: Payment, reason: str, actor, reversed_on: date | None = None, check_permission: bool = True
) -> Payment:
    """Correct a payment by a reversal entry (冲销) of the opposite amount; a payment is reversed at most once.

    ``check_permission=False`` only for undoing an import batch, which has its own (administrator) permission."""
    if check_permission:
        require_perm(actor, "land.add_payment")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写冲销理由"), field="reason")
    if payment.is_reversal:
        raise DomainError(_("冲销记录不能再冲销"), field="reason", code="reversal_of_reversal")
    reversed_on = reversed_on or timezone.localdate()
    with transaction.atomic(), acting_as(actor):
        locked = Agreement.objects.select_for_update().get(pk=payment.agreement_id)
        if Payment.objects.filter(reverses=payment).exists():
            raise DomainError(_("该笔兑付已冲销"), field="reason", code="already_reversed")
        reversal = Payment(
            agreement=locked,
            project_id=payment.project_id,
            village_group_id=payment.village_group_id,
            amount=-payment.amount,
            paid_on=reversed_on,
            voucher_no="",  # a reversal references the original (``reverses``), it does not reuse its number
            payee_name=payment.payee_name,
            bank_account_ciphertext=payment.bank_account_ciphertext,
            bank_account_masked=payment.bank_account_masked,
            reverses=payment,
            reason=reason,
            recorded_by=actor,
        )
        reversal.full_clean(validate_unique=False)
        reversal.save(force_insert=True)
        _apply_payment(locked, -payment.amount, reversed_on, actor)
    return reversal


def payment_update(*, payment: Payment, actor=None, **fields) -> None:
    """Payments are append-only (兑付记录只能追加): a change is always refused; record a reversal instead."""
    raise DomainError(_("兑付记录只能追加,不能修改;更正请录入冲销"), code="append_only")


def payment_delete(*, payment: Payment, actor=None) -> None:
    """Payments are append-only: deleting is always refused; record a reversal instead."""
    raise DomainError(_("兑付记录只能追加,不能删除;更正请录入冲销"), code="append_only")


def _apply_payment(agreement: Agreement, amount: Decimal, on: date, actor) -> None:
    was_paid = agreement.is_fully_paid
    agreement.paid_total += amount
    if agreement.paid_total < 0:
        raise DomainError(_("冲销后已兑付金额不能为负数"), code="negative_paid")
    agreement.fully_paid_on = (agreement.fully_paid_on or on) if agreement.is_fully_paid else None
    agreement.save(update_fields=["paid_total", "fully_paid_on", "updated_at"])
    if was_paid != agreement.is_fully_paid:
        _refresh_agreement_parcels(agreement, actor)


def bank_account_reveal(*, payment: Payment, actor) -> str:
    """The full bank account of a payment; the access is written to the audit trail."""
    require_perm(actor, "land.add_payment")
    if not payment.bank_account_ciphertext:
        return ""
    if BankAccountRestriction.objects.filter(payment=payment).exists():
        raise DomainError(_("该银行账号已超过保存期限,按规定停止处理,不再显示完整账号"), code="purged")
    with acting_as(actor):
        LogEntry.objects.log_create(
            payment, action=LogEntry.Action.ACCESS, changes={"revealed": ["bank_account", ""]}, force_log=True
        )
    return crypto.decrypt(payment.bank_account_ciphertext, purpose=BANK_ACCOUNT_PURPOSE)


# --- hand-over -----------------------------------------------------------------------------------


def handover_blockers(parcel: Parcel) -> list[str]:
    """Why the parcel may not be handed over yet: holders without an agreement or not fully paid."""
    problems = []
    for holding in parcel.holdings.select_related("agreement", "household"):
        if holding.agreement_id is None:
            problems.append(_("承包户%(household)s尚未签订补偿协议") % {"household": holding.household})
        elif not holding.agreement.is_fully_paid:
            problems.append(
                _("协议%(number)s尚未兑付完毕(未付%(balance)s元)")
                % {"number": holding.agreement.number, "balance": formats.money(holding.agreement.balance)}
            )
    return problems


def handover_record(*, parcel: Parcel, handed_over_on: date, actor, override_reason: str = "") -> Handover:
    """Hand a parcel over to the project (交地): only when every holder's agreement is fully paid
    (先补偿后用地). Before that, only a township leader's approval of a proposal hands it over
    (``handover_override_propose`` / ``handover_override_decide``); ``override_reason`` is refused."""
    require_perm(actor, "land.add_handover")
    if handed_over_on > timezone.localdate():
        raise DomainError(_("交地日期不能晚于今天"), field="handed_over_on")
    with transaction.atomic(), acting_as(actor):
        locked = Parcel.objects.select_for_update().get(pk=parcel.pk)
        if Handover.objects.filter(parcel=locked).exists():
            raise DomainError(_("地块%(code)s已交地") % {"code": locked.code}, code="already_handed_over")
        blockers = handover_blockers(locked)
        if blockers:
            raise DomainError(
                _("尚不能交地:%(why)s。确需先行交地的,请提请镇领导批准(先补偿后用地)") % {"why": ";".join(blockers)},
                field="override_reason" if (override_reason or "").strip() else "handed_over_on",
                code="not_paid",
            )
        handover = Handover(parcel=locked, handed_over_on=handed_over_on, recorded_by=actor)
        handover.full_clean()
        handover.save()
        for pending in HandoverOverride.objects.filter(parcel=locked, status=HandoverOverride.Status.PROPOSED):
            pending.status = HandoverOverride.Status.WITHDRAWN
            pending.decision_note = _("各承包户已兑付完毕,已按正常程序交地")
            pending.save(update_fields=["status", "decision_note", "updated_at"])
        parcel_status_refresh(parcels=[locked], actor=actor)
    parcel.refresh_from_db()
    return handover


def handover_override_propose(
    *, parcel: Parcel, handed_over_on: date, reason_category: str, reason: str, actor
) -> HandoverOverride:
    """Propose handing a parcel over before every holder is paid (先行交地申请), with a reason category and
    text. The parcel stays unhanded until a township leader approves; one pending proposal per parcel."""
    require_perm(actor, "land.override_handover")
    if handed_over_on is None or handed_over_on > timezone.localdate():
        raise DomainError(_("交地日期不能晚于今天"), field="handed_over_on")
    if reason_category not in HandoverOverride.Reason.values:
        raise DomainError(_("请选择理由类别"), field="reason_category")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写先行交地的具体理由"), field="reason")
    with transaction.atomic(), acting_as(actor):
        locked = Parcel.objects.select_for_update().get(pk=parcel.pk)
        if Handover.objects.filter(parcel=locked).exists():
            raise DomainError(_("地块%(code)s已交地") % {"code": locked.code}, code="already_handed_over")
        blockers = handover_blockers(locked)
        if not blockers:
            raise DomainError(_("各承包户已兑付完毕,可直接交地,无需先行交地审批"), field="reason_category")
        if HandoverOverride.objects.filter(parcel=locked, status=HandoverOverride.Status.PROPOSED).exists():
            raise DomainError(_("地块%(code)s已有待镇领导审批的先行交地申请") % {"code": locked.code}, code="duplicate")
        override = HandoverOverride(
            parcel=locked,
            handed_over_on=handed_over_on,
            reason_category=reason_category,
            reason=reason,
            blockers=";".join(blockers),
            proposed_by=actor,
        )
        override.full_clean()
        override.save()
    return override


def handover_override_decide(*, override: HandoverOverride, approve: bool, actor, note: str = "") -> HandoverOverride:
    """A township leader other than the proposer approves (the parcel is handed over, 先行交地) or rejects
    (with a note) a pending proposal. Both the proposal and the decision are in the audit trail."""
    require_perm(actor, "land.decide_handoveroverride")
    note = (note or "").strip()
    if not approve and not note:
        raise DomainError(_("驳回须填写审批意见"), field="note")
    with transaction.atomic(), acting_as(actor):
        locked = HandoverOverride.objects.select_for_update().select_related("parcel").get(pk=override.pk)
        if locked.status != HandoverOverride.Status.PROPOSED:
            raise DomainError(
                _("该申请已%(status)s,不能再审批") % {"status": locked.get_status_display()}, code="already_decided"
            )
        if locked.proposed_by_id == actor.pk:
            raise DomainError(_("提请人不能审批自己的先行交地申请"), code="permission_denied")
        parcel = Parcel.objects.select_for_update().get(pk=locked.parcel_id)
        if approve and Handover.objects.filter(parcel=parcel).exists():
            raise DomainError(_("地块%(code)s已交地") % {"code": parcel.code}, code="already_handed_over")
        locked.status = HandoverOverride.Status.APPROVED if approve else HandoverOverride.Status.REJECTED
        locked.decided_by, locked.decided_at, locked.decision_note = actor, timezone.now(), note
        locked.full_clean()
        locked.save()
        if approve:
            handover = Handover(
                parcel=parcel,
                handed_over_on=locked.handed_over_on,
                override_reason=locked.reason_text[:300],
                override=locked,
                recorded_by=locked.proposed_by,
            )
            handover.full_clean()
            handover.save()
            LogEntry.objects.log_create(
                parcel,
                action=LogEntry.Action.UPDATE,
                changes={"handover_override": [locked.blockers, locked.reason_text]},
                force_log=True,
            )
            parcel_status_refresh(parcels=[parcel], actor=actor)
    override.refresh_from_db()
    return locked


# --- procedure -----------------------------------------------------------------------------------


def milestone_record(
    *,
    project: Project,
    step: str,
    actor,
    started_on: date | None = None,
    completed_on: date | None = None,
    not_required: bool = False,
    document=None,
    note: str = "",
) -> ProcedureMilestone:
    """Record (or correct) the dates and document of one statutory step of a project's procedure (征地程序)."""
    require_perm(actor, "land.add_proceduremilestone")
    if step not in ProcedureMilestone.Step.values:
        raise DomainError(_("未知的程序环节"), field="step")
    if started_on and completed_on and completed_on < started_on:
        raise DomainError(_("完成日期不能早于开始日期"), field="completed_on")
    today = timezone.localdate()
    if (started_on and started_on > today) or (completed_on and completed_on > today):
        raise DomainError(_("日期不能晚于今天"), field="completed_on")
    milestone = ProcedureMilestone.objects.filter(project=project, step=step).first() or ProcedureMilestone(
        project=project, step=step
    )
    milestone.started_on, milestone.completed_on = started_on, completed_on
    milestone.not_required, milestone.note = not_required, (note or "").strip()
    if document:
        milestone.document = document
    return _save(milestone, actor)


# --- documents filed with agreements ---------------------------------------------------------------

ATTACHMENT_MAX_BYTES = 20 * 2**20


def agreement_attachment_add(*, agreement: Agreement, title: str, file, actor) -> AgreementAttachment:
    """File a scanned document with an agreement (signed copy, measurement record…); at most 20 MB."""
    require_perm(actor, "land.add_agreementattachment")
    if file is None:
        raise DomainError(_("请选择文件"), field="file")
    if file.size > ATTACHMENT_MAX_BYTES:
        raise DomainError(_("文件不能超过20 MB"), field="file")
    attachment = AgreementAttachment(agreement=agreement, title=(title or "").strip() or file.name, file=file)
    return _save(attachment, actor)


def bank_accounts_restrict(*, ids: list[int], now) -> int:
    """Stop processing these payments' bank accounts (停止处理): past the keeping period after the agreement's
    last payment. The payment rows stay as they are (append-only); a restriction row is added for each.
    Called by the purge (core.retention) inside its batch's transaction."""
    done = set(BankAccountRestriction.objects.filter(payment_id__in=ids).values_list("payment_id", flat=True))
    fresh = [pk for pk in ids if pk not in done]
    BankAccountRestriction.objects.bulk_create(
        [BankAccountRestriction(payment_id=pk, restricted_at=now) for pk in fresh]
    )
    return len(fresh)
