from django import forms
from django.utils.translation import gettext_lazy as _

from lianxin.core.forms import FilterForm, IsoDateInput, RegionFilterField, SearchField, StyledForm

from .models import Enterprise, Project


class EnterpriseForm(StyledForm):
    name = forms.CharField(label=_("企业名称"), max_length=120)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=30)
    industry = forms.ChoiceField(label=_("行业"), choices=Enterprise.Industry.choices)
    region = forms.ModelChoiceField(label=_("所在区域"), queryset=None)
    in_park = forms.BooleanField(label=_("园区内企业"), required=False, initial=True)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)

    def __init__(self, *args, regions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class IndicatorForm(StyledForm):
    year = forms.IntegerField(label=_("年度"), min_value=1990, max_value=2100)
    # 15 digits, not the column's 16: what SQLite's double gives back exactly (core.api.EXACT_DIGITS).
    output_value = forms.DecimalField(label=_("产值(元)"), max_digits=15, decimal_places=2, min_value=0)
    tax_paid = forms.DecimalField(label=_("税收(元)"), max_digits=15, decimal_places=2, min_value=0)
    employees = forms.IntegerField(label=_("就业人数"), min_value=0)
    local_employees = forms.IntegerField(label=_("其中本地就业"), min_value=0)


class ProjectForm(StyledForm):
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=None)
    name = forms.CharField(label=_("项目名称"), max_length=150)
    region = forms.ModelChoiceField(label=_("建设地点"), queryset=None)
    capacity = forms.DecimalField(label=_("设计产能"), max_digits=14, decimal_places=2, required=False, min_value=0)
    capacity_unit = forms.CharField(label=_("产能单位"), max_length=20, required=False)
    land_demand_mu = forms.DecimalField(label=_("用地需求(亩)"), max_digits=12, decimal_places=2, min_value=0)
    investment = forms.DecimalField(label=_("计划投资(元)"), max_digits=15, decimal_places=2, min_value=0)
    status = forms.ChoiceField(label=_("状态"), choices=Project.Status.choices)
    started_on = forms.DateField(label=_("开工日期"), required=False, widget=IsoDateInput)

    def __init__(self, *args, enterprises, regions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["region"].queryset = regions


class MilestoneForm(StyledForm):
    name = forms.CharField(label=_("节点"), max_length=100)
    planned_on = forms.DateField(label=_("计划日期"), widget=IsoDateInput)


class EnterpriseFilterForm(FilterForm):
    q = SearchField(
        label=_("企业名称或统一社会信用代码"),
        widget=forms.TextInput(attrs={"placeholder": _("企业名称或统一社会信用代码")}),
    )
    industry = forms.ChoiceField(
        label=_("行业"), choices=[("", _("全部行业")), *Enterprise.Industry.choices], required=False
    )
    region = forms.ModelChoiceField(label=_("所在区域"), queryset=None, required=False, empty_label=_("全部区域"))
    year = forms.IntegerField(
        label=_("统计年度"),
        required=False,
        min_value=1990,
        max_value=2100,
        widget=forms.NumberInput(attrs={"placeholder": _("统计年度")}),
    )
    in_park = forms.BooleanField(label=_("仅看园区内企业"), required=False)

    def __init__(self, *args, regions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["region"].label_from_instance = lambda r: f"{'— ' * (r.depth - 1)}{r.name}"

    def filters(self) -> dict:
        values = self.values
        return {
            "q": values["q"],
            "industry": values["industry"],
            "region": values["region"],
            "year": values["year"],
            "in_park": True if values["in_park"] else None,
        }


class ProjectFilterForm(FilterForm):
    q = SearchField(label=_("项目名称"), widget=forms.TextInput(attrs={"placeholder": _("项目名称")}))
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部状态")), *Project.Status.choices], required=False)
    region = RegionFilterField(label=_("项目所在区域"))
