from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from lianxin.core import formats
from lianxin.core.forms import FilterForm, IsoDateInput, SearchField, StyledForm
from lianxin.regions.models import Region

from .models import Compensation, HandoverOverride, LandClass, Parcel, ProcedureMilestone, Unit

DATE = IsoDateInput()
AREA = {"max_digits": 12, "decimal_places": 4, "min_value": Decimal("0.0001")}
# 15 digits, not the column's 16: what SQLite's double gives back exactly (core.api.EXACT_DIGITS).
MONEY = {"max_digits": 15, "decimal_places": 2}


class ParcelForm(StyledForm):
    project = forms.ModelChoiceField(label=_("项目"), queryset=None)
    village_group = forms.ModelChoiceField(label=_("村民小组"), queryset=None)
    code = forms.CharField(label=_("地块编号"), max_length=40)
    land_class = forms.ModelChoiceField(label=_("地类"), queryset=LandClass.objects.all())
    area_mu = forms.DecimalField(label=_("测量面积(亩)"), **AREA)
    surveyed_on = forms.DateField(label=_("测量日期"), widget=DATE)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, projects=None, village_groups=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["village_group"].queryset = village_groups


class HoldingForm(StyledForm):
    household = forms.CharField(label=_("户编号"), max_length=30)
    share_percent = forms.DecimalField(
        label=_("份额(%)"), max_digits=5, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal("100")
    )
    contract_right_ref = forms.CharField(label=_("承包经营权证号"), max_length=60, required=False)


