from django import forms
from django.utils.translation import gettext_lazy as _

from lianxin.core.forms import StyledForm

from .models import Case, CaseParty, ServiceItem, ServiceStandardCheck


class HouseholdChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        head = getattr(obj, "head_name", None) or ""
        return f"{obj.village_group.name} {obj.number or '#' + str(obj.pk)} {head}".strip()


class CaseBaseForm(StyledForm):
    title = forms.CharField(label=_("标题"), max_length=200)
    description = forms.CharField(label=_("情况描述"), widget=forms.Textarea(attrs={"rows": 4}))
    region = forms.ModelChoiceField(label=_("所属区域"), queryset=None)

    def __init__(self, *args, regions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class DisputeForm(CaseBaseForm):
    dispute_category = forms.ChoiceField(label=_("纠纷类别"), choices=Case.DisputeCategory.choices)
    households = HouseholdChoiceField(label=_("当事户"), queryset=None, required=False)
    persons = forms.ModelMultipleChoiceField(
        label=_("当事人"), queryset=None, required=False, widget=forms.MultipleHiddenInput
    )
    parcels = forms.ModelMultipleChoiceField(
        label=_("涉及地块"), queryset=None, required=False, widget=forms.MultipleHiddenInput
    )
    project = forms.ModelChoiceField(label=_("关联项目"), queryset=None, required=False)

    def __init__(self, *args, households, persons, parcels, projects, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["households"].queryset = households
        self.fields["persons"].queryset = persons
        self.fields["parcels"].queryset = parcels
        self.fields["project"].queryset = projects


class EnterpriseRequestForm(StyledForm):
    service_item = forms.ModelChoiceField(label=_("服务事项"), queryset=None)
    title = forms.CharField(label=_("诉求标题"), max_length=200)
    description = forms.CharField(label=_("诉求内容"), widget=forms.Textarea(attrs={"rows": 4}))
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=None)

    def __init__(self, *args, items, enterprises, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_item"].queryset = items
        self.fields["service_item"].label_from_instance = lambda item: (
            _("%(name)s(%(days)s个工作日)")
            % {
                "name": item.name,
                "days": item.time_limit_workdays,
            }
        )
        self.fields["enterprise"].queryset = enterprises
        if enterprises.count() == 1:
            self.fields["enterprise"].initial = enterprises.first()
            self.fields["enterprise"].widget = forms.HiddenInput()


class SecurityIncidentForm(CaseBaseForm):
    incident_type = forms.ChoiceField(label=_("案件类型"), choices=Case.IncidentType.choices)
    site = forms.CharField(label=_("发案地点/工地"), max_length=120)
    occurred_on = forms.DateField(label=_("发案日期"), widget=forms.DateInput(attrs={"type": "date"}))
    loss_value = forms.DecimalField(
        label=_("损失价值(元)"), max_digits=14, decimal_places=2, min_value=0, required=False
    )


class IntegrityReportForm(StyledForm):
    integrity_category = forms.ChoiceField(
        label=_("举报类别"), choices=[("", "—"), *Case.IntegrityCategory.choices], required=False
    )
    title = forms.CharField(label=_("举报事项"), max_length=200)
    description = forms.CharField(
        label=_("具体情况"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("请写明时间、地点、经过和涉及人员(吃拿卡要、索取好处等)"),
    )
    reported_cadre_name = forms.CharField(label=_("被举报人姓名/职务"), max_length=100, required=False)
    region = forms.ModelChoiceField(label=_("发生地"), queryset=None)
    anonymous = forms.BooleanField(label=_("匿名举报"), required=False, initial=True)
    reporter_name = forms.CharField(label=_("举报人姓名(实名举报填写)"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("联系电话(实名举报填写)"), max_length=30, required=False)

    def __init__(self, *args, regions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class TrackForm(StyledForm):
    code = forms.CharField(label=_("查询码"), max_length=40)
    passphrase = forms.CharField(label=_("查询密码"), max_length=64, widget=forms.PasswordInput)


class ServiceStandardForm(StyledForm):
    """The "六个一" checklist an enterprise answers at the revisit of its request (party: service_standard)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, label in ServiceStandardCheck.ITEMS:
            self.fields[name] = forms.BooleanField(label=label, required=False)

    def service_standard(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(name)) for name, _label in ServiceStandardCheck.ITEMS}


class TransitionForm(ServiceStandardForm):
    to_state = forms.ChoiceField(choices=Case.State.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.ChoiceField(label=_("调处结果"), choices=[("", "—"), *Case.DisputeOutcome.choices], required=False)
    solved = forms.BooleanField(label=_("已破案"), required=False)
    suspects_caught = forms.IntegerField(label=_("抓获嫌疑人"), min_value=0, required=False)
    satisfaction = forms.IntegerField(label=_("满意度(1-5)"), min_value=1, max_value=5, required=False)
    service_standard_asked = forms.BooleanField(label=_("已请企业评价“六个一”"), required=False)


class RatingForm(ServiceStandardForm):
    satisfaction = forms.TypedChoiceField(
        label=_("满意度"),
        coerce=int,
        choices=[
            (5, _("5 非常满意")),
            (4, _("4 满意")),
            (3, _("3 基本满意")),
            (2, _("2 不满意")),
            (1, _("1 很不满意")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("评价意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(StyledForm):
    text = forms.CharField(label=_("办理意见"), widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(StyledForm):
    assignee = forms.ModelChoiceField(label=_("承办人"), queryset=None)
    co_handlers = forms.ModelMultipleChoiceField(label=_("协办人"), queryset=None, required=False)

    def __init__(self, *args, candidates, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        qs = get_user_model().objects.filter(pk__in=[u.pk for u in candidates]).order_by("username")
        self.fields["assignee"].queryset = qs
        self.fields["co_handlers"].queryset = qs


class MediationForm(StyledForm):
    held_on = forms.DateField(label=_("调解日期"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("调解地点"), max_length=120)
    participants = forms.CharField(label=_("参加人员"), widget=forms.Textarea(attrs={"rows": 2}))
    summary = forms.CharField(label=_("调解情况"), widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(StyledForm):
    file = forms.FileField(label=_("附件(JPEG/PNG/PDF)"))


class IncidentResultForm(StyledForm):
    solved = forms.BooleanField(label=_("已破案"), required=False)
    suspects_caught = forms.IntegerField(label=_("抓获嫌疑人"), min_value=0)
    loss_value = forms.DecimalField(
        label=_("损失价值(元)"), max_digits=14, decimal_places=2, min_value=0, required=False
    )


class PartyForm(StyledForm):
    role = forms.ChoiceField(label=_("身份"), choices=CaseParty.Role.choices)


class ServiceItemForm(StyledForm):
    name = forms.CharField(label=_("服务事项"), max_length=100)
    department = forms.CharField(label=_("承办部门"), max_length=60, required=False)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    time_limit_workdays = forms.IntegerField(label=_("承诺时限(工作日)"), min_value=1, max_value=365)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    @classmethod
    def initial_for(cls, item: ServiceItem) -> dict:
        return {name: getattr(item, name) for name in cls.base_fields}


class PatrolLogForm(StyledForm):
    team = forms.CharField(label=_("巡逻队"), max_length=60)
    patrolled_on = forms.DateField(label=_("巡逻日期"), widget=forms.DateInput(attrs={"type": "date"}))
    route = forms.CharField(label=_("巡逻路线"), max_length=200)
    members = forms.CharField(label=_("参加人员"), max_length=200, required=False)
    findings = forms.CharField(label=_("发现情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    region = forms.ModelChoiceField(label=_("区域"), queryset=None)

    def __init__(self, *args, regions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
