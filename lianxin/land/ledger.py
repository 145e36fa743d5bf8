"""The land ledgers as the import engine reads them (征地台账导入): parcels, contract holders, agreements, payments.

- 地块台账 (``land_parcels``): one row per parcel; natural key project + parcel code. Creates or corrects
  survey data (a parcel under agreement keeps its area, class and group).
- 承包户台账 (``land_holdings``): one row per household share of a parcel; key parcel + household.
- 补偿协议台账 (``land_agreements``): one row per agreement; key the agreement number. Written through
  ``services.agreement_create``, so items come from the standards in force on the signing date.
- 兑付台账 (``land_payments``): one row per payment; key agreement number + voucher number. Written through
  ``services.payment_record`` (the paid total never exceeds the agreed total); undoing a batch of payments
  appends reversal entries, since payments are never deleted.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as N_

from lianxin.accounts.services import audit_batch
from lianxin.core import formats
from lianxin.core.errors import DomainError
from lianxin.core.household_changes import households_changed
from lianxin.core.permissions import scope_to_user
from lianxin.enterprises.models import Project
from lianxin.imports.headers import Column
from lianxin.imports.ledger import Context, Ledger, RowRejected, Written, register
from lianxin.people.models import Household
from lianxin.regions.models import Region

from . import services
from .models import Agreement, ContractHolding, LandClass, Parcel, Payment, Unit

PARCEL_FIELDS = ("village_group_id", "land_class_id", "area_mu", "surveyed_on", "note")


def _region_key(name: str) -> str:
    for suffix in ("村民委员会", "村委会", "村民小组", "村"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


class _LandLedger(Ledger):
    """Lookups shared by the land ledgers: projects with land (or visible), village groups in scope."""

    reads = ("regions.Region", "enterprises.Project", "land.Parcel", "people.Household")

    def start(self, ctx: Context) -> None:
        from .selectors import parcel_project_choices

        ctx.cache["projects"] = {p.name: p for p in parcel_project_choices(user=ctx.user)}
        groups = scope_to_user(
            Region.objects.filter(level=Region.Level.VILLAGE_GROUP).select_related("parent"), ctx.user
        )
        by_name: dict[str, list[Region]] = {}
        for group in groups:
            by_name.setdefault(_region_key(group.name), []).append(group)
        ctx.cache["groups"] = by_name

    def _project(self, values: dict, ctx: Context) -> Project:
        project = ctx.cache["projects"].get(values["project"])
        if project is None:
            raise RowRejected(_("项目“%(name)s”不存在或不在您的管辖范围内") % {"name": values["project"]}, "project")
        return project

    def _group(self, values: dict, ctx: Context) -> Region:
        name = values["village_group"]
        candidates = ctx.cache["groups"].get(_region_key(name), [])
        village = values.get("village")
        if village:
            candidates = [g for g in candidates if _region_key(g.parent.name) == _region_key(village)]
        if not candidates:
            raise RowRejected(_("村民小组“%(name)s”不存在或不在您的管辖范围内") % {"name": name}, "village_group")
        if len(candidates) > 1:
            raise RowRejected(_("有多个名为“%(name)s”的村民小组,请填写村委会") % {"name": name}, "village")
        return candidates[0]

    def _household(self, group: Region, number: str, ctx: Context) -> Household:
        cache = ctx.cache.setdefault("households", {})
        if group.pk not in cache:
            cache[group.pk] = {h.number: h for h in Household.objects.filter(village_group=group)}
        household = cache[group.pk].get(number)
        if household is None:
            raise RowRejected(
                _("%(group)s没有户编号为%(number)s的户") % {"group": group.name, "number": number}, "household_number"
            )
        return household

    def _parcel(self, project: Project, code: str, ctx: Context) -> Parcel:
        cache = ctx.cache.setdefault("parcels", {})
        key = (project.pk, code)
        if key not in cache:
            cache[key] = scope_to_user(Parcel.objects.filter(project=project, code=code), ctx.user).first()
        if cache[key] is None:
            raise RowRejected(_("项目中没有编号为%(code)s的地块(或不在您的管辖范围内)") % {"code": code}, "parcel_code")
        return cache[key]


PROJECT = Column("project", N_("项目名称"), ("项目", "建设项目", "用地项目"), required=True)
VILLAGE = Column("village", N_("村委会"), ("行政村", "村", "村名"), help=gettext_lazy("同名村民小组须填写"))
GROUP = Column("village_group", N_("村民小组"), ("组", "小组", "村小组", "自然村"), required=True)


# --- parcels -------------------------------------------------------------------------------------


@dataclass
class ParcelRow:
    project_id: int
    code: str
    village_group_id: int
    land_class_id: int
    area_mu: Decimal
    surveyed_on: date | None
    note: str

    def fields(self) -> dict:
        return {f: getattr(self, f) for f in PARCEL_FIELDS}


@register
class ParcelLedger(_LandLedger):
    key = "land_parcels"
    label = N_("征地地块台账")
    permission = "land.add_parcel"
    columns = (
        PROJECT,
        Column("code", N_("地块编号"), ("地块号", "宗地号", "图斑号", "编号"), required=True),
        VILLAGE,
        GROUP,
        Column(
            "land_class",
            N_("地类"),
            ("地类名称", "地类编码", "土地用途", "用途"),
            required=True,
            help=gettext_lazy("地类编码或名称,如0103或旱地"),
        ),
        Column("area_mu", N_("测量面积"), ("面积", "征收面积", "实测面积"), kind="area", unit="亩", required=True),
        Column("surveyed_on", N_("测量日期"), ("测量时间", "调查日期"), kind="date"),
        Column("note", N_("备注"), ("说明",)),
    )
    sample = {
        "project": "氧化铝及配套项目(年产80万吨)",
        "code": "ZD-01-0001",
        "village": "甲马石村委会",
        "village_group": "甲马石",
        "land_class": "旱地",
        "area_mu": "3.25",
        "surveyed_on": "2026-01-15",
        "note": "",
    }

    def start(self, ctx: Context) -> None:
        super().start(ctx)
        classes = {}
        for land_class in LandClass.objects.all():
            classes[land_class.code] = land_class
            classes[land_class.name] = land_class
        ctx.cache["classes"] = classes

    def prepare(self, values: dict[str, Any], ctx: Context) -> ParcelRow:
        project = self._project(values, ctx)
        group = self._group(values, ctx)
        land_class = ctx.cache["classes"].get(str(values["land_class"]).strip())
        if land_class is None:
            raise RowRejected(_("未知的地类“%(value)s”") % {"value": values["land_class"]}, "land_class")
        if values["area_mu"] <= 0:
            raise RowRejected(_("测量面积必须大于0亩"), "area_mu")
        return ParcelRow(
            project_id=project.pk,
            code=values["code"].strip(),
            village_group_id=group.pk,
            land_class_id=land_class.pk,
            area_mu=values["area_mu"].quantize(Decimal("0.0001")),
            surveyed_on=values.get("surveyed_on"),
            note=values.get("note") or "",
        )

    def natural_key(self, prepared: ParcelRow) -> Hashable:
        return (prepared.project_id, prepared.code)

    def existing(self, chunk: list[ParcelRow], ctx: Context) -> dict[Hashable, dict]:
        found = {}
        by_project: dict[int, list[str]] = {}
        for row in chunk:
            by_project.setdefault(row.project_id, []).append(row.code)
        for project_id, codes in by_project.items():
            for row in Parcel.objects.filter(project_id=project_id, code__in=codes).values(
                "pk", "project_id", "code", "village_group__path", *PARCEL_FIELDS
            ):
                found[(row["project_id"], row["code"])] = row
        return found

    def classify(self, prepared: ParcelRow, current: dict | None, ctx: Context) -> str:
        if current is None:
            return "create"
        if not scope_to_user(Parcel.objects.filter(pk=current["pk"]), ctx.user).exists():
            raise RowRejected(_("该地块不在您的管辖范围内"), "code")
        changed = {f for f, v in prepared.fields().items() if current[f] != v}
        if not changed:
            return "unchanged"
        frozen = changed & {"village_group_id", "land_class_id", "area_mu"}
        if frozen and ContractHolding.objects.filter(parcel_id=current["pk"], agreement__isnull=False).exists():
            raise RowRejected(_("地块已签订补偿协议,不能再修改面积、地类或所属小组"), "area_mu")
        return "update"

    def write(self, creates: list[ParcelRow], updates: list[tuple[ParcelRow, dict]], ctx: Context) -> Written:
        written = Written()
        today = timezone.localdate()
        created = Parcel.objects.bulk_create(
            [
                Parcel(project_id=p.project_id, code=p.code, **{**p.fields(), "surveyed_on": p.surveyed_on or today})
                for p in creates
            ],
            batch_size=500,
        )
        written.created.extend(("land.parcel", p.pk) for p in created)
        now = timezone.now()
        changed = []
        for prepared, current in updates:
            before = {f: str(current[f]) if current[f] is not None else None for f in PARCEL_FIELDS}
            written.updated.append(("land.parcel", current["pk"], before))
            fields = prepared.fields()
            fields["surveyed_on"] = fields["surveyed_on"] or current["surveyed_on"]
            changed.append(Parcel(pk=current["pk"], updated_at=now, **fields))
        Parcel.objects.bulk_update(changed, [*PARCEL_FIELDS, "updated_at"], batch_size=500)
        if ctx.batch is not None:
            audit_batch(
                instance=ctx.batch,
                actor=ctx.user,
                changes={"parcels_created": ["0", str(len(created))], "parcels_updated": ["0", str(len(changed))]},
            )
        return written

    def undo(self, created, updated, ctx: Context) -> None:
        updated = list(updated)
        created_ids = [pk for _m, pk in created]
        ids = created_ids + [pk for _m, pk, _b in updated]
        if Parcel.objects.filter(pk__in=ids, updated_at__gt=ctx.batch.committed_at).exists():
            raise DomainError(_("本批导入的地块在导入后又被修改过,不能整批撤销"))
        if ContractHolding.objects.filter(parcel_id__in=created_ids).exists():
            raise DomainError(_("本批导入的地块已登记承包户,不能整批撤销"))
        with transaction.atomic():
            for _m, pk, before in updated:
                restored = {
                    "area_mu": Decimal(before["area_mu"]),
                    "village_group_id": int(before["village_group_id"]),
                    "land_class_id": int(before["land_class_id"]),
                    "surveyed_on": date.fromisoformat(before["surveyed_on"]) if before["surveyed_on"] else None,
                    "note": before["note"] or "",
                }
                Parcel.objects.filter(pk=pk).update(updated_at=timezone.now(), **restored)
            Parcel.objects.filter(pk__in=created_ids).delete()
            audit_batch(instance=ctx.batch, actor=ctx.user, changes={"undone": ["", str(len(ids))]})


# --- holders -------------------------------------------------------------------------------------


@dataclass
class HoldingRow:
    parcel_id: int
    household_id: int
    share_percent: Decimal
    contract_right_ref: str


@register
class HoldingLedger(_LandLedger):
    key = "land_holdings"
    label = N_("征地承包户台账")
    permission = "land.add_contractholding"
    reads = (*_LandLedger.reads, "land.ContractHolding")
    columns = (
        PROJECT,
        Column("parcel_code", N_("地块编号"), ("地块号", "宗地号", "图斑号"), required=True),
        VILLAGE,
        Column(
            "village_group",
            N_("村民小组"),
            ("组", "小组", "承包户所在小组"),
            required=True,
            help=gettext_lazy("承包户所在的村民小组"),
        ),
        Column("household_number", N_("户编号"), ("户号", "户编码"), required=True),
        Column("share_percent", N_("份额"), ("承包份额", "比例", "份额(%)"), kind="area", unit="%"),
        Column("contract_right_ref", N_("承包经营权证号"), ("经营权证号", "权证号", "承包合同号")),
    )
    sample = {
        "project": "氧化铝及配套项目(年产80万吨)",
        "parcel_code": "ZD-01-0001",
        "village": "甲马石村委会",
        "village_group": "甲马石",
        "household_number": "001-0001",
        "share_percent": "100",
        "contract_right_ref": "5326221012010001J",
    }

    def prepare(self, values: dict[str, Any], ctx: Context) -> HoldingRow:
        project = self._project(values, ctx)
        parcel = self._parcel(project, values["parcel_code"].strip(), ctx)
        household = self._household(self._group(values, ctx), values["household_number"].strip(), ctx)
        share = values.get("share_percent") or Decimal("100")
        if share <= 0 or share > 100:
            raise RowRejected(_("份额应大于0且不超过100%"), "share_percent")
        # Shares of one parcel in this file and in the ledger may not exceed 100%.
        totals = ctx.cache.setdefault("shares", {})
        if parcel.pk not in totals:
            totals[parcel.pk] = {
                h: s
                for h, s in ContractHolding.objects.filter(parcel=parcel).values_list("household_id", "share_percent")
            }
        shares = totals[parcel.pk]
        if sum(s for h, s in shares.items() if h != household.pk) + share > 100:
            raise RowRejected(_("地块%(code)s的承包份额合计将超过100%%") % {"code": parcel.code}, "share_percent")
        shares[household.pk] = share
        return HoldingRow(
            parcel.pk, household.pk, share.quantize(Decimal("0.01")), values.get("contract_right_ref") or ""
        )

    def natural_key(self, prepared: HoldingRow) -> Hashable:
        return (prepared.parcel_id, prepared.household_id)

    def existing(self, chunk: list[HoldingRow], ctx: Context) -> dict[Hashable, dict]:
        parcels = {p.parcel_id for p in chunk}
        return {
            (row["parcel_id"], row["household_id"]): row
            for row in ContractHolding.objects.filter(parcel_id__in=parcels).values(
                "pk", "parcel_id", "household_id", "share_percent", "contract_right_ref", "agreement_id"
            )
        }

    def classify(self, prepared: HoldingRow, current: dict | None, ctx: Context) -> str:
        if current is None:
            return "create"
        if (
            current["share_percent"] == prepared.share_percent
            and current["contract_right_ref"] == prepared.contract_right_ref
        ):
            return "unchanged"
        if current["agreement_id"] and current["share_percent"] != prepared.share_percent:
            raise RowRejected(_("该户份额已签订补偿协议,不能再修改份额"), "share_percent")
        return "update"

    def write(self, creates: list[HoldingRow], updates: list[tuple[HoldingRow, dict]], ctx: Context) -> Written:
        written = Written()
        created = ContractHolding.objects.bulk_create(
            [
                ContractHolding(
                    parcel_id=p.parcel_id,
                    household_id=p.household_id,
                    share_percent=p.share_percent,
                    contract_right_ref=p.contract_right_ref,
                )
                for p in creates
            ],
            batch_size=500,
        )
        written.created.extend(("land.contractholding", h.pk) for h in created)
        now = timezone.now()
        for prepared, current in updates:
            written.updated.append(
                (
                    "land.contractholding",
                    current["pk"],
                    {
                        "share_percent": str(current["share_percent"]),
                        "contract_right_ref": current["contract_right_ref"],
                    },
                )
            )
            ContractHolding.objects.filter(pk=current["pk"]).update(
                share_percent=prepared.share_percent, contract_right_ref=prepared.contract_right_ref, updated_at=now
            )
        households_changed(current["household_id"] for _p, current in updates)
        if ctx.batch is not None:
            audit_batch(
                instance=ctx.batch,
                actor=ctx.user,
                changes={"holdings_created": ["0", str(len(created))], "holdings_updated": ["0", str(len(updates))]},
            )
        return written

    def undo(self, created, updated, ctx: Context) -> None:
        updated = list(updated)
        created_ids = [pk for _m, pk in created]
        if ContractHolding.objects.filter(pk__in=created_ids, agreement__isnull=False).exists():
            raise DomainError(_("本批导入的承包户已签订补偿协议,不能整批撤销"))
        with transaction.atomic():
            for _m, pk, before in updated:
                ContractHolding.objects.filter(pk=pk).update(
                    share_percent=Decimal(before["share_percent"]),
                    contract_right_ref=before["contract_right_ref"],
                    updated_at=timezone.now(),
                )
            ContractHolding.objects.filter(pk__in=created_ids).delete()
            households_changed(
                ContractHolding.objects.filter(pk__in=[pk for _m, pk, _b in updated]).values_list(
                    "household_id", flat=True
                )
            )
            audit_batch(
                instance=ctx.batch, actor=ctx.user, changes={"undone": ["", str(len(created_ids) + len(updated))]}
            )


# --- agreements ----------------------------------------------------------------------------------


@dataclass
class AgreementRow:
    number: str
    project_id: int
    household_id: int
    holding_ids: list[int]
    signed_on: date
    attachments: list[tuple[str, Decimal]]
    supplement_amount: Decimal
    supplement_reason: str


ATTACHMENT_COLUMNS = {"trees": Unit.TREE, "graves": Unit.GRAVE, "structures_m2": Unit.SQUARE_METRE, "wells": Unit.WELL}


@register
class AgreementLedger(_LandLedger):
    key = "land_agreements"
    label = N_("征地补偿协议台账")
    permission = "land.add_agreement"
    reads = (*_LandLedger.reads, "land.ContractHolding", "land.Agreement", "land.CompensationStandard")
    columns = (
        Column("number", N_("协议编号"), ("协议号", "合同编号"), required=True),
        PROJECT,
        VILLAGE,
        GROUP,
        Column("household_number", N_("户编号"), ("户号", "户编码"), required=True),
        Column(
            "parcel_codes",
            N_("地块编号"),
            ("地块", "涉及地块"),
            help=gettext_lazy("多个地块用顿号或逗号分隔;不填则为该户在本项目中全部未签协议的地块"),
        ),
        Column("signed_on", N_("签订日期"), ("签订时间", "协议日期"), kind="date", required=True),
        Column("trees", N_("林木果树"), ("林木", "果树", "树木"), kind="int", unit="株"),
        Column("graves", N_("坟墓"), ("坟", "坟墓数"), kind="int", unit="座"),
        Column("structures_m2", N_("构筑物"), ("构筑物面积", "圈舍"), kind="area", unit="平方米"),
        Column("wells", N_("水井"), ("井",), kind="int", unit="口"),
        Column("supplement_amount", N_("协商补充金额"), ("补充金额", "协商金额"), kind="money", unit="元"),
        Column("supplement_reason", N_("协商补充理由"), ("补充理由",)),
    )
    sample = {
        "number": "ZD1-2026-00001",
        "project": "氧化铝及配套项目(年产80万吨)",
        "village": "甲马石村委会",
        "village_group": "甲马石",
        "household_number": "001-0001",
        "parcel_codes": "ZD-01-0001、ZD-01-0002",
        "signed_on": "2026-03-01",
        "trees": 12,
    }

    def prepare(self, values: dict[str, Any], ctx: Context) -> AgreementRow:
        project = self._project(values, ctx)
        household = self._household(self._group(values, ctx), values["household_number"].strip(), ctx)
        holdings = scope_to_user(ContractHolding.objects.filter(household=household, parcel__project=project), ctx.user)
        codes = [
            c.strip() for c in str(values.get("parcel_codes") or "").replace(",", "、").replace(",", "、").split("、")
        ]
        codes = [c for c in codes if c]
        if codes:
            found = {h.parcel.code: h for h in holdings.select_related("parcel").filter(parcel__code__in=codes)}
            missing = [c for c in codes if c not in found]
            if missing:
                raise RowRejected(
                    _("该户在本项目中没有地块%(codes)s的承包份额") % {"codes": "、".join(missing)}, "parcel_codes"
                )
            chosen = [found[c] for c in codes]
        else:
            chosen = list(holdings.filter(agreement__isnull=True))
        amount = values.get("supplement_amount") or Decimal("0")
        if amount and not values.get("supplement_reason"):
            raise RowRejected(_("有协商补充金额时必须填写理由"), "supplement_reason")
        return AgreementRow(
            number=values["number"].strip(),
            project_id=project.pk,
            household_id=household.pk,
            holding_ids=[h.pk for h in chosen],
            signed_on=values["signed_on"],
            attachments=[(unit, Decimal(values[k])) for k, unit in ATTACHMENT_COLUMNS.items() if values.get(k)],
            supplement_amount=amount,
            supplement_reason=values.get("supplement_reason") or "",
        )

    def natural_key(self, prepared: AgreementRow) -> Hashable:
        return prepared.number

    def existing(self, chunk: list[AgreementRow], ctx: Context) -> dict[Hashable, dict]:
        return {
            row["number"]: row
            for row in Agreement.objects.filter(number__in=[p.number for p in chunk]).values(
                "pk", "number", "household_id", "signed_on"
            )
        }

    def classify(self, prepared: AgreementRow, current: dict | None, ctx: Context) -> str:
        if current is None:
            if not prepared.holding_ids:
                raise RowRejected(_("该户在本项目中没有未签协议的地块"), "parcel_codes")
            if ContractHolding.objects.filter(pk__in=prepared.holding_ids, agreement__isnull=False).exists():
                raise RowRejected(_("所列地块中有已签订协议的份额"), "parcel_codes")
            return "create"
        if current["household_id"] == prepared.household_id and current["signed_on"] == prepared.signed_on:
            return "unchanged"
        raise RowRejected(
            _("协议编号%(number)s已用于另一份协议,已签协议不能通过导入修改") % {"number": prepared.number}, "number"
        )

    def write(self, creates: list[AgreementRow], updates, ctx: Context) -> Written:
        written = Written()
        projects = {p.pk: p for p in Project.objects.filter(pk__in={c.project_id for c in creates})}
        households = Household.objects.select_related("village_group").in_bulk({c.household_id for c in creates})
        for row in creates:
            holdings = list(ContractHolding.objects.filter(pk__in=row.holding_ids))
            try:
                agreement = services.agreement_create(
                    project=projects[row.project_id],
                    household=households[row.household_id],
                    holdings=holdings,
                    signed_on=row.signed_on,
                    number=row.number,
                    attachments=[services.AttachmentCount(unit, qty) for unit, qty in row.attachments],
                    supplement_amount=row.supplement_amount,
                    supplement_reason=row.supplement_reason,
                    actor=ctx.user,
                )
            except DomainError as exc:
                raise DomainError(
                    _("协议%(number)s:%(message)s") % {"number": row.number, "message": exc.message}
                ) from exc
            written.created.append(("land.agreement", agreement.pk))
        return written

    def undo(self, created, updated, ctx: Context) -> None:
        ids = [pk for _m, pk in created]
        if (
            Payment.objects.filter(agreement_id__in=ids).exists()
            or Agreement.objects.filter(pk__in=ids, supplements__isnull=False).exists()
        ):
            raise DomainError(_("本批导入的协议已有兑付或补充协议,不能整批撤销"))
        with transaction.atomic():
            parcels = list(Parcel.objects.filter(holdings__agreement_id__in=ids).distinct())
            households = list(Agreement.objects.filter(pk__in=ids).values_list("household_id", flat=True))
            ContractHolding.objects.filter(agreement_id__in=ids).update(agreement=None, updated_at=timezone.now())
            Agreement.objects.filter(pk__in=ids).delete()
            households_changed(households)
            services.parcel_status_refresh(parcels=parcels, actor=ctx.user)
            audit_batch(instance=ctx.batch, actor=ctx.user, changes={"undone": ["", str(len(ids))]})


# --- payments ------------------------------------------------------------------------------------


@dataclass
class PaymentRow:
    agreement_id: int
    number: str
    voucher_no: str
    amount: Decimal
    paid_on: date
    payee_name: str
    bank_account: str


@register
class PaymentLedger(Ledger):
    key = "land_payments"
    label = N_("征地补偿兑付台账")
    permission = "land.add_payment"
    personal_columns = ("bank_account",)
    # A full bank account is shown to whoever may record payments (land.services.bank_account_reveal);
    # payment sheets often carry the payees' resident IDs too.
    reveal_permissions = ("people.reveal_resident_id", "land.add_payment")
    reads = ("land.Agreement",)
    columns = (
        Column("number", N_("协议编号"), ("协议号", "合同编号"), required=True),
        Column("paid_on", N_("兑付日期"), ("支付日期", "付款日期", "日期"), kind="date", required=True),
        Column("amount", N_("兑付金额"), ("金额", "支付金额", "付款金额"), kind="money", unit="元", required=True),
        Column("voucher_no", N_("凭证号"), ("凭证编号", "记账凭证号", "单据号"), required=True),
        Column("payee_name", N_("收款人"), ("领款人", "收款人姓名"), kind="name", help=gettext_lazy("不填则为户主")),
        Column(
            "bank_account",
            N_("银行账号"),
            ("收款账号", "账号", "银行卡号"),
            help=gettext_lazy("请把该列设为文本格式;系统加密保存,只显示前4位和后4位"),
        ),
    )
    sample = {
        "number": "ZD1-2026-00001",
        "paid_on": "2026-03-20",
        "amount": "68000.00",
        "voucher_no": "记-202603-0001",
        "payee_name": "王小明",
        "bank_account": "6228480123456789012",
    }

    def start(self, ctx: Context) -> None:
        ctx.cache["agreements"] = {}

    def prepare(self, values: dict[str, Any], ctx: Context) -> PaymentRow:
        number = values["number"].strip()
        cache = ctx.cache["agreements"]
        if number not in cache:
            agreement = (
                scope_to_user(Agreement.objects.filter(number=number), ctx.user).select_related("household").first()
            )
            vouchers = (
                dict(
                    Payment.objects.filter(agreement=agreement, reverses__isnull=True).values_list(
                        "voucher_no", "amount"
                    )
                )
                if agreement
                else {}
            )
            cache[number] = (agreement, vouchers, agreement.paid_total if agreement else Decimal("0"))
        agreement, vouchers, running = cache[number]
        if agreement is None:
            raise RowRejected(_("协议编号%(number)s不存在或不在您的管辖范围内") % {"number": number}, "number")
        amount = values["amount"]
        if amount <= 0:
            raise RowRejected(_("兑付金额必须大于0"), "amount")
        voucher = values["voucher_no"].strip()
        used_by = self._project_vouchers(agreement.project_id, ctx).get(voucher)
        if used_by is not None and used_by != agreement.pk:
            raise RowRejected(
                _("凭证号%(voucher)s在本项目中已用于其他协议;凭证号在项目内不能重复") % {"voucher": voucher},
                "voucher_no",
            )
        self._project_vouchers(agreement.project_id, ctx)[voucher] = agreement.pk
        if voucher not in vouchers:  # a payment already recorded (re-import) does not count twice
            if running + amount > agreement.total_amount:
                raise RowRejected(
                    _("累计兑付将超过协议总金额%(total)s元(已兑付%(paid)s元)")
                    % {"total": formats.money(agreement.total_amount), "paid": formats.money(running)},
                    "amount",
                )
            cache[number] = (agreement, vouchers, running + amount)
        if values["paid_on"] < agreement.signed_on or values["paid_on"] > timezone.localdate():
            raise RowRejected(_("兑付日期应在协议签订日期与今天之间"), "paid_on")
        if not values.get("payee_name") and not agreement.household.members.filter(relation="head").exists():
            raise RowRejected(_("该户未登记户主,请填写收款人"), "payee_name")
        return PaymentRow(
            agreement_id=agreement.pk,
            number=number,
            voucher_no=voucher,
            amount=amount,
            paid_on=values["paid_on"],
            payee_name=values.get("payee_name") or "",
            bank_account=str(values.get("bank_account") or ""),
        )

    @staticmethod
    def _project_vouchers(project_id: int, ctx: Context) -> dict[str, int]:
        """Voucher number → agreement id of a project's payments (and of this file's rows so far)."""
        projects = ctx.cache.setdefault("project_vouchers", {})
        if project_id not in projects:
            projects[project_id] = dict(
                Payment.objects.filter(project_id=project_id, reverses__isnull=True).values_list(
                    "voucher_no", "agreement_id"
                )
            )
        return projects[project_id]

    def natural_key(self, prepared: PaymentRow) -> Hashable:
        return (prepared.agreement_id, prepared.voucher_no)

    def existing(self, chunk: list[PaymentRow], ctx: Context) -> dict[Hashable, dict]:
        return {
            (row["agreement_id"], row["voucher_no"]): row
            for row in Payment.objects.filter(
                agreement_id__in={p.agreement_id for p in chunk}, reverses__isnull=True
            ).values("pk", "agreement_id", "voucher_no", "amount", "paid_on")
        }

    def classify(self, prepared: PaymentRow, current: dict | None, ctx: Context) -> str:
        if current is None:
            return "create"
        if current["amount"] == prepared.amount and current["paid_on"] == prepared.paid_on:
            return "unchanged"
        raise RowRejected(
            _("凭证号%(voucher)s已录入且金额或日期不同;兑付记录不能修改,请做冲销") % {"voucher": prepared.voucher_no},
            "voucher_no",
        )

    def write(self, creates: list[PaymentRow], updates, ctx: Context) -> Written:
        written = Written()
        agreements = Agreement.objects.select_related("household").in_bulk({c.agreement_id for c in creates})
        for row in creates:
            try:
                payment = services.payment_record(
                    agreement=agreements[row.agreement_id],
                    amount=row.amount,
                    paid_on=row.paid_on,
                    voucher_no=row.voucher_no,
                    payee_name=row.payee_name,
                    bank_account=row.bank_account,
                    actor=ctx.user,
                )
            except DomainError as exc:
                raise DomainError(
                    _("协议%(number)s:%(message)s") % {"number": row.number, "message": exc.message}
                ) from exc
            agreements[row.agreement_id].refresh_from_db()
            written.created.append(("land.payment", payment.pk))
        return written

    def undo(self, created, updated: Iterable, ctx: Context) -> None:
        """Payments are never deleted: undoing an import appends a reversal entry for each payment it made."""
        ids = [pk for _m, pk in created]
        with transaction.atomic():
            for payment in Payment.objects.filter(pk__in=ids, reversed_by__isnull=True).select_related("agreement"):
                services.payment_reverse(
                    payment=payment, reason=_("撤销导入批次"), actor=ctx.user, check_permission=False
                )
            audit_batch(instance=ctx.batch, actor=ctx.user, changes={"undone": ["", str(len(ids))]})
