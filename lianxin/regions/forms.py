from django import forms
from django.utils.translation import gettext_lazy as _

from lianxin.core.forms import FilterForm, SearchField, StyledForm

from .models import Region


class RegionForm(StyledForm):
    parent = forms.ModelChoiceField(label=_("上级"), queryset=None, required=False)
    level = forms.ChoiceField(label=_("层级"), choices=Region.Level.choices)
    name = forms.CharField(label=_("名称"), max_length=60)
    stat_code = forms.RegexField(
        label=_("统计用区划代码"),
        regex=r"^\d{12}$",
        required=False,
        error_messages={"invalid": _("统计用区划代码应为12位数字")},
    )
    population = forms.IntegerField(label=_("户籍人口"), min_value=0, initial=0)

    def __init__(self, *args, parents, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = lambda r: f"{'— ' * (r.depth - 1)}{r.name}"
        if editing:
            self.fields["parent"].disabled = True
            self.fields["level"].disabled = True


class RegionFilterForm(FilterForm):
    level = forms.ChoiceField(label=_("层级"), choices=[("", _("全部层级")), *Region.Level.choices], required=False)
    q = SearchField(label=_("名称"), widget=forms.TextInput(attrs={"placeholder": _("名称")}))
    parent = forms.ModelChoiceField(label=_("上级"), queryset=None, required=False, empty_label=_("全部上级"))
    region = forms.ModelChoiceField(label=_("所属区域"), queryset=None, required=False, empty_label=_("全部区域"))
    in_park = forms.BooleanField(label=_("仅看园区涉及"), required=False)

    def __init__(self, *args, parents, regions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        self.fields["region"].queryset = regions
        for name in ("parent", "region"):
            self.fields[name].label_from_instance = lambda r: f"{'— ' * (r.depth - 1)}{r.name}"
