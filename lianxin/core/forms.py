from django import forms
from django.utils.translation import gettext_lazy as _


class StyledForm(forms.Form):
    """A form whose widgets carry Bootstrap classes, so templates render fields with one include."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid"


class HolidayForm(StyledForm):
    """One day or a run of days of a year's holiday notice (国务院办公厅节假日安排通知)."""

    KIND_HOLIDAY = "holiday"
    KIND_WORKDAY = "workday"

    date_from = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(
        label=_("至(可选)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("连续放假时填写最后一天"),
    )
    kind = forms.ChoiceField(
        label=_("类型"), choices=[(KIND_HOLIDAY, _("放假")), (KIND_WORKDAY, _("调休上班"))], initial=KIND_HOLIDAY
    )
    name = forms.CharField(label=_("名称"), max_length=50, help_text=_("如:春节、国庆节"))
