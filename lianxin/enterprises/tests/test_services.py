"""Enterprise services: credit codes checked and unique, indicators consistent, every change audited."""

from datetime import timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from lianxin.core.errors import DomainError
from lianxin.enterprises.models import Enterprise, EnterpriseIndicator
from lianxin.enterprises.services import (
    enterprise_create,
    enterprise_update,
    indicator_record,
    milestone_add,
    milestone_complete,
    project_create,
)
from lianxin.enterprises.tests import factories


def test_credit_code_is_stored_normalised(town):
    code = factories.credit_code()

    enterprise = enterprise_create(name=" 示例硅业 ", region=town, credit_code=f" {code[:9].lower()} {code[9:]}")

    assert Enterprise.objects.get(pk=enterprise.pk).credit_code == code
    assert enterprise.name == "示例硅业"


def test_registering_a_credit_code_twice_is_refused(town, enterprise_in_town):
    with pytest.raises(ValidationError) as refused:
        enterprise_create(name="另一家", region=town, credit_code=enterprise_in_town.credit_code.lower())

    assert "已登记" in refused.value.message_dict["credit_code"][0]
    assert enterprise_in_town.credit_code in refused.value.message_dict["credit_code"][0]


def test_invalid_credit_code_is_refused_on_its_field(town):
    with pytest.raises(ValidationError) as refused:
        enterprise_create(name="示例硅业", region=town, credit_code="91532621MA00000010")

    assert "统一社会信用代码校验位不正确" in refused.value.message_dict["credit_code"][0]
    assert not Enterprise.objects.filter(name="示例硅业").exists()


def test_keeping_its_own_credit_code_on_update_is_no_duplicate(enterprise_in_town):
    enterprise_update(enterprise=enterprise_in_town, credit_code=enterprise_in_town.credit_code, name="改名")

    assert Enterprise.objects.get(pk=enterprise_in_town.pk).name == "改名"


def test_updating_an_enterprise_is_audited_with_actor_and_old_and_new_values(enterprise_in_town, working_group_member):
    enterprise_update(
        enterprise=enterprise_in_town,
        credit_code=enterprise_in_town.credit_code,
        name="示例铝业集团",
        contact_name="张经理",
        actor=working_group_member,
    )

    [entry] = LogEntry.objects.get_for_object(enterprise_in_town).filter(action=LogEntry.Action.UPDATE)
    assert entry.actor == working_group_member
    assert entry.changes_dict["name"] == ["示例铝业有限公司", "示例铝业集团"]
    assert entry.changes_dict["contact_name"] == ["", "张经理"]
    assert "credit_code" not in entry.changes_dict  # unchanged fields are not listed


def _indicator(enterprise, **overrides):
    fields = {
        "year": 2024,
        "output_value": Decimal("500000000.00"),
        "tax_paid": Decimal("60000000.00"),
        "employees": 300,
        "local_employees": 200,
        **overrides,
    }
    return indicator_record(enterprise=enterprise, **fields)


def test_local_jobs_cannot_exceed_all_jobs(enterprise_in_town):
    with pytest.raises(ValidationError) as refused:
        _indicator(enterprise_in_town, employees=100, local_employees=101)

    assert refused.value.message_dict["local_employees"] == ["本地就业人数不能大于就业人数"]
    assert not EnterpriseIndicator.objects.exists()


def test_recording_a_year_again_corrects_it_instead_of_adding_a_row(enterprise_in_town, working_group_member):
    _indicator(enterprise_in_town)
    corrected = _indicator(enterprise_in_town, tax_paid=Decimal("61000000.00"))

    assert EnterpriseIndicator.objects.get().pk == corrected.pk
    assert EnterpriseIndicator.objects.get().tax_paid == Decimal("61000000.00")


def test_negative_money_is_refused(enterprise_in_town):
    with pytest.raises(ValidationError) as refused:
        _indicator(enterprise_in_town, output_value=Decimal("-1"))

    assert "output_value" in refused.value.message_dict


def test_a_milestone_cannot_be_completed_in_the_future(enterprise_in_town, town):
    project = project_create(
        enterprise=enterprise_in_town,
        name="80万吨氧化铝",
        region=town,
        land_demand_mu=Decimal("4000"),
        investment=Decimal("3000000000"),
    )
    milestone = milestone_add(project=project, name="开工", planned_on=timezone.localdate())

    with pytest.raises(DomainError, match="完成日期不能晚于今天"):
        milestone_complete(milestone=milestone, completed_on=timezone.localdate() + timedelta(days=1))

    milestone_complete(milestone=milestone, completed_on=timezone.localdate())
    milestone.refresh_from_db()
    assert milestone.completed_on == timezone.localdate()
