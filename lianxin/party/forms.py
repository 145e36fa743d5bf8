"""Forms of the Party pages: they parse input only; every rule is the services' (errors come back on the field)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianxin.core.forms import FilterForm, IsoDateInput, RegionFilterField, SearchField, StyledForm
from lianxin.people.identity import resident_id_parse

from .models import Activity, Attendance, CommitteePost, Member, MembershipTransfer, Organization, PartyRules, Step
from .rules import DevelopmentOutcome

EMPTY = [("", "—")]


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{'— ' * max(obj.depth - 1, 0)}{obj.name}"


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.person.name}({obj.organization.name})"


class MemberMultipleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.person.name}({obj.organization.name})"


class GroupChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.parent.name} {obj.name}" if obj.parent_id else obj.name


class PersonByIdField(forms.CharField):
    """A person picked by their full resident ID (found through the blind index, within the user's scope): the
    name and number are never retyped into Party records."""

    def __init__(self, *, persons=None, **kwargs) -> None:
        kwargs.setdefault("label", _("身份证号码"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", _("填写完整的18位身份证号码,人员须已在人口台账中登记"))
        super().__init__(**kwargs)
        self.persons = persons

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            parsed = resident_id_parse(value)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        from lianxin.people.identity import resident_id_digests

        person = self.persons.filter(resident_id_digest__in=resident_id_digests(parsed.number)).first()
        if person is None:
            raise ValidationError(_("人口台账中没有这个身份证号码的人员(或不在您的管辖范围内),请先登记人口"))
        return person


# --- organisations --------------------------------------------------------------------------------------------


class OrganizationForm(StyledForm):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类别"), choices=Organization.Kind.choices)
    parent = OrgChoiceField(label=_("上级党组织"), queryset=None, required=False)
    region = forms.ModelChoiceField(label=_("所在区域"), queryset=None)
    covered_groups = GroupChoiceField(label=_("覆盖的村民小组"), queryset=None, required=False)
    projects = forms.ModelMultipleChoiceField(label=_("覆盖的项目"), queryset=None, required=False)
    enterprises = forms.ModelMultipleChoiceField(label=_("覆盖的企业(单位)"), queryset=None, required=False)
    founded_on = forms.DateField(label=_("成立日期"), widget=IsoDateInput)
    founding_reason = forms.CharField(
        label=_("成立原因"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("临时党支部必填")
    )
    party_groups = forms.IntegerField(label=_("党小组数"), min_value=0, max_value=50, initial=0)

    def __init__(self, *args, organizations, regions, groups, projects, enterprises, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = organizations
        self.fields["region"].queryset = regions
        self.fields["region"].label_from_instance = lambda r: f"{'— ' * max(r.depth - 2, 0)}{r.name}"
        self.fields["covered_groups"].queryset = groups
        self.fields["projects"].queryset = projects
        self.fields["enterprises"].queryset = enterprises
        for name in ("covered_groups", "projects", "enterprises"):
            self.fields[name].widget.attrs["size"] = 6
        if editing:
            for name in ("kind", "parent", "founded_on", "founding_reason"):
                self.fields[name].disabled = True
                self.fields[name].required = False
            self.fields["reason"] = forms.CharField(label=_("变更原因"), required=False, max_length=200)
            self.fields["reason"].widget.attrs["class"] = "form-control"


class DissolveForm(StyledForm):
    on = forms.DateField(label=_("撤销日期"), widget=IsoDateInput)
    reason = forms.CharField(label=_("撤销原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class TermForm(StyledForm):
    elected_on = forms.DateField(label=_("选举日期"), widget=IsoDateInput)
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for post, label in CommitteePost.Post.choices:
            field = MemberChoiceField(label=label, queryset=members, required=post == CommitteePost.Post.SECRETARY)
            field.widget.attrs["class"] = "form-select"
            self.fields[f"post_{post}"] = field
        self.fields["extra_members"] = MemberMultipleField(label=_("其他委员"), queryset=members, required=False)
        self.fields["extra_members"].widget.attrs["class"] = "form-select"

    def posts(self) -> list:
        data = self.cleaned_data
        posts = [(data[f"post_{p}"], p) for p in CommitteePost.Post.values if data.get(f"post_{p}")]
        posts += [(m, CommitteePost.Post.MEMBER) for m in data.get("extra_members") or []]
        return posts


class PlanForm(StyledForm):
    organization = OrgChoiceField(label=_("党支部"), queryset=None)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quota = forms.IntegerField(label=_("计划发展数"), min_value=0, max_value=999)

    def __init__(self, *args, organizations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


# --- members --------------------------------------------------------------------------------------------------


class MemberDetailsForm(StyledForm):
    party_post = forms.CharField(label=_("党内职务"), max_length=60, required=False)
    education = forms.ChoiceField(label=_("学历"), choices=EMPTY + Member.Education.choices, required=False)
    occupation = forms.ChoiceField(label=_("职业"), choices=EMPTY + Member.Occupation.choices, required=False)
    languages = forms.ModelMultipleChoiceField(
        label=_("使用语言"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    non_resident = forms.BooleanField(label=_("不在本镇居住"), required=False)
    residence = forms.CharField(label=_("居住地"), max_length=100, required=False)
    dues_category = forms.ChoiceField(label=_("党费计算类别"), choices=Member.DuesCategory.choices)
    monthly_income = forms.DecimalField(label=_("月工资收入(税后,元)"), max_digits=12, decimal_places=2, required=False)
    dues_fixed = forms.DecimalField(
        label=_("农民党员月交党费(元)"), max_digits=4, decimal_places=2, required=False, help_text=_("0.2至1元")
    )

    def __init__(self, *args, languages, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["languages"].queryset = languages
        self.fields["languages"].widget.attrs["class"] = ""

    def details(self) -> dict:
        data = dict(self.cleaned_data)
        return {
            k: data[k]
            for k in (
                "party_post",
                "education",
                "occupation",
                "non_resident",
                "residence",
                "dues_category",
                "monthly_income",
                "dues_fixed",
            )
        }


class MemberRegisterForm(MemberDetailsForm):
    """Putting a member who joined earlier (or elsewhere) on the books."""

    person = PersonByIdField()
    organization = OrgChoiceField(label=_("组织关系所在党支部"), queryset=None)
    stage = forms.ChoiceField(
        label=_("人员类别"), choices=[(Member.Stage.FULL, _("正式党员")), (Member.Stage.PROBATIONARY, _("预备党员"))]
    )
    applied_on = forms.DateField(label=_("入党申请日期"), widget=IsoDateInput, required=False)
    joined_on = forms.DateField(label=_("入党日期"), widget=IsoDateInput, help_text=_("支部大会通过其为预备党员之日"))
    full_on = forms.DateField(label=_("转为正式党员日期"), widget=IsoDateInput, required=False)
    extended_months = forms.IntegerField(label=_("延长预备期(月)"), min_value=0, max_value=12, required=False)

    field_order = ["person", "organization", "stage", "applied_on", "joined_on", "full_on", "extended_months"]

    def __init__(self, *args, persons, organizations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].persons = persons
        self.fields["organization"].queryset = organizations
        self.order_fields(self.field_order)


class TransferForm(StyledForm):
    direction = forms.ChoiceField(label=_("类型"), choices=MembershipTransfer.Direction.choices)
    on = forms.DateField(label=_("转接日期"), widget=IsoDateInput)
    to_organization = OrgChoiceField(label=_("转入党组织(镇内)"), queryset=None, required=False)
    external_unit = forms.CharField(label=_("镇外党组织"), max_length=100, required=False)
    letter_number = forms.CharField(label=_("介绍信编号"), max_length=40, required=False)
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)

    def __init__(self, *args, organizations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_organization"].queryset = organizations


class SecondForm(StyledForm):
    seconded_to = OrgChoiceField(
        label=_("选派到临时党支部"), queryset=None, required=False, help_text=_("留空表示结束选派")
    )
    on = forms.DateField(label=_("日期"), widget=IsoDateInput)

    def __init__(self, *args, organizations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seconded_to"].queryset = organizations


class LeaveForm(StyledForm):
    status = forms.ChoiceField(
        label=_("原因"),
        choices=[
            (s, Member.Status(s).label)
            for s in (Member.Status.DECEASED, Member.Status.WITHDRAWN, Member.Status.EXPELLED)
        ],
    )
    on = forms.DateField(label=_("日期"), widget=IsoDateInput)
    reason = forms.CharField(label=_("说明"), max_length=200, required=False)


class MemberAccountForm(StyledForm):
    """The member's own account (党员本人的系统账号): what is handed to the member (a contact-household follow-up)
    reaches that account's 待办. Offered: active accounts within the officer's area not linked to another member."""

    account = forms.ModelChoiceField(
        label=_("系统账号"),
        queryset=None,
        required=False,
        empty_label=_("(不关联)"),
        help_text=_("党员本人使用的账号:交给其办理的联户跟进进入此账号的待办。选“(不关联)”即解除关联。"),
    )

    def __init__(self, *args, member: Member, user, **kwargs) -> None:
        from lianxin.accounts.models import User

        super().__init__(*args, initial={"account": member.account_id}, **kwargs)
        accounts = User.objects.filter(Q(party_member__isnull=True) | Q(pk=member.account_id), is_active=True)
        if user.scope_region_id:
            accounts = accounts.filter(scope_region__path__startswith=user.scope_region.path)
        field = self.fields["account"]
        field.queryset = accounts.order_by("username")
        field.label_from_instance = lambda u: f"{u.get_full_name() or u.username}({u.username},{u.get_role_display()})"


class MemberFilterForm(FilterForm):
    q = SearchField(label=_("姓名"))
    organization = OrgChoiceField(label=_("党组织"), queryset=None, required=False, empty_label=_("全部"))
    stage = forms.ChoiceField(
        label=_("类别"),
        required=False,
        choices=EMPTY + [(s, Member.Stage(s).label) for s in (Member.Stage.FULL, Member.Stage.PROBATIONARY)],
    )
    status = forms.ChoiceField(label=_("状态"), required=False, choices=EMPTY + Member.Status.choices)
    village_group = forms.ModelChoiceField(
        label=_("居住村民小组"), queryset=None, required=False, empty_label=_("全部")
    )
    language = forms.ModelChoiceField(label=_("使用语言"), queryset=None, required=False, empty_label=_("全部"))
    admitted_from = forms.DateField(label=_("入党日期起"), required=False, widget=IsoDateInput)
    admitted_to = forms.DateField(label=_("入党日期止"), required=False, widget=IsoDateInput)
    region = RegionFilterField(label=_("党组织所在区域"))

    def __init__(self, *args, organizations, groups, languages, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["village_group"].queryset = groups
        self.fields["village_group"].label_from_instance = lambda g: f"{g.parent.name} {g.name}"
        self.fields["language"].queryset = languages


# --- the pipeline -----------------------------------------------------------------------------------------------


class PipelineStartForm(StyledForm):
    person = PersonByIdField()
    organization = OrgChoiceField(label=_("接收申请的党支部"), queryset=None)
    applied_on = forms.DateField(label=_("递交入党申请书日期"), widget=IsoDateInput)
    occupation = forms.ChoiceField(label=_("职业"), choices=EMPTY + Member.Occupation.choices, required=False)
    education = forms.ChoiceField(label=_("学历"), choices=EMPTY + Member.Education.choices, required=False)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    document = forms.FileField(label=_("入党申请书(扫描件)"), required=False)

    def __init__(self, *args, persons, organizations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].persons = persons
        self.fields["organization"].queryset = organizations


class StepForm(StyledForm):
    """One step of the pipeline; which fields matter depends on the step (the service says what is missing)."""

    step = forms.ChoiceField(
        label=_("环节"), choices=[(s, label) for s, label in Step.choices if s != Step.INTENSIVE_TRAINING]
    )
    done_on = forms.DateField(label=_("日期"), widget=IsoDateInput)
    responsible = forms.CharField(label=_("负责人"), max_length=60, required=False)
    people = MemberMultipleField(
        label=_("培养联系人/入党介绍人"), queryset=None, required=False, help_text=_("须为正式党员")
    )
    notice_from = forms.DateField(
        label=_("公示开始日期"),
        widget=IsoDateInput,
        required=False,
        help_text=_("确定发展对象、上级党委预审、提出转正申请时须公示"),
    )
    passed_review = forms.TypedChoiceField(
        label=_("政治审查结论"),
        choices=[("", "—"), ("1", _("合格")), ("0", _("不合格"))],
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
    )
    should_attend = forms.IntegerField(label=_("应到会有表决权的正式党员"), min_value=0, required=False)
    attended = forms.IntegerField(label=_("实到会有表决权的正式党员"), min_value=0, required=False)
    written_opinions = forms.IntegerField(label=_("会前书面表决意见"), min_value=0, required=False, initial=0)
    votes_yes = forms.IntegerField(label=_("赞成"), min_value=0, required=False)
    votes_no = forms.IntegerField(label=_("反对"), min_value=0, required=False, initial=0)
    votes_abstain = forms.IntegerField(label=_("弃权"), min_value=0, required=False, initial=0)
    outcome = forms.ChoiceField(
        label=_("转正讨论结果"),
        choices=[("", "—"), *DevelopmentOutcome.choices],
        required=False,
    )
    extension_months = forms.IntegerField(label=_("延长预备期(月)"), min_value=0, max_value=24, required=False)
    note = forms.CharField(
        label=_("说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("审批超过3个月的,写明特殊情况"),
    )
    document = forms.FileField(label=_("材料(JPEG/PNG/PDF)"), required=False)

    def __init__(self, *args, sponsors, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = sponsors
        self.fields["people"].widget.attrs["size"] = 6

    def vote(self):
        from .rules import Vote

        data = self.cleaned_data
        if data.get("should_attend") is None and data.get("votes_yes") is None:
            return None
        return Vote(
            should_attend=data.get("should_attend") or 0,
            attended=data.get("attended") or 0,
            yes=data.get("votes_yes") or 0,
            no=data.get("votes_no") or 0,
            abstain=data.get("votes_abstain") or 0,
            written=data.get("written_opinions") or 0,
        )


class StopForm(StyledForm):
    on = forms.DateField(label=_("日期"), widget=IsoDateInput)
    reason = forms.CharField(label=_("原因"), max_length=200)


class ThoughtReportForm(StyledForm):
    submitted_on = forms.DateField(label=_("思想汇报提交日期"), widget=IsoDateInput)


class OrganizationFilterForm(FilterForm):
    kind = forms.ChoiceField(label=_("类别"), required=False, choices=EMPTY + Organization.Kind.choices)
    active = forms.BooleanField(label=_("只看现有"), required=False)
    region = RegionFilterField(label=_("所在区域"))


class PipelineFilterForm(FilterForm):
    stage = forms.ChoiceField(
        label=_("阶段"),
        required=False,
        choices=EMPTY + [(s, Member.Stage(s).label) for s in Member.Stage.values if s != Member.Stage.FULL],
    )
    organization = OrgChoiceField(label=_("党支部"), queryset=None, required=False, empty_label=_("全部党支部"))
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)
    year = forms.IntegerField(label=_("计划年度"), required=False, min_value=2000, max_value=2100)
    region = RegionFilterField(label=_("党组织所在区域"))

    def __init__(self, *args, organizations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


# --- contacts, dues, evaluations ---------------------------------------------------------------------------------


class ContactForm(StyledForm):
    member = MemberChoiceField(label=_("联系党员"), queryset=None)
    since = forms.DateField(label=_("联系起始日期"), widget=IsoDateInput)

    def __init__(self, *args, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class DuesForm(StyledForm):
    member = MemberChoiceField(label=_("党员"), queryset=None)
    months = forms.CharField(
        label=_("所属月份"), max_length=200, help_text=_("如:2026-01、2026-02;多个月份用顿号或逗号分隔")
    )
    amount_per_month = forms.DecimalField(label=_("每月金额(元)"), max_digits=10, decimal_places=2, min_value=0)
    paid_on = forms.DateField(label=_("交纳日期"), widget=IsoDateInput)

    def __init__(self, *args, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members

    def clean_months(self):
        from datetime import date

        raw = self.cleaned_data["months"].replace(",", "、").replace(",", "、").replace(" ", "")
        months = []
        for part in filter(None, raw.split("、")):
            try:
                year, month = (int(x) for x in part.split("-")[:2])
                months.append(date(year, month, 1))
            except (ValueError, TypeError) as exc:
                raise ValidationError(_("月份“%(value)s”应写成2026-01的形式") % {"value": part}) from exc
        if not months:
            raise ValidationError(_("请填写所属月份"))
        return months


class BranchYearForm(FilterForm):
    organization = OrgChoiceField(label=_("党支部"), queryset=None, required=False, empty_label=_("全部"))
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, organizations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class StudyHoursFilterForm(BranchYearForm):
    region = RegionFilterField(label=_("党组织所在区域"))


class AreaFilterForm(FilterForm):
    """The region filter of the coverage and contact pages (their project and covered/linked switches are read
    leniently by the views)."""

    region = RegionFilterField()


class PeriodForm(FilterForm):
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=IsoDateInput)
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=IsoDateInput)


# --- activities -------------------------------------------------------------------------------------------------


class ActivityForm(StyledForm):
    kind = forms.ChoiceField(label=_("类型"), choices=Activity.Kind.choices)
    title = forms.CharField(label=_("主题"), max_length=150)
    organization = OrgChoiceField(label=_("党组织"), queryset=None)
    organiser_department = forms.CharField(
        label=_("主讲/组织单位"), max_length=60, required=False, help_text=_("县级部门授课时填写,如:县发改局")
    )
    held_on = forms.DateField(label=_("日期"), widget=IsoDateInput)
    place = forms.CharField(label=_("地点"), max_length=100)
    village_group = forms.ModelChoiceField(label=_("所在村民小组"), queryset=None, required=False)
    hours = forms.DecimalField(label=_("学时"), max_digits=5, decimal_places=1, min_value=0)
    intensive_training = forms.BooleanField(label=_("发展对象集中培训"), required=False)
    publicity_form = forms.ChoiceField(
        label=_("宣传形式"), choices=EMPTY + Activity.PublicityForm.choices, required=False
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("主题活动"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.ModelMultipleChoiceField(
        label=_("使用语言"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    language_team = forms.ModelChoiceField(label=_("民族语言工作队"), queryset=None, required=False)
    non_member_count = forms.IntegerField(label=_("群众参加人数"), min_value=0, initial=0)
    minutes = forms.CharField(label=_("会议记录/内容摘要"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, organizations, groups, themes, languages, teams, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["village_group"].queryset = groups
        self.fields["village_group"].label_from_instance = lambda g: f"{g.parent.name} {g.name}"
        self.fields["themes"].queryset = themes
        self.fields["languages"].queryset = languages
        self.fields["language_team"].queryset = teams
        for name in ("themes", "languages"):
            self.fields[name].widget.attrs["class"] = ""
        self.initial.setdefault("held_on", timezone.localdate())


ATTENDANCE_CHOICES = [("", "—"), *Attendance.Status.choices]


def attendance_rows(data, members) -> list[tuple]:
    """The attendance table of the activity form: ``att_<id>`` (status) and ``reason_<id>`` per member."""
    rows = []
    for member in members:
        status = (data.get(f"att_{member.pk}") or "").strip()
        if status in Attendance.Status.values:
            rows.append((member, status, (data.get(f"reason_{member.pk}") or "").strip()))
    return rows


class MaterialForm(StyledForm):
    file = forms.FileField(label=_("材料(JPEG/PNG/PDF)"))


class ActivityFilterForm(FilterForm):
    q = SearchField(label=_("主题"))
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=EMPTY + Activity.Kind.choices)
    organization = OrgChoiceField(label=_("党组织"), queryset=None, required=False, empty_label=_("全部"))
    theme = forms.ModelChoiceField(label=_("主题活动"), queryset=None, required=False, empty_label=_("全部"))
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=IsoDateInput)
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=IsoDateInput)
    region = RegionFilterField(label=_("党组织所在区域"))

    def __init__(self, *args, organizations, themes, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["theme"].queryset = themes


class RulesForm(forms.ModelForm):
    class Meta:
        model = PartyRules
        fields = [
            "notice_workdays",
            "applicant_months",
            "thought_report_months",
            "study_hours_per_year",
            "members_meeting_months",
            "committee_meeting_months",
            "group_meeting_months",
            "party_lesson_months",
            "party_day_months",
            "election_reminder_months",
            "farmer_dues",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class ThemeForm(StyledForm):
    name = forms.CharField(label=_("名称"), max_length=40)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)


class SecretaryScopeForm(StyledForm):
    user = forms.ModelChoiceField(label=_("支部书记账号"), queryset=None)
    organization = OrgChoiceField(label=_("管辖党组织"), queryset=None)

    def __init__(self, *args, users, organizations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["user"].label_from_instance = lambda u: f"{u.username} {u.get_full_name()}"
        self.fields["organization"].queryset = organizations