class StandardForm(StyledForm):
    region = forms.ModelChoiceField(label=_("适用区域"), queryset=None)
    item = forms.ChoiceField(label=_("补偿项目"), choices=Compensation.choices)
    land_class = forms.ModelChoiceField(
        label=_("地类"), queryset=LandClass.objects.all(), required=False, empty_label=_("所有地类")
    )
    unit = forms.ChoiceField(label=_("计量单位"), choices=Unit.choices, initial=Unit.MU)
    unit_price = forms.DecimalField(label=_("单价(元)"), max_digits=14, decimal_places=2, min_value=Decimal("0"))
    effective_from = forms.DateField(label=_("生效日期"), widget=DATE)
    effective_to = forms.DateField(label=_("失效日期"), widget=DATE, required=False, help_text=_("不填表示长期有效"))
    basis = forms.CharField(label=_("依据文件"), max_length=200, required=False)

    def __init__(self, *args, regions=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class StandardEndForm(StyledForm):
    effective_to = forms.DateField(label=_("失效日期"), widget=DATE)


class AgreementForm(StyledForm):
    """Signing an agreement: the household's unsigned shares (checked by default), attachments, supplement."""

    holdings = forms.MultipleChoiceField(label=_("地块份额"), widget=forms.CheckboxSelectMultiple)
    number = forms.CharField(label=_("协议编号"), max_length=40, required=False, help_text=_("不填则自动编号"))
    signed_on = forms.DateField(label=_("签订日期"), widget=DATE)
    trees = forms.DecimalField(label=_("林木果树(株)"), required=False, min_value=0, max_digits=14, decimal_places=0)
    graves = forms.DecimalField(label=_("坟墓(座)"), required=False, min_value=0, max_digits=14, decimal_places=0)
    structures_m2 = forms.DecimalField(
        label=_("构筑物(平方米)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    wells = forms.DecimalField(label=_("水井(口)"), required=False, min_value=0, max_digits=14, decimal_places=0)
    supplement_amount = forms.DecimalField(label=_("协商补充金额(元)"), required=False, min_value=0, **MONEY)
    supplement_reason = forms.CharField(label=_("协商补充理由"), max_length=300, required=False)

    ATTACHMENT_FIELDS = {
        "trees": Unit.TREE,
        "graves": Unit.GRAVE,
        "structures_m2": Unit.SQUARE_METRE,
        "wells": Unit.WELL,
    }

    def __init__(self, *args, holdings=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holdings"].choices = [
            (
                str(h.pk),
                _("%(code)s(%(cls)s,%(area)s亩,份额%(share)s%%)")
                % {
                    "code": h.parcel.code,
                    "cls": h.parcel.land_class.name,
                    "area": formats.area_exact(h.parcel.area_mu),
                    "share": h.share_percent,
                },
            )
            for h in holdings
        ]
        self.fields["holdings"].widget.attrs["class"] = "form-check-input"


class PaymentForm(StyledForm):
    amount = forms.DecimalField(label=_("金额(元)"), min_value=Decimal("0.01"), **MONEY)
    paid_on = forms.DateField(label=_("兑付日期"), widget=DATE)
    voucher_no = forms.CharField(label=_("凭证号"), max_length=40)
    payee_name = forms.CharField(label=_("收款人"), max_length=50, required=False, help_text=_("不填则为户主"))
    bank_account = forms.CharField(label=_("银行账号"), max_length=40, required=False)


class ReversalForm(StyledForm):
    reason = forms.CharField(label=_("冲销理由"), max_length=300)


class SupplementForm(StyledForm):
    number = forms.CharField(label=_("补充协议编号"), max_length=40)
    signed_on = forms.DateField(label=_("签订日期"), widget=DATE)
    amount = forms.DecimalField(label=_("增加金额(元)"), min_value=Decimal("0.01"), **MONEY)
    reason = forms.CharField(label=_("理由"), max_length=300)


class HandoverForm(StyledForm):
    handed_over_on = forms.DateField(label=_("交地日期"), widget=DATE)


class HandoverOverrideForm(StyledForm):
    """A working-group member proposes handing over before every holder is paid (先行交地)."""

    handed_over_on = forms.DateField(label=_("拟交地日期"), widget=DATE)
    reason_category = forms.ChoiceField(label=_("理由类别"), choices=[("", "—"), *HandoverOverride.Reason.choices])
    reason = forms.CharField(
        label=_("具体理由"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("须由镇领导(非提请人)批准后才交地;提请和审批均记入审计日志"),
    )


class OverrideDecisionForm(StyledForm):
    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(choices=[(APPROVE, _("批准")), (REJECT, _("驳回"))], widget=forms.HiddenInput)
    note = forms.CharField(label=_("审批意见"), max_length=300, required=False)


class AttachmentForm(StyledForm):
    title = forms.CharField(label=_("名称"), max_length=100, required=False)
    file = forms.FileField(label=_("文件"), help_text=_("PDF、图片或Word/Excel文件,不超过20 MB"))


class ContractRightForm(StyledForm):
    contracted_area_mu = forms.DecimalField(label=_("承包面积(亩)"), max_digits=12, decimal_places=4, min_value=0)
    certificate_no = forms.CharField(label=_("承包经营权证编号"), max_length=60, required=False)


class MilestoneForm(StyledForm):
    step = forms.ChoiceField(label=_("程序环节"), choices=ProcedureMilestone.Step.choices)
    started_on = forms.DateField(label=_("开始日期"), widget=DATE, required=False)
    completed_on = forms.DateField(label=_("完成日期"), widget=DATE, required=False)
    not_required = forms.BooleanField(label=_("无需进行"), required=False)
    document = forms.FileField(label=_("文件"), required=False)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)


MAX_ID = 2**31 - 1


class ParcelFilterForm(FilterForm):
    project = forms.ModelChoiceField(label=_("项目"), queryset=None, required=False, empty_label=_("全部项目"))
    village_group = forms.ModelChoiceField(
        label=_("村民小组"), queryset=None, required=False, empty_label=_("全部小组")
    )
    land_class = forms.ModelChoiceField(
        label=_("地类"), queryset=LandClass.objects.all(), required=False, empty_label=_("全部地类")
    )
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部状态")), *Parcel.Status.choices], required=False)
    q = SearchField(
        label=_("地块编号"),
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": _("地块编号"), "aria-label": _("地块编号")}),
    )
    mismatch = forms.BooleanField(label=_("面积不符"), required=False)
    reached = forms.ChoiceField(
        label=_("进度达到"), choices=[("", _("全部进度")), *Parcel.Status.choices], required=False
    )
    handed_over_from = forms.DateField(label=_("交地日期自"), required=False, widget=IsoDateInput)
    handed_over_to = forms.DateField(label=_("交地日期至"), required=False, widget=IsoDateInput)

    def __init__(self, *args, projects=None, village_groups=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["village_group"].queryset = village_groups if village_groups is not None else Region.objects.none()
        self.fields["village_group"].label_from_instance = lambda r: (
            f"{r.parent.name} {r.name}" if r.level == Region.Level.VILLAGE_GROUP and r.parent_id else r.name
        )

    def filters(self) -> dict:
        values = self.values
        return {
            "project": values["project"],
            "village_group": values["village_group"],
            "land_class": values["land_class"],
            "status": values["status"] or "",
            "q": values["q"] or "",
            "mismatch": bool(values["mismatch"]),
            "reached": values["reached"] or "",
            "handed_over_from": values["handed_over_from"],
            "handed_over_to": values["handed_over_to"],
        }


class LedgerFilterForm(FilterForm):
    """The filters of the agreement and payment lists: project, village (group), a search by number and
    "unpaid balance" (未兑付完毕)."""

    project = forms.ModelChoiceField(label=_("项目"), queryset=None, required=False, empty_label=_("全部项目"))
    village_group = forms.ModelChoiceField(
        label=_("村民小组"), queryset=None, required=False, empty_label=_("全部小组")
    )
    q = SearchField(label=_("查找"), max_length=40)
    unpaid = forms.BooleanField(label=_("仅看未兑付完毕"), required=False)

    def __init__(self, *args, projects, village_groups, placeholder, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["village_group"].queryset = village_groups
        self.fields["q"].widget.attrs.update(placeholder=placeholder, **{"aria-label": placeholder})


class AgreementFilterForm(LedgerFilterForm):
    """The agreement list's filters, with the signing dates (inclusive)."""

    signed_from = forms.DateField(label=_("签订日期自"), required=False, widget=IsoDateInput)
    signed_to = forms.DateField(label=_("签订日期至"), required=False, widget=IsoDateInput)


class PaymentFilterForm(LedgerFilterForm):
    """The payment list's filters, with the payment dates (inclusive)."""

    paid_from = forms.DateField(label=_("兑付日期自"), required=False, widget=IsoDateInput)
    paid_to = forms.DateField(label=_("兑付日期至"), required=False, widget=IsoDateInput)


class AgreementStartForm(FilterForm):
    """The agreement form's choice of project and household (and the household search), from the query string."""

    project = forms.ModelChoiceField(label=_("项目"), queryset=None, required=False)
    household = forms.IntegerField(label=_("户"), required=False, min_value=1, max_value=MAX_ID)
    q = SearchField(label=_("查找"), max_length=40)

    def __init__(self, *args, projects, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects


class StandardFilterForm(FilterForm):
    item = forms.ChoiceField(label=_("补偿项目"), choices=[("", _("全部项目")), *Compensation.choices], required=False)
    on = forms.DateField(label=_("适用日期"), required=False, widget=IsoDateInput)


class ProgressFilterForm(FilterForm):
    village_group = forms.ModelChoiceField(label=_("村(组)"), queryset=None, required=False)
    days = forms.IntegerField(label=_("久拖未签天数"), required=False, min_value=0, max_value=3650)

    def __init__(self, *args, regions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village_group"].queryset = regions
