"""Every form of the site keeps bad text and unbounded numbers out (issue 11)."""

import importlib

import pytest
from django import forms
from django.apps import apps

from lianxin.core.forms import StyledForm
from lianxin.enterprises.forms import IndicatorForm


def _all_forms() -> list[type[StyledForm]]:
    for app in apps.get_app_configs():
        if app.name.startswith("lianxin."):
            for module in ("forms", "forms_gis", "views_statistics"):
                try:
                    importlib.import_module(f"{app.name}.{module}")
                except ModuleNotFoundError:
                    pass
    found, stack = [], [StyledForm]
    while stack:
        cls = stack.pop()
        found.append(cls)
        stack.extend(cls.__subclasses__())
    return found


def test_every_decimal_field_of_every_form_is_bounded():
    decimals = [
        (form.__name__, name, field)
        for form in _all_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.DecimalField)
    ]

    assert decimals
    for form, name, field in decimals:
        assert field.max_digits is not None, (form, name)
        assert field.decimal_places is not None, (form, name)


def _indicator(output_value) -> IndicatorForm:
    return IndicatorForm(
        {"year": "2025", "output_value": output_value, "tax_paid": "1", "employees": "0", "local_employees": "0"}
    )


@pytest.mark.parametrize("value", ["1e27", "NaN", "Infinity", "-Infinity", "123456789012345678901234567890", "1.005"])
def test_unbounded_decimals_are_refused_by_forms(value):
    form = _indicator(value)

    assert not form.is_valid()
    assert "output_value" in form.errors


def test_negative_zero_is_read_as_zero():
    form = _indicator("-0")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["output_value"] == 0
    assert not form.cleaned_data["output_value"].is_signed()


@pytest.mark.parametrize("value", ["王\x00五", "王\ud800五"])
def test_text_with_nul_or_a_lone_surrogate_is_refused_by_every_form(value):
    class NoteForm(StyledForm):
        note = forms.CharField()

    form = NoteForm({"note": value})

    assert not form.is_valid()
    assert "note" in form.errors


@pytest.mark.django_db
def test_a_page_form_refuses_a_lone_surrogate_with_a_chinese_message():
    from lianxin.land.forms import HoldingForm

    form = HoldingForm({"household": "A\ud800", "share_percent": "100"})

    assert not form.is_valid()
    assert form.errors["household"] == ["不能包含无效的Unicode字符(单独的代理字符)"]


def test_forms_refuse_an_amount_the_embedded_database_cannot_give_back():
    # 16 digits fit the column, but SQLite's double gives 99999999999999.99 back as 1E+14.
    assert not _indicator("99999999999999.99").is_valid()
    assert _indicator("9999999999999.99").is_valid()
