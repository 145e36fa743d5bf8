"""Printable land documents: the compensation agreement (征地补偿协议书, .docx) and a household's
payment statement (兑付明细, .docx and .xlsx).

Both are built from rows the caller has already fetched within the user's scope (views use the
selectors); nothing here queries outside the agreement or household it is given.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.core.documents import OfficialDocument, chinese_date, yuan, yuan_uppercase
from lianxin.imports.xlsx import ExportColumn, export_workbook
from lianxin.people.models import Household, Person
from lianxin.regions.models import Region

from .models import Agreement, ContractHolding, Payment

ZERO = Decimal("0")


def _township(region: Region) -> Region | None:
    ids = [int(pk) for pk in region.path.strip("/").split("/") if pk]
    return Region.objects.filter(pk__in=ids, level=Region.Level.TOWNSHIP).first()


def _place(group: Region) -> str:
    village = group.parent
    return f"{village.name}{group.name}" if village else group.name


def _head(household: Household) -> Person | None:
    return household.members.filter(relation=Person.Relation.HEAD).first() or household.members.order_by("pk").first()


def _area(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.4f}"


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def agreement_document(agreement: Agreement) -> OfficialDocument:
    """The agreement as signed: parties, parcels (class, mu, share), items (unit price × quantity),
    negotiated supplement and supplementary agreements with their reasons, the total in figures and
    in upper case, payment terms and the signature block."""
    household = agreement.household
    group = agreement.village_group
    township = _township(group)
    head = _head(household)
    head_name = head.name if head else household.number
    party_a = _("%(township)s人民政府") % {"township": township.name} if township else _("镇人民政府")

    doc = OfficialDocument(_("征地补偿协议书"), subtitle=_("协议编号：%(number)s") % {"number": agreement.number})
    doc.paragraph(_("甲方(征收方)：%(name)s") % {"name": party_a}, indent=False)
    doc.paragraph(
        _("乙方(被征收户)：%(name)s户(户编号 %(number)s)") % {"name": head_name, "number": household.number or "—"},
        indent=False,
    )
    if head is not None and head.resident_id_masked:
        doc.paragraph(_("户主身份证号码：%(id)s") % {"id": head.resident_id_masked}, indent=False)
    doc.paragraph(
        _("住址：%(place)s%(address)s") % {"place": _place(group), "address": household.address}, indent=False
    )
    doc.paragraph(
        _(
            "为保障%(project)s建设用地，根据《中华人民共和国土地管理法》及其实施条例和%(township)s征地补偿安置方案，"
            "甲乙双方在平等自愿的基础上，就乙方承包土地的征收补偿事宜达成如下协议。"
        )
        % {"project": agreement.project.name, "township": township.name if township else ""}
    )

    holdings = list(
        ContractHolding.objects.filter(agreement=agreement)
        .select_related("parcel__land_class", "parcel__village_group")
        .order_by("parcel__code")
    )
    doc.heading(_("一、征收土地"))
    rows = []
    share_total = ZERO
    for holding in holdings:
        share = holding.share_area_mu
        share_total += share
        rows.append(
            [
                holding.parcel.code,
                holding.parcel.village_group.name,
                f"{holding.parcel.land_class.code} {holding.parcel.land_class.name}",
                _area(holding.parcel.area_mu),
                f"{holding.share_percent}",
                _area(share),
            ]
        )
    doc.table(
        [_("地块编号"), _("村民小组"), _("地类"), _("地块面积(亩)"), _("份额(%)"), _("本户面积(亩)")],
        rows,
        widths_mm=[26, 26, 30, 26, 20, 28],
        total_row=[_("合计"), "", "", "", "", _area(share_total)],
    )

    doc.heading(_("二、补偿项目及金额"))
    items = list(agreement.items.select_related("parcel").order_by("pk"))
    doc.table(
        [_("补偿项目"), _("地块"), _("单价(元)"), _("数量"), _("单位"), _("金额(元)")],
        [
            [
                item.get_item_display() + (f"({item.label})" if item.label else ""),
                item.parcel.code if item.parcel else "",
                _money(item.unit_price),
                f"{item.quantity.normalize():f}"
                if item.quantity == item.quantity.to_integral()
                else _area(item.quantity),
                item.get_unit_display(),
                _money(item.amount),
            ]
            for item in items
        ],
        widths_mm=[38, 22, 24, 24, 16, 32],
        total_row=[_("小计"), "", "", "", "", _money(agreement.items_total)],
    )

    doc.heading(_("三、协商补充"))
    if agreement.supplement_amount:
        doc.paragraph(
            _("经双方协商，甲方另行补充%(amount)s(%(upper)s)。理由：%(reason)s")
            % {
                "amount": yuan(agreement.supplement_amount),
                "upper": yuan_uppercase(agreement.supplement_amount),
                "reason": agreement.supplement_reason,
            }
        )
    else:
        doc.paragraph(_("无。"))
    supplements = list(agreement.supplements.order_by("signed_on", "pk"))
    for supplement in supplements:
        doc.paragraph(
            _("%(date)s签订补充协议%(number)s，增加%(amount)s(%(upper)s)。理由：%(reason)s")
            % {
                "date": chinese_date(supplement.signed_on),
                "number": supplement.number,
                "amount": yuan(supplement.amount),
                "upper": yuan_uppercase(supplement.amount),
                "reason": supplement.reason,
            }
        )

    doc.heading(_("四、补偿总额"))
    doc.paragraph(
        _("本协议补偿总额为人民币%(amount)s(大写：人民币%(upper)s)。")
        % {"amount": yuan(agreement.total_amount), "upper": yuan_uppercase(agreement.total_amount)},
        bold=True,
    )

    doc.heading(_("五、支付方式"))
    doc.paragraph(
        _(
            "甲方在本协议签订后，按征地程序将补偿款支付至乙方指定的银行账户，每笔支付均出具凭证；"
            "补偿款付清之前，甲方不得要求乙方交出土地(先补偿后搬迁)。"
        )
    )
    doc.heading(_("六、交地"))
    doc.paragraph(_("乙方在补偿款全部到账后，按甲方通知的期限交付土地，并不再在该土地上抢种抢建。"))
    doc.heading(_("七、其他"))
    doc.paragraph(
        _("本协议一式三份，甲方、乙方和村民委员会各执一份，自双方签字(盖章)之日起生效。未尽事宜，双方协商解决。")
    )
    signed = chinese_date(agreement.signed_on)
    doc.signatures(
        [
            (_("甲方(盖章)"), party_a),
            (_("乙方(签字)"), head_name),
            (
                _("经办人"),
                (agreement.signed_by.get_full_name() or agreement.signed_by.get_username())
                if agreement.signed_by
                else "",
            ),
            (_("见证(村委会盖章)"), group.parent.name if group.parent else ""),
            (_("日期"), signed),
            (_("日期"), signed),
        ]
    )
    return doc


# -- household statement (兑付明细) -----------------------------------------------------------------
@dataclass
class StatementLine:
    on: dt.date
    kind: str
    agreement: str
    reference: str
    summary: str
    agreed: Decimal | None
    paid: Decimal | None
    order: int = 0  # same day: agreement, then supplement, then payments as entered
    balance: Decimal = ZERO


@dataclass
class HouseholdStatement:
    household: Household
    head_name: str
    place: str
    lines: list[StatementLine]
    agreed_total: Decimal
    paid_total: Decimal

    @property
    def balance(self) -> Decimal:
        return self.agreed_total - self.paid_total


def household_statement(household: Household, agreements: list[Agreement]) -> HouseholdStatement:
    """Every agreement, supplementary agreement, payment and reversal of a household in date order,
    with the running balance (应付 − 已付). ``agreements`` are the household's agreements the user
    may see (the view passes them through the selector)."""
    lines: list[StatementLine] = []
    ids = [a.pk for a in agreements]
    numbers = {a.pk: a.number for a in agreements}
    for agreement in agreements:
        summary = _("按标准%(items)s，协商补充%(extra)s") % {
            "items": yuan(agreement.items_total),
            "extra": yuan(agreement.supplement_amount),
        }
        if agreement.supplement_reason:
            summary += _("(%(reason)s)") % {"reason": agreement.supplement_reason}
        lines.append(
            StatementLine(
                agreement.signed_on,
                _("签订协议"),
                agreement.number,
                "",
                summary,
                agreement.items_total + agreement.supplement_amount,
                None,
                0,
            )
        )
        for supplement in agreement.supplements.all():
            lines.append(
                StatementLine(
                    supplement.signed_on,
                    _("补充协议"),
                    agreement.number,
                    supplement.number,
                    supplement.reason,
                    supplement.amount,
                    None,
                    1,
                )
            )
    payments = Payment.objects.filter(agreement_id__in=ids).select_related("reverses").order_by("paid_on", "pk")
    for payment in payments:
        if payment.reverses_id:
            kind, summary = _("冲销"), payment.reason
        else:
            kind = _("兑付")
            summary = " ".join(filter(None, [payment.payee_name, payment.bank_account_masked]))
        lines.append(
            StatementLine(
                payment.paid_on,
                kind,
                numbers[payment.agreement_id],
                payment.voucher_reference,
                summary,
                None,
                payment.amount,
                2,  # payments and reversals keep the order they were entered in (stable sort)
            )
        )
    lines.sort(key=lambda line: (line.on, line.order))
    balance = ZERO
    agreed_total = paid_total = ZERO
    for line in lines:
        agreed_total += line.agreed or ZERO
        paid_total += line.paid or ZERO
        balance += (line.agreed or ZERO) - (line.paid or ZERO)
        line.balance = balance
    head = _head(household)
    return HouseholdStatement(
        household=household,
        head_name=head.name if head else household.number,
        place=_place(household.village_group),
        lines=lines,
        agreed_total=agreed_total,
        paid_total=paid_total,
    )


def _statement_title(statement: HouseholdStatement) -> str:
    return _("征地补偿兑付明细(%(name)s户)") % {"name": statement.head_name}


def statement_document(statement: HouseholdStatement) -> OfficialDocument:
    """The statement as a printable .docx: household, lines with running balance, totals in figures
    and upper case."""
    doc = OfficialDocument(
        _("征地补偿兑付明细"),
        subtitle=_("%(place)s %(name)s户(户编号 %(number)s)")
        % {"place": statement.place, "name": statement.head_name, "number": statement.household.number or "—"},
    )
    doc.table(
        [_("日期"), _("类型"), _("协议编号"), _("凭证/补充协议号"), _("应付(元)"), _("已付(元)"), _("余额(元)")],
        [
            [
                f"{line.on:%Y-%m-%d}",
                line.kind,
                line.agreement,
                line.reference,
                _money(line.agreed),
                _money(line.paid),
                _money(line.balance),
            ]
            for line in statement.lines
        ],
        widths_mm=[22, 16, 28, 24, 22, 22, 22],
        total_row=[
            _("合计"),
            "",
            "",
            "",
            _money(statement.agreed_total),
            _money(statement.paid_total),
            _money(statement.balance),
        ],
    )
    doc.paragraph(
        _(
            "协议应付合计%(agreed)s(%(agreed_upper)s)，已兑付%(paid)s(%(paid_upper)s)，尚欠%(balance)s(%(balance_upper)s)。"
        )
        % {
            "agreed": yuan(statement.agreed_total),
            "agreed_upper": yuan_uppercase(statement.agreed_total),
            "paid": yuan(statement.paid_total),
            "paid_upper": yuan_uppercase(statement.paid_total),
            "balance": yuan(statement.balance),
            "balance_upper": yuan_uppercase(statement.balance),
        }
    )
    doc.paragraph(_("冲销为对错误兑付的更正，金额为负数。"))
    doc.signatures(
        [
            (_("制表单位(盖章)"), ""),
            (_("户主核对(签字)"), ""),
            (_("制表日期"), chinese_date(timezone.localdate())),
        ]
    )
    return doc


def statement_workbook(statement: HouseholdStatement, *, township: str) -> bytes:
    """The statement as an .xlsx ledger (title, header, 序号, lines, 合计 of 应付 and 已付)."""
    out = io.BytesIO()
    export_workbook(
        out,
        title=f"{township}{_statement_title(statement)}",
        columns=_statement_columns(),
        rows=(
            [line.on, line.kind, line.agreement, line.reference, line.summary, line.agreed, line.paid, line.balance]
            for line in statement.lines
        ),
        township=township,
        generated_on=timezone.localdate(),
    )
    return out.getvalue()


def _statement_columns() -> list[ExportColumn]:
    # Built per call so the labels follow the request's language.
    return [
        ExportColumn(_("日期"), "date"),
        ExportColumn(_("类型")),
        ExportColumn(_("协议编号")),
        ExportColumn(_("凭证/补充协议号")),
        ExportColumn(_("摘要"), width=36),
        ExportColumn(_("应付"), "money", total=True),
        ExportColumn(_("已付"), "money", total=True),
        ExportColumn(_("余额"), "money"),
    ]
