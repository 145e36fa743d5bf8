from django import forms
from django.utils.translation import gettext_lazy as _

from lianxin.core.forms import FilterForm, IsoDateInput, SearchField, StyledForm

from .ethnicity import Ethnicity
from .models import Person


class HouseholdForm(StyledForm):
    village_group = forms.ModelChoiceField(label=_("村民小组"), queryset=None)
    number = forms.CharField(label=_("户编号"), max_length=30, required=False)
    address = forms.CharField(label=_("住址"), max_length=200, required=False)

    def __init__(self, *args, village_groups, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village_group"].queryset = village_groups
        self.fields["village_group"].label_from_instance = lambda r: f"{r.parent.name} / {r.name}"


class PersonForm(StyledForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    resident_id = forms.CharField(
        label=_("身份证号码"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    relation = forms.ChoiceField(label=_("与户主关系"), choices=Person.Relation.choices)
    ethnicity = forms.ChoiceField(label=_("民族"), choices=Ethnicity.choices, initial=Ethnicity.HAN)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # The stored numbers are never sent back to the browser: blank keeps them.
            self.fields["resident_id"].required = False
            self.fields["resident_id"].help_text = _("留空则保持原号码不变")
            self.fields["phone"].help_text = _("留空则保持原号码不变;填写“-”清除")


def _region_label(region) -> str:
    """A village as its name, a village group as "village / group"."""
    return f"{region.parent.name} / {region.name}" if region.level == "village_group" else region.name


class HouseholdFilterForm(FilterForm):
    """The household list's filters (户籍台账): a village group (or a whole village) of the user's scope,
    the park's villages, a search box."""

    village_group = forms.ModelChoiceField(
        label=_("村民小组"), queryset=None, required=False, empty_label=_("全部村民小组")
    )
    q = SearchField(label=_("户编号或住址"), widget=forms.TextInput(attrs={"placeholder": _("户编号或住址")}))
    in_park = forms.BooleanField(label=_("仅看园区涉及"), required=False)

    def __init__(self, *args, village_groups, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village_group"].queryset = village_groups
        self.fields["village_group"].label_from_instance = _region_label


class PersonRegionFilterForm(FilterForm):
    """The person list's select filters that may travel in the URL (no names, no IDs): a village or
    village group (its subtree) and the park's villages. The search itself stays in the session."""

    region = forms.ModelChoiceField(label=_("村(组)"), queryset=None, required=False, empty_label=_("全部村(组)"))
    in_park = forms.BooleanField(label=_("仅看园区涉及"), required=False)

    def __init__(self, *args, regions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["region"].label_from_instance = _region_label


class PersonSearchForm(FilterForm):
    """The person search (人口): posted, kept in the session, never in the URL (names and IDs)."""

    q = SearchField(
        label=_("姓名或完整身份证号"),
        widget=forms.TextInput(attrs={"placeholder": _("姓名或完整身份证号"), "autocomplete": "off"}),
    )
    village_group = forms.TypedChoiceField(label=_("村民小组"), coerce=int, required=False, empty_value=None)
    ethnicity = forms.ChoiceField(label=_("民族"), choices=[("", _("全部民族")), *Ethnicity.choices], required=False)

    def __init__(self, *args, village_groups, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village_group"].choices = [("", _("全部村民小组"))] + [
            (g.pk, f"{g.parent.name} / {g.name}") for g in village_groups
        ]


class PersonDepartureForm(StyledForm):
    """Moved out or died (迁出、死亡) on a day, or registered again."""

    status = forms.ChoiceField(label=_("人口状态"), choices=Person.Status.choices)
    left_on = forms.DateField(label=_("迁出或死亡日期"), required=False, widget=IsoDateInput)
