"""The compensation roster (征地补偿花名册, ledger ``land_roster``) as land offices keep it: one sheet per project,
one row per household and parcel — head's name and resident ID, parcel, area, land class, standard (元/亩),
amount, bank card, signing date, paid date — imported in one go into contract holders, agreements and
payments (issue 15).

The project is chosen on the upload (``ImportBatch.options``), since the sheet does not name it. Each row:

- the resident ID must be a registered household head in the importer's scope, and the head's name must
  be that person's (the person ledger comes first);
- the parcel (by code) must exist in the project (the survey — parcel ledger or geometry import — comes
  first: a roster does not register land), its land class must be the one written, if one is;
- amount = area × standard within a fen; where the sheet breaks the amount down (土地补偿费, 安置补助费,
  青苗补偿费, 社会保障费), the parts add up to it (``Ledger.sums``);
- the agreement is made by ``services.agreement_create`` (items frozen from the standards in force on the
  signing date), so the standards in force must give the row's amount: the roster's standard is compared
  with their sum per mu, and a row that differs is rejected naming both;
- with a paid date, the agreed total is paid (``services.payment_record``, append-only), voucher number as
  written or else the agreement number; a bank card number failing the Luhn check is a warning (passbook
  accounts have no check digit).

One agreement per row (household × parcel: the row carries its own signing and paid dates). The household's
share of the parcel is recorded if missing (share = area ÷ parcel area). Importing the same roster again
changes nothing; importing it again with paid dates filled in appends the payments (an update).
Undo reverses the batch's payments (reversal entries, never a deletion) and removes the agreements and
shares it created — except agreements that carry payments (reversed, but kept as payments reference them):
those stay, unpaid, and a later import of the roster pays them.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as N_

from lianxin.accounts.services import audit_batch
from lianxin.core import crypto, formats
from lianxin.core.errors import DomainError
from lianxin.core.permissions import scope_to_user
from lianxin.enterprises.models import Project
from lianxin.imports.headers import Column
from lianxin.imports.ledger import Context, Ledger, RowRejected, Written, register
from lianxin.people.identity import RESIDENT_ID_PURPOSE, resident_id_parse
from lianxin.people.models import Household, Person

from . import services
from .models import Agreement, ContractHolding, Parcel, Payment

FEN = Decimal("0.01")
SHARE_STEP = Decimal("0.01")
# The parts of a roster's amount, in the order of the sheet; each a per-mu item of the agreement.
PARTS = ("land_compensation", "resettlement_subsidy", "young_crops", "social_security")


def luhn_ok(number: str) -> bool:
    """The Luhn check digit (ISO/IEC 7812) that bank card numbers carry."""
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


@dataclass
class RosterRow:
    project_id: int
    household_id: int
    parcel_id: int
    holding_id: int | None  # the household's share of the parcel, if recorded already
    share_percent: Decimal
    area_mu: Decimal
    amount: Decimal
    signed_on: date
    paid_on: date | None
    voucher_no: str
    bank_account: str
    payee_name: str


@register
class RosterLedger(Ledger):
    key = "land_roster"
    label = N_("征地补偿花名册")
    permission = "land.add_payment"  # it records payments: the working group
    personal_columns = ("resident_id", "bank_account")
    reveal_permissions = ("people.reveal_resident_id", "land.add_payment")
    reads = (
        "regions.Region",
        "enterprises.Project",
        "land.Parcel",
        "land.ContractHolding",
        "land.Agreement",
        "land.CompensationStandard",
        "people.Household",
        "people.Person",
    )
    options = ("project",)
    sums = (("amount", PARTS),)
    columns = (
        Column("head_name", N_("户主姓名"), ("户主", "被征地户", "承包户", "户名", "姓名"), kind="name", required=True),
        Column(
            "resident_id",
            N_("身份证号码"),
            ("户主身份证号码", "户主身份证号", "身份证号", "公民身份号码"),
            kind="resident_id",
            required=True,
        ),
        Column(
            "parcel_code",
            N_("地块编号"),
            ("地块号", "宗地号", "图斑号", "地块名称", "地块", "地块编码"),
            required=True,
            help=gettext_lazy("地块须已在本项目中登记(地块台账或图形导入)"),
        ),
        Column(
            "area_mu",
            N_("征收面积"),
            ("面积", "征地面积", "补偿面积", "实测面积"),
            kind="area",
            unit="亩",
            required=True,
        ),
        Column("land_class", N_("地类"), ("地类名称", "土地类别", "地类编码")),
        Column(
            "standard",
            N_("补偿标准"),
            ("标准", "单价", "补偿单价", "综合补偿标准"),
            kind="money",
            unit="元/亩",
            required=True,
        ),
        Column("land_compensation", N_("土地补偿费"), ("土地补偿款",), kind="money", unit="元"),
        Column("resettlement_subsidy", N_("安置补助费"), ("安置补助款", "安置费"), kind="money", unit="元"),
        Column("young_crops", N_("青苗补偿费"), ("青苗费", "青苗补偿款"), kind="money", unit="元"),
        Column("social_security", N_("社会保障费"), ("社保费", "社会保障资金"), kind="money", unit="元"),
        Column(
            "amount",
            N_("补偿金额"),
            ("金额", "合计", "补偿款", "应付金额", "补偿金额合计", "合计金额"),
            kind="money",
            unit="元",
            required=True,
        ),
        Column(
            "bank_account",
            N_("银行卡号"),
            ("银行账号", "卡号", "收款账号", "存折号", "一卡通账号"),
            help=gettext_lazy("请把该列设为文本格式;系统加密保存,只显示前4位和后4位"),
        ),
        Column("signed_on", N_("签字日期"), ("签订日期", "协议签订日期", "签字时间"), kind="date", required=True),
        Column("paid_on", N_("兑付日期"), ("支付日期", "发放日期", "付款日期"), kind="date"),
        Column("voucher_no", N_("凭证号"), ("凭证编号", "记账凭证号"), help=gettext_lazy("不填则以协议编号为凭证号")),
    )
    sample = {
        "head_name": "王小明",
        "resident_id": "532622198005170011",
        "parcel_code": "ZD-01-0001",
        "area_mu": "2.5",
        "land_class": "旱地",
        "standard": "55000",
        "land_compensation": "75000",
        "resettlement_subsidy": "50000",
        "social_security": "12500",
        "amount": "137500",
        "bank_account": "6228480123456789012",
        "signed_on": "2026-03-01",
        "paid_on": "2026-03-20",
    }

    # --- the project chosen on the upload -------------------------------------------------------

    def option_field(self, name: str, user: Any) -> tuple[str, list[tuple[str, str]]]:
        from .selectors import parcel_project_choices

        if name != "project":
            raise LookupError(name)
        return _("项目"), [(str(p.pk), p.name) for p in parcel_project_choices(user=user)]

    def options_clean(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        from .selectors import parcel_project_choices

        raw = str(options.get("project") or "").strip()
        if not raw:
            raise DomainError(_("导入征地补偿花名册须选择项目"), field="project")
        projects = parcel_project_choices(user=user)
        project = (projects.filter(pk=int(raw)).first() if raw.isdigit() else None) or projects.filter(name=raw).first()
        if project is None:
            raise DomainError(
                _("项目“%(name)s”不存在或不在您的管辖范围内") % {"name": raw[:60]}, field="project", code="not_found"
            )
        return {"project": project.pk}

    def options_shown(self, options: dict[str, Any]) -> list[tuple[str, str]]:
        project = Project.objects.filter(pk=options.get("project")).only("name").first()
        return [(_("项目"), project.name if project else "?")] if options.get("project") else []

    # --- rows -----------------------------------------------------------------------------------

    def start(self, ctx: Context) -> None:
        project = Project.objects.filter(pk=ctx.options.get("project")).first()
        if project is None:  # options_clean made sure of it on the upload; the project was deleted since
            raise DomainError(_("导入征地补偿花名册须选择项目"), field="project")
        ctx.cache.update(
            project=project,
            today=timezone.localdate(),
            digest=crypto.blind_indexer(RESIDENT_ID_PURPOSE),
            heads={},
            parcels={},
            shares={},
            vouchers=None,
            finders={},
            households=set(),
            total=Decimal("0"),
        )

    def _head(self, values: dict, ctx: Context) -> Person:
        cache = ctx.cache
        try:
            parsed = resident_id_parse(values["resident_id"], today=cache["today"])
        except ValidationError as exc:
            raise RowRejected(exc.messages[0], "resident_id") from exc
        digest = cache["digest"](parsed.number)
        if digest not in cache["heads"]:
            cache["heads"][digest] = (
                Person.objects.filter(resident_id_digest=digest).select_related("household__village_group").first()
            )
        person = cache["heads"][digest]
        if person is None:
            raise RowRejected(_("身份证号码对应的人员未登记,请先导入户籍人口台账"), "resident_id")
        if not scope_to_user(Household.objects.filter(pk=person.household_id), ctx.user).exists():
            raise RowRejected(_("身份证号码对应的户不在您的管辖范围内"), "resident_id")
        if person.relation != Person.Relation.HEAD:
            raise RowRejected(
                _("身份证号码对应的人员不是户主(与户主关系:%(relation)s)")
                % {"relation": person.get_relation_display()},
                "resident_id",
            )
        if person.name != values["head_name"]:
            raise RowRejected(
                _("户主姓名为“%(name)s”,身份证号码登记的户主不是此人") % {"name": values["head_name"]}, "head_name"
            )
        return person

    def _parcel(self, values: dict, ctx: Context) -> Parcel:
        code = values["parcel_code"].strip()
        cache = ctx.cache["parcels"]
        if code not in cache:
            cache[code] = (
                scope_to_user(Parcel.objects.filter(project=ctx.cache["project"], code=code), ctx.user)
                .select_related("land_class", "village_group")
                .first()
            )
        parcel = cache[code]
        if parcel is None:
            raise RowRejected(
                _("项目中没有编号为%(code)s的地块(或不在您的管辖范围内);请先登记地块") % {"code": code},
                "parcel_code",
            )
        written = str(values.get("land_class") or "").strip()
        if written and written not in (parcel.land_class.code, parcel.land_class.name):
            raise RowRejected(
                _("地类为“%(written)s”,地块%(code)s登记的地类为“%(stored)s”")
                % {"written": written, "code": parcel.code, "stored": parcel.land_class.name},
                "land_class",
            )
        return parcel

    def _share(self, parcel: Parcel, household: Household, area: Decimal, ctx: Context) -> tuple[int | None, Decimal]:
        """The household's share of the parcel that ``area`` mu stands for: the recorded one (whose area must
        be ``area``), or a new one (area ÷ parcel area, within what other households do not hold)."""
        shares = ctx.cache["shares"]
        if parcel.pk not in shares:
            shares[parcel.pk] = {
                h: (pk, s)
                for pk, h, s in ContractHolding.objects.filter(parcel=parcel).values_list(
                    "pk", "household_id", "share_percent"
                )
            }
        held = shares[parcel.pk]
        if household.pk in held:
            pk, share = held[household.pk]
            share_area = (parcel.area_mu * share / 100).quantize(services.AREA_STEP, rounding=ROUND_HALF_UP)
            if share_area != area:
                raise RowRejected(
                    _("征收面积为%(area)s亩,该户在地块%(code)s登记的份额为%(share)s%%,即%(held)s亩")
                    % {
                        "area": formats.number(area, 4),
                        "code": parcel.code,
                        "share": share,
                        "held": formats.number(share_area, 4),
                    },
                    "area_mu",
                )
            return pk, share
        if area > parcel.area_mu:
            raise RowRejected(
                _("征收面积为%(area)s亩,超过地块%(code)s的测量面积%(parcel)s亩")
                % {"area": formats.number(area, 4), "code": parcel.code, "parcel": formats.number(parcel.area_mu, 4)},
                "area_mu",
            )
        share = (area * 100 / parcel.area_mu).quantize(SHARE_STEP, rounding=ROUND_HALF_UP)
        taken = sum((s for h, (_pk, s) in held.items() if h != household.pk), Decimal("0"))
        if taken + share > 100:
            raise RowRejected(
                _("地块%(code)s已有其他承包户%(taken)s%%的份额,征收面积%(area)s亩将使份额合计超过100%%")
                % {"code": parcel.code, "taken": taken, "area": formats.number(area, 4)},
                "area_mu",
            )
        if (parcel.area_mu * share / 100).quantize(services.AREA_STEP, rounding=ROUND_HALF_UP) != area:
            raise RowRejected(
                _("征收面积%(area)s亩不能折成地块%(code)s(%(parcel)s亩)的整百分比份额,请先登记该户的承包份额")
                % {"area": formats.number(area, 4), "code": parcel.code, "parcel": formats.number(parcel.area_mu, 4)},
                "area_mu",
            )
        held[household.pk] = (None, share)
        return None, share

    def _quoted(self, parcel: Parcel, household: Household, share: Decimal, values: dict, ctx: Context) -> Decimal:
        """What the agreement will say: the standards in force on the signing date applied to the share."""
        finders = ctx.cache["finders"]
        signed_on = values["signed_on"]
        finder = finders.setdefault(signed_on, services.StandardFinder(signed_on))
        holding = ContractHolding(parcel=parcel, household=household, share_percent=share)
        try:
            quote = services.agreement_quote(
                household=household, holdings=[holding], signed_on=signed_on, finder=finder
            )
        except DomainError as exc:
            raise RowRejected(exc.message, "signed_on") from exc
        per_mu = sum((i.unit_price for i in quote.items), Decimal("0"))
        if per_mu != values["standard"]:
            raise RowRejected(
                _("补偿标准为%(written)s元/亩,签字日期适用的补偿标准合计为%(stored)s元/亩")
                % {"written": formats.money(values["standard"]), "stored": formats.money(per_mu)},
                "standard",
            )
        if abs(quote.items_total - values["amount"]) > FEN * max(len(quote.items), 1):
            raise RowRejected(
                _("补偿金额为%(written)s元,按补偿标准计算的协议金额为%(quoted)s元")
                % {"written": formats.money(values["amount"]), "quoted": formats.money(quote.items_total)},
                "amount",
            )
        return quote.items_total

    def _voucher(self, values: dict, ctx: Context) -> str:
        """The voucher number as written; used once in the file (the project's stored ones: ``classify``)."""
        voucher = str(values.get("voucher_no") or "").strip()
        if not voucher or not values.get("paid_on"):
            return voucher
        seen = ctx.cache.setdefault("file_vouchers", set())
        if voucher in seen:
            raise RowRejected(
                _("凭证号%(voucher)s在本文件中重复;凭证号在项目内不能重复") % {"voucher": voucher}, "voucher_no"
            )
        seen.add(voucher)
        return voucher

    def _voucher_taken(self, voucher: str, ctx: Context) -> bool:
        used = ctx.cache["vouchers"]
        if used is None:
            used = ctx.cache["vouchers"] = set(
                Payment.objects.filter(project=ctx.cache["project"], reverses__isnull=True).values_list(
                    "voucher_no", flat=True
                )
            )
        return voucher in used

    def prepare(self, values: dict[str, Any], ctx: Context) -> RosterRow:
        cache = ctx.cache
        area, standard, amount = values["area_mu"], values["standard"], values["amount"]
        if area <= 0:
            raise RowRejected(_("征收面积必须大于0亩"), "area_mu")
        if amount <= 0:
            raise RowRejected(_("补偿金额必须大于0"), "amount")
        computed = (area * standard).quantize(FEN, rounding=ROUND_HALF_UP)
        if abs(computed - amount) > FEN:
            raise RowRejected(
                _("补偿金额为%(amount)s元,征收面积%(area)s亩×补偿标准%(standard)s元/亩=%(computed)s元")
                % {
                    "amount": formats.money(amount),
                    "area": formats.number(area, 4),
                    "standard": formats.money(standard),
                    "computed": formats.money(computed),
                },
                "amount",
            )
        signed_on, paid_on = values["signed_on"], values.get("paid_on")
        if signed_on > cache["today"]:
            raise RowRejected(_("签字日期不能晚于今天"), "signed_on")
        if paid_on is not None and not signed_on <= paid_on <= cache["today"]:
            raise RowRejected(_("兑付日期应在签字日期与今天之间"), "paid_on")
        account = "".join(str(values.get("bank_account") or "").split())
        if account and (not account.isdigit() or not 8 <= len(account) <= 30):
            raise RowRejected(_("银行卡号应为8至30位数字"), "bank_account")
        if account and 16 <= len(account) <= 19 and not luhn_ok(account):
            ctx.warnings.append(
                ("bank_account", services.mask_bank_account(account), _("银行卡号校验位不符,请核对(存折账号可忽略)"))
            )
        person = self._head(values, ctx)
        household = person.household
        parcel = self._parcel(values, ctx)
        holding_id, share = self._share(parcel, household, area, ctx)
        total = self._quoted(parcel, household, share, values, ctx)
        cache["households"].add(household.pk)
        cache["total"] += total
        return RosterRow(
            project_id=cache["project"].pk,
            household_id=household.pk,
            parcel_id=parcel.pk,
            holding_id=holding_id,
            share_percent=share,
            area_mu=area,
            amount=total,
            signed_on=signed_on,
            paid_on=paid_on,
            voucher_no=self._voucher(values, ctx),
            bank_account=account,
            payee_name=person.name,
        )

    def notes(self, ctx: Context) -> list[str]:
        if not ctx.cache.get("households"):
            return []
        return [
            _("项目:%(project)s;涉及%(households)d户,按补偿标准计算的协议金额合计%(total)s元")
            % {
                "project": ctx.cache["project"].name,
                "households": len(ctx.cache["households"]),
                "total": formats.money(ctx.cache["total"]),
            }
        ]

    def natural_key(self, prepared: RosterRow) -> Hashable:
        return (prepared.parcel_id, prepared.household_id)

    def existing(self, chunk: list[RosterRow], ctx: Context) -> dict[Hashable, dict]:
        return {
            (row["parcel_id"], row["household_id"]): row
            for row in ContractHolding.objects.filter(
                parcel_id__in={p.parcel_id for p in chunk}, household_id__in={p.household_id for p in chunk}
            ).values(
                "pk",
                "parcel_id",
                "household_id",
                "agreement_id",
                "agreement__number",
                "agreement__signed_on",
                "agreement__paid_total",
            )
        }

    def classify(self, prepared: RosterRow, current: dict | None, ctx: Context) -> str:
        if current is None or current["agreement_id"] is None:
            action = "create"
        elif current["agreement__signed_on"] != prepared.signed_on:
            raise RowRejected(
                _("该户在此地块的份额已签订协议%(number)s(签字日期%(day)s);已签协议不能通过导入修改")
                % {"number": current["agreement__number"], "day": f"{current['agreement__signed_on']:%Y-%m-%d}"},
                "signed_on",
            )
        elif prepared.paid_on is not None and current["agreement__paid_total"] == 0:
            action = "update"  # signed before, paid now: the payment is appended
        else:
            return "unchanged"
        if prepared.paid_on is not None and prepared.voucher_no and self._voucher_taken(prepared.voucher_no, ctx):
            raise RowRejected(
                _("凭证号%(voucher)s在本项目中已使用;凭证号在项目内不能重复") % {"voucher": prepared.voucher_no},
                "voucher_no",
            )
        return action

    def _pay(self, agreement: Agreement, row: RosterRow, ctx: Context) -> Payment:
        return services.payment_record(
            agreement=agreement,
            amount=agreement.total_amount - agreement.paid_total,
            paid_on=row.paid_on,
            voucher_no=row.voucher_no or agreement.number,
            payee_name=row.payee_name,
            bank_account=row.bank_account,
            actor=ctx.user,
        )

    def write(self, creates: list[RosterRow], updates: list[tuple[RosterRow, dict]], ctx: Context) -> Written:
        written = Written()
        project = ctx.cache["project"]
        households = Household.objects.select_related("village_group").in_bulk({r.household_id for r in creates})
        parcels = Parcel.objects.in_bulk({r.parcel_id for r in creates})
        for row in creates:
            try:
                holding = ContractHolding.objects.filter(parcel_id=row.parcel_id, household_id=row.household_id).first()
                if holding is None:
                    holding = services.holding_add(
                        parcel=parcels[row.parcel_id],
                        household=households[row.household_id],
                        share_percent=row.share_percent,
                        actor=ctx.user,
                    )
                    written.created.append(("land.contractholding", holding.pk))
                agreement = services.agreement_create(
                    project=project,
                    household=households[row.household_id],
                    holdings=[holding],
                    signed_on=row.signed_on,
                    actor=ctx.user,
                    finder=ctx.cache["finders"].setdefault(row.signed_on, services.StandardFinder(row.signed_on)),
                )
                written.created.append(("land.agreement", agreement.pk))
                if row.paid_on is not None:
                    written.created.append(("land.payment", self._pay(agreement, row, ctx).pk))
            except DomainError as exc:
                parcel = parcels[row.parcel_id]
                raise DomainError(
                    _("地块%(code)s:%(message)s") % {"code": parcel.code, "message": exc.message}
                ) from exc
        for row, current in updates:
            agreement = Agreement.objects.get(pk=current["agreement_id"])
            try:
                written.created.append(("land.payment", self._pay(agreement, row, ctx).pk))
            except DomainError as exc:
                raise DomainError(
                    _("协议%(number)s:%(message)s") % {"number": agreement.number, "message": exc.message}
                ) from exc
        if ctx.batch is not None:
            kinds = [model for model, _pk in written.created]
            audit_batch(
                instance=ctx.batch,
                actor=ctx.user,
                changes={
                    "agreements_created": ["0", str(kinds.count("land.agreement"))],
                    "payments_created": ["0", str(kinds.count("land.payment"))],
                },
            )
        return written

    def undo(self, created: list[tuple[str, int]], updated: Iterable, ctx: Context) -> None:
        """Payments are reversed (appended entries), never deleted; the agreements and shares the batch made
        go, except agreements that carry payments (they stay, unpaid, their shares with them)."""
        ids: dict[str, list[int]] = {}
        for model, pk in created:
            ids.setdefault(model, []).append(pk)
        agreements = ids.get("land.agreement", [])
        if Agreement.objects.filter(pk__in=agreements, supplements__isnull=False).exists():
            raise DomainError(_("本批导入的协议已有补充协议,不能整批撤销"))
        others = Payment.objects.filter(agreement_id__in=agreements).exclude(pk__in=ids.get("land.payment", []))
        if others.filter(reverses__isnull=True).exists():
            raise DomainError(_("本批导入的协议在导入后又有兑付,不能整批撤销"))
        with transaction.atomic():
            reversed_count = 0
            for payment in Payment.objects.filter(
                pk__in=ids.get("land.payment", []), reversed_by__isnull=True
            ).select_related("agreement"):
                services.payment_reverse(
                    payment=payment, reason=_("撤销导入批次"), actor=ctx.user, check_permission=False
                )
                reversed_count += 1
            paid = set(Payment.objects.filter(agreement_id__in=agreements).values_list("agreement_id", flat=True))
            removable = [pk for pk in agreements if pk not in paid]
            parcels = list(Parcel.objects.filter(holdings__agreement_id__in=agreements).distinct())
            ContractHolding.objects.filter(agreement_id__in=removable).update(agreement=None, updated_at=timezone.now())
            Agreement.objects.filter(pk__in=removable).delete()
            ContractHolding.objects.filter(pk__in=ids.get("land.contractholding", []), agreement__isnull=True).delete()
            services.parcel_status_refresh(parcels=parcels, actor=ctx.user)
            audit_batch(
                instance=ctx.batch,
                actor=ctx.user,
                changes={
                    "payments_reversed": ["", str(reversed_count)],
                    "agreements_removed": ["", str(len(removable))],
                    "agreements_kept": ["", str(len(agreements) - len(removable))],
                },
            )
