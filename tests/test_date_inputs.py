"""Date inputs always carry ISO dates, whatever the language (issue 10, item 5).

In Chinese the patrol and incident forms rendered their default date as "2026/12/03", which
``<input type=date>`` rejects, so the first submit failed. Every date field of every form in the
project uses ``lianxin.core.forms.IsoDateInput``; each renders ``value="2026-12-03"`` in zh-hans and en.
"""

import importlib
import pkgutil
from datetime import date

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

import lianxin
from lianxin.accounts.roles import Role
from lianxin.core.forms import IsoDateInput

DAY = date(2026, 12, 3)
LANGUAGES = ["zh-hans", "en"]


def _project_forms() -> list[type[forms.BaseForm]]:
    """Every form class defined in the project (forms modules, and forms written beside their views)."""
    for module in pkgutil.walk_packages(lianxin.__path__, "lianxin."):
        if any(part in module.name.split(".") for part in ("tests", "migrations", "management")):
            continue
        importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("lianxin."):
                found.append(sub)
    return found


def _date_fields() -> list:
    fields = []
    for form_class in _project_forms():
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
                fields.append(
                    pytest.param(form_class, name, id=f"{form_class.__module__}.{form_class.__name__}.{name}")
                )
    return fields


DATE_FIELDS = _date_fields()


def test_the_project_has_date_fields_to_check():
    assert len(DATE_FIELDS) >= 20


@pytest.mark.parametrize(("form_class", "name"), DATE_FIELDS)
def test_every_date_field_uses_the_iso_date_input(form_class, name):
    assert isinstance(form_class.base_fields[name].widget, IsoDateInput)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("form_class", "name"), DATE_FIELDS)
def test_every_date_field_renders_an_initial_date_as_iso(form_class, name, language):
    field = form_class.base_fields[name]

    with translation.override(language):
        html = field.widget.render(name, DAY)

    assert 'value="2026-12-03"' in html
    assert 'type="date"' in html


# --- the forms of the issue, rendered whole by their pages --------------------------------------


@pytest.fixture
def police(make_user, town):
    return make_user("police", Role.POLICE_LIAISON, scope_region=town)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("url", "user", "name"),
    [
        (reverse("cases:case-create") + "?kind=security_incident", "police", "occurred_on"),
        (reverse("cases:patrol-list"), "working_group_member", "patrolled_on"),
    ],
    ids=["incident", "patrol"],
)
def test_the_incident_and_patrol_forms_offer_today_as_an_iso_date(request, login_as, url, user, name, language):
    client = login_as(request.getfixturevalue(user))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    html = client.get(url).content.decode()

    today = timezone.localdate().isoformat()
    assert f'name="{name}" value="{today}"' in html
