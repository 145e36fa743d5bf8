"""Forms of the livelihood pages: filters of every list (a bad value is dropped and named, never a 500) and the
entry forms, whose rules live in the services (the forms only parse)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lianxin.core.forms import FilterForm, IsoDateInput, RegionFilterField, SearchField, StyledForm
from lianxin.party.forms import PersonByIdField

from .models import (
    Business,
    FundContribution,
    InsuranceEnrolment,
    JobPosting,
    JobSeeker,
    Placement,
    VillageIndicator,
    VillageProject,
)

EMPTY = [("", "—")]
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.parent.name} {obj.name}" if obj.parent_id and obj.level == "village_group" else obj.name


class YearField(forms.IntegerField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("min_value", 1990)
        kwargs.setdefault("max_value", 2100)
        super().__init__(**kwargs)


# --- filters ------------------------------------------------------------------------------------------------


class RegisterFilterForm(FilterForm):
    STATUS_CHOICES = [
        ("landless", _("失地农民户")),
        ("affected", _("全部被征地户")),
        ("not_landless", _("被征地但未达认定标准")),
    ]
    status = forms.ChoiceField(label=_("范围"), choices=STATUS_CHOICES, required=False)
    village_group = RegionChoiceField(label=_("村民小组"), queryset=None, required=False, empty_label=_("全部"))
    q = SearchField(label=_("户编号"))
    region = RegionFilterField()

    def __init__(self, *args, groups, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village_group"].queryset = groups


class AlertFilterForm(FilterForm):
    year = forms.TypedChoiceField(label=_("调查年度"), coerce=int, required=False, choices=())
    real = forms.BooleanField(label=_("按可比价(扣除物价因素)"), required=False)
    show = forms.ChoiceField(
        label=_("范围"),
        choices=[("", _("收入下降的户")), ("not_worse", _("收入不减少的户")), ("all", _("全部调查户"))],
        required=False,
    )
    village_group = RegionChoiceField(label=_("村民小组"), queryset=None, required=False, empty_label=_("全部"))

    def __init__(self, *args, years, groups, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["village_group"].queryset = groups


class AlertListFilterForm(AlertFilterForm):
    region = RegionFilterField()


class PostingFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("状态"), choices=EMPTY + JobPosting.Status.choices, required=False)
    q = SearchField(label=_("岗位"))


class PlacementFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("状态"), choices=EMPTY + Placement.Status.choices, required=False)
    employed_on = forms.DateField(label=_("在岗失地农民(日期)"), required=False, widget=IsoDateInput)
    started_from = forms.DateField(label=_("上岗日期起"), required=False, widget=IsoDateInput)
    started_to = forms.DateField(label=_("上岗日期止"), required=False, widget=IsoDateInput)
    village_group = RegionChoiceField(label=_("村民小组"), queryset=None, required=False, empty_label=_("全部"))
    region = RegionFilterField()

    def __init__(self, *args, groups, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village_group"].queryset = groups


class TrainingFilterForm(FilterForm):
    q = SearchField(label=_("课程"))
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=IsoDateInput)
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=IsoDateInput)
    region = RegionFilterField(label=_("举办区域"))


class BusinessFilterForm(FilterForm):
    kind = forms.ChoiceField(label=_("类型"), choices=EMPTY + Business.Kind.choices, required=False)
    open = forms.BooleanField(label=_("只看在营"), required=False)
    village_group = RegionChoiceField(label=_("村民小组"), queryset=None, required=False, empty_label=_("全部"))
    region = RegionFilterField()

    def __init__(self, *args, groups, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village_group"].queryset = groups


class InsuranceFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("状态"), choices=EMPTY + InsuranceEnrolment.Status.choices, required=False)
    minimum_income_support = forms.BooleanField(label=_("只看享受低保"), required=False)
    village_group = RegionChoiceField(label=_("村民小组"), queryset=None, required=False, empty_label=_("全部"))
    region = RegionFilterField()

    def __init__(self, *args, groups, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village_group"].queryset = groups


class NotEnrolledFilterForm(FilterForm):
    village_group = RegionChoiceField(label=_("村民小组"), queryset=None, required=False, empty_label=_("全部"))
    region = RegionFilterField()

    def __init__(self, *args, groups, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village_group"].queryset = groups


class PairingFilterForm(FilterForm):
    village = RegionChoiceField(label=_("村"), queryset=None, required=False, empty_label=_("全部"))
    region = RegionFilterField()

    def __init__(self, *args, villages, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages


class ProjectFilterForm(FilterForm):
    village = RegionChoiceField(label=_("村"), queryset=None, required=False, empty_label=_("全部"))
    kind = forms.ChoiceField(label=_("类别"), choices=EMPTY + VillageProject.Kind.choices, required=False)
    status = forms.ChoiceField(label=_("状态"), choices=EMPTY + VillageProject.Status.choices, required=False)
    region = RegionFilterField()

    def __init__(self, *args, villages, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages


class YearFilterForm(FilterForm):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False, choices=())

    def __init__(self, *args, years, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]


class IndicatorFilterForm(YearFilterForm):
    indicator = forms.ChoiceField(label=_("指标"), choices=EMPTY + VillageIndicator.Indicator.choices, required=False)
    region = RegionFilterField()


# --- entry ---------------------------------------------------------------------------------------------------


class RuleForm(StyledForm):
    name = forms.CharField(label=_("名称"), max_length=100)
    valid_from = forms.DateField(label=_("起始日期"), widget=IsoDateInput)
    valid_to = forms.DateField(label=_("截止日期"), required=False, widget=IsoDateInput)
    max_mu_per_person = forms.DecimalField(
        label=_("人均剩余耕地低于(亩)"), required=False, max_digits=8, decimal_places=2, min_value=0
    )
    min_share_lost_percent = forms.DecimalField(
        label=_("被征地比例不低于(%)"), required=False, max_digits=5, decimal_places=2, min_value=0, max_value=100
    )
    working_age_from = forms.IntegerField(label=_("劳动年龄下限(周岁)"), initial=16, min_value=14, max_value=30)
    working_age_to_male = forms.IntegerField(
        label=_("男性劳动年龄上限(周岁,不含)"), initial=60, min_value=40, max_value=80
    )
    working_age_to_female = forms.IntegerField(
        label=_("女性劳动年龄上限(周岁,不含)"), initial=55, min_value=40, max_value=80
    )
    basis = forms.CharField(label=_("依据文件"), max_length=200, required=False)


class SurveyForm(StyledForm):
    year = YearField(label=_("年度"))
    kind = forms.ChoiceField(label=_("类型"), choices=[("baseline", _("基线调查")), ("yearly", _("年度调查"))])
    surveyed_on = forms.DateField(label=_("调查日期"), widget=IsoDateInput)
    persons = forms.IntegerField(label=_("家庭人口"), min_value=1, max_value=99)
    agriculture = forms.DecimalField(label=_("农业收入(元)"), initial=0, **MONEY)
    wages = forms.DecimalField(label=_("工资性收入(元)"), initial=0, **MONEY)
    business = forms.DecimalField(label=_("经营性收入(元)"), initial=0, **MONEY)
    transfers = forms.DecimalField(label=_("转移性收入(元)"), initial=0, **MONEY)
    property_income = forms.DecimalField(label=_("财产性收入(补偿款利息等)(元)"), initial=0, **MONEY)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class FollowUpForm(StyledForm):
    year = YearField(label=_("调查年度"))
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class ProjectDocumentForm(StyledForm):
    file = forms.FileField(label=_("文件"), help_text=_("JPEG、PNG照片或PDF,不超过10MB"))
    title = forms.CharField(label=_("说明"), max_length=100, required=False)


class ContactTaskDoneForm(StyledForm):
    result = forms.CharField(label=_("跟进情况"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    done_on = forms.DateField(label=_("跟进日期"), widget=IsoDateInput)


class JobSeekerForm(StyledForm):
    reason = forms.ChoiceField(label=_("失业原因"), choices=JobSeeker.Reason.choices)
    registered_on = forms.DateField(label=_("登记日期"), widget=IsoDateInput)
    skills = forms.CharField(label=_("技能(逗号分隔)"), max_length=200, required=False)


class PostingForm(StyledForm):
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=None, required=False)
    region = RegionChoiceField(label=_("工作地点"), queryset=None)
    title = forms.CharField(label=_("岗位"), max_length=100)
    openings = forms.IntegerField(label=_("招聘人数"), min_value=1, max_value=10000)
    skills = forms.CharField(label=_("技能要求(逗号分隔)"), max_length=200, required=False)
    certificate = forms.CharField(label=_("证书要求"), max_length=100, required=False)
    wage_min = forms.DecimalField(label=_("月工资下限(元)"), **MONEY)
    wage_max = forms.DecimalField(label=_("月工资上限(元)"), **MONEY)
    min_age = forms.IntegerField(label=_("最低年龄"), initial=18, min_value=16, max_value=80)
    max_age = forms.IntegerField(label=_("最高年龄"), initial=50, min_value=16, max_value=80)
    starts_on = forms.DateField(label=_("到岗日期"), widget=IsoDateInput)
    public_welfare = forms.BooleanField(label=_("公益性岗位"), required=False)

    def __init__(self, *args, enterprises, regions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["region"].queryset = regions


class ProposeForm(StyledForm):
    person = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)


class AcceptForm(StyledForm):
    starts_on = forms.DateField(label=_("上岗日期"), widget=IsoDateInput)
    wage = forms.DecimalField(label=_("月工资(元)"), **MONEY)
    contract_no = forms.CharField(label=_("劳动合同编号"), max_length=60, required=False)


class DeclineForm(StyledForm):
    reason = forms.CharField(label=_("未录用原因"), max_length=200)


class QuotaForm(StyledForm):
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=None)
    year = YearField(label=_("年度"))
    committed = forms.IntegerField(label=_("承诺招用人数"), min_value=0, max_value=1_000_000)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, enterprises, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises


class TrainingForm(StyledForm):
    region = RegionChoiceField(label=_("举办区域"), queryset=None)
    course = forms.CharField(label=_("课程"), max_length=100)
    provider = forms.CharField(label=_("培训机构"), max_length=100)
    skill = forms.CharField(label=_("所学技能"), max_length=40, required=False)
    hours = forms.DecimalField(label=_("学时"), max_digits=6, decimal_places=1, min_value=0)
    starts_on = forms.DateField(label=_("开始日期"), widget=IsoDateInput)
    ends_on = forms.DateField(label=_("结束日期"), widget=IsoDateInput)
    certificate = forms.CharField(label=_("结业证书"), max_length=100, required=False)

    def __init__(self, *args, regions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class AttendanceForm(StyledForm):
    person = PersonByIdField()
    completed = forms.BooleanField(label=_("已结业"), required=False)
    certificate_no = forms.CharField(label=_("证书编号"), max_length=60, required=False)

    def __init__(self, *args, persons, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].persons = persons


class BusinessForm(StyledForm):
    owner = PersonByIdField(label=_("经营者身份证号码"))
    kind = forms.ChoiceField(label=_("类型"), choices=Business.Kind.choices)
    name = forms.CharField(label=_("字号"), max_length=100)
    opened_on = forms.DateField(label=_("开业日期"), widget=IsoDateInput)
    employees = forms.IntegerField(label=_("从业人数"), min_value=1, max_value=999, initial=1)
    income_band = forms.ChoiceField(label=_("年收入"), choices=Business.IncomeBand.choices)
    support = forms.CharField(label=_("扶持措施"), max_length=200, required=False)

    def __init__(self, *args, persons, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].persons = persons


class InsuranceForm(StyledForm):
    person = PersonByIdField()
    enrolled_on = forms.DateField(label=_("参保日期"), widget=IsoDateInput)
    government_share = forms.DecimalField(label=_("政府补贴(元)"), **MONEY)
    collective_share = forms.DecimalField(label=_("集体补助(元)"), **MONEY)
    individual_share = forms.DecimalField(label=_("个人缴费(元)"), **MONEY)
    status = forms.ChoiceField(label=_("状态"), choices=InsuranceEnrolment.Status.choices)
    minimum_income_support = forms.BooleanField(label=_("享受低保"), required=False)

    def __init__(self, *args, persons, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].persons = persons


FUND_ROWS = 4


class VillageProjectForm(StyledForm):
    village = RegionChoiceField(label=_("村(村民小组)"), queryset=None)
    name = forms.CharField(label=_("项目名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类别"), choices=VillageProject.Kind.choices)
    status = forms.ChoiceField(label=_("状态"), choices=VillageProject.Status.choices)
    started_on = forms.DateField(label=_("开工日期"), required=False, widget=IsoDateInput)
    accepted_on = forms.DateField(label=_("验收日期"), required=False, widget=IsoDateInput)

    def __init__(self, *args, regions, enterprises, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = regions
        for i in range(1, FUND_ROWS + 1):
            self.fields[f"source_{i}"] = forms.ChoiceField(
                label=_("资金来源%(n)s") % {"n": i}, choices=EMPTY + FundContribution.Source.choices, required=False
            )
            self.fields[f"amount_{i}"] = forms.DecimalField(
                label=_("金额%(n)s(元)") % {"n": i}, required=False, **MONEY
            )
            self.fields[f"enterprise_{i}"] = forms.ModelChoiceField(
                label=_("出资企业%(n)s") % {"n": i}, queryset=enterprises, required=False
            )
        for field in self.fields.values():  # the fund rows were added after StyledForm styled the others
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def funds(self) -> list:
        rows = []
        for i in range(1, FUND_ROWS + 1):
            source = self.cleaned_data.get(f"source_{i}")
            amount = self.cleaned_data.get(f"amount_{i}")
            if source or amount:
                rows.append((source, amount, self.cleaned_data.get(f"enterprise_{i}")))
        return rows


class PairingForm(StyledForm):
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=None)
    village = RegionChoiceField(label=_("村(村民小组)"), queryset=None)
    commitment = forms.CharField(label=_("结对内容"), max_length=200)
    amount = forms.DecimalField(label=_("承诺金额(元)"), **MONEY)
    signed_on = forms.DateField(label=_("结对日期"), widget=IsoDateInput)

    def __init__(self, *args, enterprises, regions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["village"].queryset = regions


class IndicatorForm(StyledForm):
    region = RegionChoiceField(label=_("村(村民小组)"), queryset=None)
    year = YearField(label=_("年度"))
    indicator = forms.ChoiceField(label=_("指标"), choices=VillageIndicator.Indicator.choices)
    target = forms.DecimalField(label=_("目标"), required=False, max_digits=14, decimal_places=2, min_value=0)
    actual = forms.DecimalField(label=_("实绩"), required=False, max_digits=14, decimal_places=2, min_value=0)

    def __init__(self, *args, regions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
