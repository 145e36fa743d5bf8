from decimal import Decimal

from django import forms
from django.http import QueryDict
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


class IsoDateInput(forms.DateInput):
    """``<input type=date>``: the browser takes only ISO dates (2026-12-03), whatever the locale's display format."""

    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class HolidayForm(StyledForm):
    """One day or a run of days of a year's holiday notice (国务院办公厅节假日安排通知)."""

    KIND_HOLIDAY = "holiday"
    KIND_WORKDAY = "workday"

    date_from = forms.DateField(label=_("日期"), widget=IsoDateInput)
    date_to = forms.DateField(
        label=_("至(可选)"),
        required=False,
        widget=IsoDateInput,
        help_text=_("连续放假时填写最后一天"),
    )
    kind = forms.ChoiceField(
        label=_("类型"), choices=[(KIND_HOLIDAY, _("放假")), (KIND_WORKDAY, _("调休上班"))], initial=KIND_HOLIDAY
    )
    name = forms.CharField(label=_("名称"), max_length=50, help_text=_("如:春节、国庆节"))


SEARCH_MAX_LENGTH = 100
# How much of a rejected value a notice repeats (a 10,000-character value is not echoed back).
SHOWN_VALUE_LENGTH = 20


class SearchField(forms.CharField):
    """A list page's search box: stripped, bounded (a 100,000-character LIKE pattern is refused), no NUL
    (Django's CharField refuses NUL characters, which PostgreSQL cannot store or compare)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", SEARCH_MAX_LENGTH)
        super().__init__(**kwargs)


def shown_value(value) -> str:
    """A rejected value as a notice may repeat it: control characters replaced, at most 20 characters."""
    text = "".join(ch if ch.isprintable() else "\ufffd" for ch in str(value))
    return text if len(text) <= SHOWN_VALUE_LENGTH else text[:SHOWN_VALUE_LENGTH] + "…"


class RegionFilterField(forms.ModelChoiceField):
    """A list page's ``region`` filter: the id of a region the user may see (any level); the page shows the rows of
    its subtree, as a figure narrowed to that region counts them (``regions.selectors.in_region``). The form is given
    the choices as ``regions=`` (see ``FilterForm``)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("区域"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", _("全部区域"))
        super().__init__(queryset=None, **kwargs)

    def label_from_instance(self, obj) -> str:
        # a village group's name is not unique across villages: "甲村 一组"
        return f"{obj.parent.name} {obj.name}" if obj.level == "village_group" and obj.parent_id else obj.name


class FilterForm(StyledForm):
    """The filters of a list page, bound to ``request.GET``.

    A bad value (``?village_group=abc``) never fails the page: the field is ignored and ``ignored``
    names it, so the page can say which filter it dropped and why. Views read ``values``; the page
    shows ``ignored_fields`` with ``includes/filter_notice.html``. A dropped filter's box shows empty
    (the list is shown unfiltered by it). Parameters the form does not know are not filters and are
    passed over silently (paging cursors, a marker such as ``?menu=1``).
    """

    def __init__(self, data=None, *args, regions=None, **kwargs) -> None:
        super().__init__(data if data is not None else {}, *args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, RegionFilterField):
                if regions is None:
                    raise TypeError(f"{type(self).__name__}: the {name} filter needs regions=")
                field.queryset = regions
            if field.label:  # filter rows show no <label>: the box names itself
                field.widget.attrs.setdefault("aria-label", field.label)

    def full_clean(self) -> None:
        super().full_clean()
        if self._errors and hasattr(self.data, "copy"):
            # The boxes of dropped filters show empty, as the list is: not 10,000 characters of garbage.
            data = self.data.copy()
            for name in self._errors:
                if name in self.fields:
                    data.pop(self.add_prefix(name), None)
            self.data = data

    def querystring(self) -> str:
        """The valid filters as query parameters, for paging and export links (dropped ones left out)."""
        self.is_valid()
        params = QueryDict(mutable=True)
        for name in self.fields:
            key = self.add_prefix(name)
            if name in self.errors or key not in self.data:
                continue
            values = self.data.getlist(key) if hasattr(self.data, "getlist") else [self.data[key]]
            values = [str(v) for v in values if v not in (None, "")]
            if values:
                params.setlist(key, values)
        return params.urlencode()

    @property
    def values(self) -> dict:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name, self._empty(field)) for name, field in self.fields.items()}

    @property
    def ignored_fields(self) -> list[dict[str, str]]:
        """One entry per dropped filter: its parameter ``name``, its ``label`` and the ``message`` (the rule
        it broke, in Chinese, the offending value shortened)."""
        self.is_valid()
        entries = []
        for name, errors in self.errors.as_data().items():
            field = self.fields.get(name)
            label = str(field.label) if field is not None and field.label else ""
            for error in errors:
                params = dict(error.params or {})
                if "value" in params:
                    params["value"] = shown_value(params["value"])
                message = str(error.message % params if params else error.message)
                entries.append({"name": name, "label": label, "message": message})
        return entries

    @property
    def ignored(self) -> list[str]:
        """One Chinese line per dropped filter: its label and the rule it broke."""
        return [f"{e['label']}:{e['message']}" if e["label"] else e["message"] for e in self.ignored_fields]

    @staticmethod
    def _empty(field: forms.Field):
        if isinstance(field, forms.MultipleChoiceField):
            return []
        return getattr(field, "empty_value", None)


class RetentionRuleForm(StyledForm):
    """One data class's retention period (保存期限), in days."""

    data_class = forms.CharField(widget=forms.HiddenInput, max_length=60)
    days = forms.IntegerField(label=_("保存天数"), min_value=0, max_value=100 * 366)
