from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from lianxin.core.forms import FilterForm, IsoDateInput, SearchField, StyledForm

from .roles import Role


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "账号或密码不正确。在同一网络地址连续失败%(limit)d次,该账号在此地址将被锁定%(minutes)d分钟。"
        ),
        "inactive": _("该账号已停用"),
    }

    def get_invalid_login_error(self):
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        return forms.ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={"limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class OwnPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class UserForm(StyledForm):
    username = forms.CharField(label=_("账号名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=150)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    scope_region = forms.ModelChoiceField(label=_("管辖区域"), queryset=None, required=False)
    scope_enterprise = forms.ModelChoiceField(label=_("所属企业"), queryset=None, required=False)

    def __init__(self, *args, regions, enterprises, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope_region"].queryset = regions
        self.fields["scope_region"].label_from_instance = lambda r: f"{'— ' * (r.depth - 1)}{r.name}"
        self.fields["scope_enterprise"].queryset = enterprises
        if editing:
            self.fields["username"].disabled = True
            self.fields["full_name"].disabled = True


class ApiTokenForm(StyledForm):
    name = forms.CharField(label=_("用途"), max_length=100)


class AuditFilterForm(FilterForm):
    model = forms.ChoiceField(label=_("对象类型"), required=False)
    actor = SearchField(label=_("操作人"))
    action = forms.TypedChoiceField(label=_("操作"), required=False, coerce=int, empty_value=None)
    object_id = SearchField(label=_("对象编号"), max_length=64)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=IsoDateInput)
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=IsoDateInput)

    def __init__(self, *args, models, actions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("全部"))] + models
        self.fields["action"].choices = [("", _("全部"))] + actions


class SecurityEventFilterForm(FilterForm):
    kind = forms.ChoiceField(label=_("类型"), required=False)
    username = SearchField(label=_("账号"), widget=forms.TextInput(attrs={"placeholder": _("账号")}))

    def __init__(self, *args, kinds, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("全部类型"))] + kinds


class UserFilterForm(FilterForm):
    q = SearchField(label=_("账号或姓名"), widget=forms.TextInput(attrs={"placeholder": _("账号或姓名")}))
    role = forms.ChoiceField(label=_("角色"), choices=[("", _("全部角色")), *Role.choices], required=False)


class SecondFactorForm(StyledForm):
    """The code of the second factor: six digits from the authenticator app, or (at login) a recovery code."""

    code = forms.CharField(
        label=_("验证码"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )
