"""The enterprise ledger (企业台账) as the import engine reads it: one row per enterprise, optionally
with one year's indicators (output value, tax, jobs). Natural key: the unified social credit code."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as N_

from lianxin.accounts.services import audit_batch
from lianxin.core.errors import DomainError
from lianxin.core.permissions import scope_to_user
from lianxin.imports.headers import Column
from lianxin.imports.ledger import Context, Ledger, RowRejected, Written, register
from lianxin.regions.models import Region

from .credit_code import credit_code_normalize
from .models import Enterprise, EnterpriseIndicator

with translation.override(None):  # Chinese source labels, whatever language is active
    INDUSTRIES = {str(label): code for code, label in Enterprise.Industry.choices}
INDUSTRIES.update({code: code for code in Enterprise.Industry.values})

FIELDS = ("name", "industry", "region_id", "in_park", "address", "contact_name", "contact_phone")
INDICATOR_FIELDS = ("output_value", "tax_paid", "employees", "local_employees")


@dataclass
class EnterpriseRow:
    credit_code: str
    name: str
    industry: str
    region: Region
    in_park: bool
    address: str
    contact_name: str
    contact_phone: str
    year: int | None
    output_value: Decimal | None
    tax_paid: Decimal | None
    employees: int | None
    local_employees: int | None

    def fields(self) -> dict:
        return {f: (self.region.pk if f == "region_id" else getattr(self, f)) for f in FIELDS}

    def indicator(self) -> dict:
        return {f: getattr(self, f) or 0 for f in INDICATOR_FIELDS}


@register
class EnterpriseLedger(Ledger):
    key = "enterprises"
    label = N_("企业台账")
    permission = "enterprises.add_enterprise"
    personal_columns = ("contact_phone",)
    columns = (
        Column("name", N_("企业名称"), ("名称", "单位名称", "企业全称"), required=True),
        Column(
            "credit_code",
            N_("统一社会信用代码"),
            ("信用代码", "社会信用代码", "统一代码", "组织机构代码"),
            kind="credit_code",
            required=True,
            help=gettext_lazy("18位统一社会信用代码(GB 32100)"),
        ),
        Column("industry", N_("行业"), ("所属行业", "行业类别"), kind="choice", choices=INDUSTRIES),
        Column("region", N_("所在区域"), ("所在地", "所在镇", "所在村", "区域"), required=True),
        Column("in_park", N_("园区内企业"), ("是否园区企业", "园区企业", "是否入园"), kind="bool"),
        Column("address", N_("地址"), ("企业地址", "注册地址")),
        Column("contact_name", N_("联系人"), ("负责人",), kind="name"),
        Column("contact_phone", N_("联系电话"), ("电话", "联系方式"), kind="phone"),
        Column("year", N_("年度"), ("统计年度", "年份"), kind="int", help=gettext_lazy("填写年度指标时必填")),
        Column("output_value", N_("产值"), ("总产值", "工业总产值", "产值(万元)"), kind="money", unit="元"),
        Column("tax_paid", N_("税收"), ("上缴税金", "纳税额", "税金", "上交税收"), kind="money", unit="元"),
        Column("employees", N_("就业人数"), ("从业人员", "职工人数", "用工人数"), kind="int"),
        Column("local_employees", N_("其中本地就业"), ("本地就业", "本地用工", "本地就业人数"), kind="int"),
    )
    sample = {
        "name": "示范铝业有限公司",
        "credit_code": "91532622MA6K000014",
        "industry": "制造业",
        "region": "示范镇",
        "in_park": "是",
        "address": "示范县工业园区",
        "contact_name": "张明",
        "contact_phone": "0876-3100001",
        "year": 2025,
        "output_value": "42000万元",
        "tax_paid": "5280万元",
        "employees": 1850,
        "local_employees": 1320,
    }

    def start(self, ctx: Context) -> None:
        regions = scope_to_user(Region.objects.all(), ctx.user)
        ctx.cache["regions"] = {region.name: region for region in regions}

    def prepare(self, values: dict[str, Any], ctx: Context) -> EnterpriseRow:
        try:
            code = credit_code_normalize(values["credit_code"])
        except ValidationError as exc:
            raise RowRejected(exc.messages[0], "credit_code") from exc
        region = ctx.cache["regions"].get(values["region"])
        if region is None:
            raise RowRejected(_("区域“%(name)s”不存在或不在您的管辖范围内") % {"name": values["region"]}, "region")
        has_figures = any(values.get(f) is not None for f in INDICATOR_FIELDS)
        if has_figures and not values.get("year"):
            raise RowRejected(_("填写了产值、税收或就业人数时须填写年度"), "year")
        if (values.get("local_employees") or 0) > (values.get("employees") or 0):
            raise RowRejected(_("本地就业人数不能大于就业人数"), "local_employees")
        return EnterpriseRow(
            credit_code=code,
            name=values["name"],
            industry=values.get("industry") or Enterprise.Industry.OTHER,
            region=region,
            in_park=True if values.get("in_park") is None else values["in_park"],
            address=values.get("address") or "",
            contact_name=values.get("contact_name") or "",
            contact_phone=values.get("contact_phone") or "",
            year=values.get("year") if has_figures else None,
            output_value=values.get("output_value"),
            tax_paid=values.get("tax_paid"),
            employees=values.get("employees"),
            local_employees=values.get("local_employees"),
        )

    def natural_key(self, prepared: EnterpriseRow) -> str:
        return prepared.credit_code

    def existing(self, chunk: list[EnterpriseRow], ctx: Context) -> dict[str, dict]:
        codes = [p.credit_code for p in chunk]
        current = {
            row["credit_code"]: {**row, "indicators": {}}
            for row in Enterprise.objects.filter(credit_code__in=codes).values(
                "pk", "credit_code", "region__path", *FIELDS
            )
        }
        for row in EnterpriseIndicator.objects.filter(enterprise__credit_code__in=codes).values(
            "pk", "enterprise__credit_code", "year", *INDICATOR_FIELDS
        ):
            current[row["enterprise__credit_code"]]["indicators"][row["year"]] = row
        return current

    def classify(self, prepared: EnterpriseRow, current: dict | None, ctx: Context) -> str:
        if current is None:
            return "create"
        if not scope_to_user(Enterprise.objects.filter(pk=current["pk"]), ctx.user).exists():
            raise RowRejected(_("该企业不在您的管辖范围内"), "credit_code")
        changed = any(current[f] != v for f, v in prepared.fields().items())
        if prepared.year is not None:
            stored = current["indicators"].get(prepared.year)
            changed |= stored is None or any(stored[f] != v for f, v in prepared.indicator().items())
        return "update" if changed else "unchanged"

    def write(self, creates: list[EnterpriseRow], updates: list[tuple[EnterpriseRow, dict]], ctx: Context) -> Written:
        written = Written()
        created = Enterprise.objects.bulk_create(
            [Enterprise(credit_code=p.credit_code, **p.fields()) for p in creates], batch_size=500
        )
        ids = {e.credit_code: e.pk for e in created}
        written.created.extend(("enterprises.enterprise", e.pk) for e in created)
        now = timezone.now()
        changed = []
        indicators_new, indicators_changed = [], []
        for prepared, current in updates:
            ids[prepared.credit_code] = current["pk"]
            before = {f: current[f] for f in FIELDS}
            if any(current[f] != v for f, v in prepared.fields().items()):
                written.updated.append(("enterprises.enterprise", current["pk"], before))
                changed.append(Enterprise(pk=current["pk"], updated_at=now, **prepared.fields()))
            stored = current["indicators"].get(prepared.year) if prepared.year is not None else None
            if stored is not None and any(stored[f] != v for f, v in prepared.indicator().items()):
                written.updated.append(
                    ("enterprises.enterpriseindicator", stored["pk"], {f: str(stored[f]) for f in INDICATOR_FIELDS})
                )
                indicators_changed.append(EnterpriseIndicator(pk=stored["pk"], updated_at=now, **prepared.indicator()))
        for prepared in [*creates, *(p for p, c in updates if p.year is not None and p.year not in c["indicators"])]:
            if prepared.year is not None:
                indicators_new.append(
                    EnterpriseIndicator(
                        enterprise_id=ids[prepared.credit_code], year=prepared.year, **prepared.indicator()
                    )
                )
        Enterprise.objects.bulk_update(changed, [*FIELDS, "updated_at"], batch_size=500)
        for indicator in EnterpriseIndicator.objects.bulk_create(indicators_new, batch_size=500):
            written.created.append(("enterprises.enterpriseindicator", indicator.pk))
        EnterpriseIndicator.objects.bulk_update(indicators_changed, [*INDICATOR_FIELDS, "updated_at"], batch_size=500)
        if ctx.batch is not None:
            audit_batch(
                instance=ctx.batch,
                actor=ctx.user,
                changes={
                    "enterprises_created": ["0", str(len(created))],
                    "enterprises_updated": ["0", str(len(changed))],
                    "indicators_written": ["0", str(len(indicators_new) + len(indicators_changed))],
                },
            )
        return written

    def undo(self, created, updated, ctx: Context) -> None:
        updated = list(updated)
        since = ctx.batch.committed_at
        enterprise_ids = [pk for m, pk in created if m == "enterprises.enterprise"] + [
            pk for m, pk, _b in updated if m == "enterprises.enterprise"
        ]
        if Enterprise.objects.filter(pk__in=enterprise_ids, updated_at__gt=since).exists():
            raise DomainError(_("本批导入的企业在导入后又被修改过,撤销会丢失这些修改,不能整批撤销"))
        with transaction.atomic():
            EnterpriseIndicator.objects.filter(
                pk__in=[pk for m, pk in created if m == "enterprises.enterpriseindicator"]
            ).delete()
            for model, pk, before in updated:
                if model == "enterprises.enterprise":
                    Enterprise.objects.filter(pk=pk).update(updated_at=timezone.now(), **before)
                else:
                    EnterpriseIndicator.objects.filter(pk=pk).update(
                        updated_at=timezone.now(), **{f: Decimal(v) for f, v in before.items()}
                    )
            Enterprise.objects.filter(pk__in=[pk for m, pk in created if m == "enterprises.enterprise"]).delete()
            audit_batch(instance=ctx.batch, actor=ctx.user, changes={"undone": ["", str(len(created) + len(updated))]})
