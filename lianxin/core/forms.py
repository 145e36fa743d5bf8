from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .text import ProhibitSurrogatesValidator


class StyledForm(forms.Form):
    """A form whose widgets carry Bootstrap classes, so templates render fields with one include.

    Every form of the site is one: its text fields also refuse lone surrogates (Django's CharField
    already refuses NUL), and a decimal "-0" is read as 0."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and not any(
                isinstance(v, ProhibitSurrogatesValidator) for v in field.validators
            ):
                field.validators.append(ProhibitSurrogatesValidator())
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
        for name, value in getattr(self, "cleaned_data", {}).items():
            if isinstance(value, Decimal) and value.is_zero():
                self.cleaned_data[name] = value.copy_abs()
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


class IsoDateInput(forms.DateInput):
    """``<input type=date>``: the browser takes only ISO dates (2026-12-03), whatever the locale's display format."""

    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


SEARCH_MAX_LENGTH = 100


class SearchField(forms.CharField):
    """A list page's search box: stripped, bounded (a 100,000-character LIKE pattern is refused), no NUL."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", SEARCH_MAX_LENGTH)
        super().__init__(**kwargs)


class FilterForm(StyledForm):
    """The filters of a list page, bound to ``request.GET``.

    A bad value (``?village_group=abc``) never fails the page: the field is ignored and ``ignored``
    names it, so the page can say which filter it dropped and why. Views read ``values``.
    """

    def __init__(self, data=None, *args, **kwargs) -> None:
        super().__init__(data if data is not None else {}, *args, **kwargs)

    @property
    def values(self) -> dict:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name, self._empty(field)) for name, field in self.fields.items()}

    @property
    def ignored(self) -> list[str]:
        """One Chinese line per dropped filter: its label and the rule it broke."""
        self.is_valid()
        lines = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            for error in errors:
                lines.append(f"{label}:{error}" if label else str(error))
        return lines

    @staticmethod
    def _empty(field: forms.Field):
        if isinstance(field, forms.MultipleChoiceField):
            return []
        return getattr(field, "empty_value", None)
