import re

from django import forms
from django.utils.translation import gettext_lazy as _

from lianxin.core.forms import FilterForm, IsoDateInput, SearchField, StyledForm

from . import report_guard
from .models import Case, CaseEvent, CaseParty, ServiceItem, ServiceStandardCheck


class CaseBaseForm(StyledForm):
    title = forms.CharField(label=_("标题"), max_length=200)
    description = forms.CharField(label=_("情况描述"), widget=forms.Textarea(attrs={"rows": 4}))
    region = forms.ModelChoiceField(label=_("所属区域"), queryset=None)

    def __init__(self, *args, regions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class DisputeForm(CaseBaseForm):
    """A dispute with its parties on both sides (申请方、对方当事人). The parties are chosen with the
    search-as-you-type pickers of the page (``cases/_party_picker.html``): each chosen one is a ticked box
    named after its field, so unticking removes it and nothing long lists every household."""

    dispute_category = forms.ChoiceField(label=_("纠纷类别"), choices=Case.DisputeCategory.choices)
    households = forms.ModelMultipleChoiceField(label=_("当事户"), queryset=None, required=False)
    persons = forms.ModelMultipleChoiceField(label=_("当事人"), queryset=None, required=False)
    respondent_households = forms.ModelMultipleChoiceField(label=_("对方当事户"), queryset=None, required=False)
    respondent_persons = forms.ModelMultipleChoiceField(label=_("对方当事人"), queryset=None, required=False)
    respondent_enterprises = forms.ModelMultipleChoiceField(label=_("对方企业"), queryset=None, required=False)
    respondent_names = forms.CharField(
        label=_("对方当事人(未登记人员)"),
        max_length=200,
        required=False,
        help_text=_("不在户籍、企业台账中的人员,填写姓名,多个用顿号“、”分隔"),
    )
    parcels = forms.ModelMultipleChoiceField(
        label=_("涉及地块"), queryset=None, required=False, widget=forms.MultipleHiddenInput
    )
    project = forms.ModelChoiceField(label=_("关联项目"), queryset=None, required=False)

    PICKED = {
        "applicant": (("households", "household"), ("persons", "person")),
        "respondent": (
            ("respondent_households", "household"),
            ("respondent_persons", "person"),
            ("respondent_enterprises", "enterprise"),
        ),
    }

    def __init__(self, *args, households, persons, enterprises, parcels, projects, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("households", "respondent_households"):
            self.fields[name].queryset = households
        for name in ("persons", "respondent_persons"):
            self.fields[name].queryset = persons
        self.fields["respondent_enterprises"].queryset = enterprises
        self.fields["parcels"].queryset = parcels
        self.fields["project"].queryset = projects

    def clean_respondent_names(self) -> list[str]:
        text = self.cleaned_data.get("respondent_names") or ""
        names = [n.strip() for n in re.split(r"[、,,;;\n]", text) if n.strip()]
        for name in names:
            if len(name) > 50:
                raise forms.ValidationError(_("姓名“%(name)s…”超过50个字") % {"name": name[:10]})
        return list(dict.fromkeys(names))

    def clean(self):
        data = super().clean()
        for mine, theirs in (("households", "respondent_households"), ("persons", "respondent_persons")):
            both = set(data.get(mine) or ()) & set(data.get(theirs) or ())
            if both:
                self.add_error(
                    theirs,
                    _("%(who)s不能同时是申请方和对方当事人") % {"who": "、".join(str(x) for x in both)},
                )
        return data

    def picked_ids(self, side: str) -> dict[str, list[str]]:
        """The chosen ids per party kind, as submitted (or prefilled), for drawing the chips again."""
        picked: dict[str, list[str]] = {}
        for name, kind in self.PICKED[side]:
            value = self[name].value() or []
            picked.setdefault(kind, []).extend(str(v) for v in (value if isinstance(value, list | tuple) else [value]))
        return picked

    def parties(self) -> list[tuple[str, object]]:
        """(role, party) pairs for ``services.dispute_register``, applicants first."""
        data = self.cleaned_data
        applicant, respondent = CaseParty.Role.APPLICANT, CaseParty.Role.RESPONDENT
        return [
            *((applicant, h) for h in data["households"]),
            *((applicant, p) for p in data["persons"]),
            *((respondent, h) for h in data["respondent_households"]),
            *((respondent, p) for p in data["respondent_persons"]),
            *((respondent, e) for e in data["respondent_enterprises"]),
            *((respondent, n) for n in data["respondent_names"]),
        ]


class PartySearchForm(forms.Form):
    """The picker's search box, POSTed by htmx (the text never enters a URL or an access log)."""

    q = forms.CharField(max_length=50, required=False)
    side = forms.ChoiceField(choices=[("applicant", "applicant"), ("respondent", "respondent")])


class PartyPickForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k, k) for k in ("household", "person", "enterprise")])
    id = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    side = forms.ChoiceField(choices=[("applicant", "applicant"), ("respondent", "respondent")])


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
    occurred_on = forms.DateField(label=_("发案日期"), widget=IsoDateInput)
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
    challenge_answer = forms.CharField(
        label=_("验证题"), max_length=10, help_text=_("请用数字填写答案,例如 8"), widget=forms.TextInput()
    )
    challenge_token = forms.CharField(widget=forms.HiddenInput)
    # A honeypot: hidden from people (and screen readers); a form-filling robot fills it in.
    website = forms.CharField(label=_("网址"), required=False, widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def __init__(self, *args, regions, challenge=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["website"].widget.attrs["tabindex"] = "-1"
        self.fields["website"].wrapper_class = "d-none"
        self.fields["challenge_answer"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        if challenge is not None:
            self.show_challenge(challenge)

    def show_challenge(self, challenge) -> None:
        """Ask ``challenge`` (a new one after every failed submission: each is good for one answer)."""
        self.fields["challenge_answer"].label = _("验证题:%(question)s") % {"question": challenge.question}
        if self.is_bound:
            self.data = self.data.copy()
            self.data["challenge_token"] = challenge.token
            self.data["challenge_answer"] = ""
        else:
            self.initial["challenge_token"] = challenge.token

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(_("提交失败,请重新填写"))
        if "challenge_answer" in cleaned:
            problem = report_guard.challenge_problem(cleaned.get("challenge_token", ""), cleaned["challenge_answer"])
            if problem is not None:
                self.add_error("challenge_answer", problem)
        return cleaned


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


class InstructionForm(StyledForm):
    """A leader's instruction (批示) or chase (督办) on a case."""

    type = forms.ChoiceField(
        label=_("类型"),
        choices=[(CaseEvent.Type.INSTRUCTION, _("批示")), (CaseEvent.Type.CHASE, _("督办"))],
        widget=forms.RadioSelect,
        initial=CaseEvent.Type.INSTRUCTION,
    )
    text = forms.CharField(
        label=_("批示内容"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("督办可不填,默认为“请抓紧办理,按期办结”"),
    )


class AcknowledgeForm(StyledForm):
    text = forms.CharField(label=_("回复"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


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
    held_on = forms.DateField(label=_("调解日期"), widget=IsoDateInput)
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
    patrolled_on = forms.DateField(label=_("巡逻日期"), widget=IsoDateInput)
    route = forms.CharField(label=_("巡逻路线"), max_length=200)
    members = forms.CharField(label=_("参加人员"), max_length=200, required=False)
    findings = forms.CharField(label=_("发现情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    region = forms.ModelChoiceField(label=_("区域"), queryset=None)

    def __init__(self, *args, regions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


MAX_ID = 2**31 - 1  # a filter's id beyond any row: ignored, never an overflow in the database


class CaseFilterForm(FilterForm):
    """The case list's filters. Only what makes sense for the user's role is offered: the kind only when
    they see more than one, the area only to region-scoped users, "我承办的" only to handlers."""

    q = SearchField(
        label=_("编号或标题"),
        widget=forms.TextInput(attrs={"placeholder": _("编号或标题"), "aria-label": _("编号或标题")}),
    )
    kind = forms.ChoiceField(label=_("类别"), required=False)
    state = forms.ChoiceField(label=_("状态"), required=False)
    region = forms.ModelChoiceField(label=_("区域"), queryset=None, required=False, empty_label=_("全部区域"))
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=None, required=False, empty_label=_("全部企业"))
    assignee = forms.IntegerField(label=_("承办人"), required=False, min_value=1, max_value=MAX_ID)
    overdue = forms.BooleanField(label=_("仅看超期"), required=False)
    # The figure filters (drill-down links of the figure catalogue): dates inclusive, booleans "1".
    registered_from = forms.DateField(label=_("登记日期自"), required=False, widget=IsoDateInput)
    registered_to = forms.DateField(label=_("登记日期至"), required=False, widget=IsoDateInput)
    resolved = forms.BooleanField(label=_("已办结"), required=False)
    timed = forms.BooleanField(label=_("设有办理期限"), required=False)
    on_time = forms.BooleanField(label=_("按期办结"), required=False)
    open = forms.BooleanField(label=_("正在办理"), required=False)
    dispute_category = forms.ChoiceField(
        label=_("纠纷类别"), choices=[("", _("全部纠纷类别")), *Case.DisputeCategory.choices], required=False
    )
    dispute_outcome = forms.ChoiceField(
        label=_("调处结果"),
        choices=[("", _("全部调处结果")), *Case.DisputeOutcome.choices, ("referred", _("引导诉讼或转信访"))],
        required=False,
    )
    incident_type = forms.ChoiceField(
        label=_("案件类型"), choices=[("", _("全部案件类型")), *Case.IncidentType.choices], required=False
    )
    solved = forms.BooleanField(label=_("已破案"), required=False)
    rated = forms.BooleanField(label=_("已评价"), required=False)
    project = forms.ModelChoiceField(label=_("项目"), queryset=None, required=False, empty_label=_("全部项目"))

    # The figure filters the page names above the list when a link sets them (no boxes of their own).
    FIGURE_FILTERS = (
        "registered_from",
        "registered_to",
        "resolved",
        "timed",
        "on_time",
        "open",
        "dispute_category",
        "dispute_outcome",
        "incident_type",
        "solved",
        "rated",
        "project",
    )

    def __init__(self, *args, user, kinds, regions, enterprises, projects, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("全部类别")), *kinds]
        self.fields["state"].choices = [("", _("全部状态")), *Case.State.choices]
        self.fields["region"].queryset = regions
        self.fields["enterprise"].queryset = enterprises
        self.fields["project"].queryset = projects
        self.show_kind = len(kinds) > 1
        self.show_region = not user.scope_enterprise_id
        self.show_mine = user.has_perm("cases.handle_case")

    @property
    def figure_filters(self) -> list[tuple[str, str, object, str]]:
        """The figure filters in force: (parameter, label, value as shown, value as sent)."""
        shown = []
        for name in self.FIGURE_FILTERS:
            value = self.values[name]
            if value in (None, "", False):
                continue
            field = self.fields[name]
            if value is True:
                text = ""
            elif hasattr(value, "isoformat"):
                text = value.isoformat()
            elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                text = dict(field.choices).get(value, value)
            else:
                text = value
            shown.append((name, field.label, text, str(self.data.get(self.add_prefix(name), ""))))
        return shown


class PatrolFilterForm(FilterForm):
    region = forms.ModelChoiceField(label=_("区域"), queryset=None, required=False, empty_label=_("全部区域"))
    patrolled_from = forms.DateField(label=_("巡逻日期自"), required=False, widget=IsoDateInput)
    patrolled_to = forms.DateField(label=_("巡逻日期至"), required=False, widget=IsoDateInput)

    def __init__(self, *args, regions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
