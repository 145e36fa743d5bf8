from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lianxin.core.audit import acting_as
from lianxin.core.errors import DomainError

from .credit_code import credit_code_normalize
from .models import Enterprise, EnterpriseIndicator, Project, ProjectMilestone


def _credit_code(value: str, *, exclude_pk: int | None = None) -> str:
    try:
        code = credit_code_normalize(value)
    except ValidationError as exc:
        raise ValidationError({"credit_code": exc.messages}) from exc
    if Enterprise.objects.filter(credit_code=code).exclude(pk=exclude_pk).exists():
        raise ValidationError({"credit_code": _("统一社会信用代码%(code)s已登记") % {"code": code}})
    return code


def _save(instance, actor):
    instance.full_clean()
    with transaction.atomic(), acting_as(actor):
        instance.save()
    return instance


def enterprise_create(*, actor=None, credit_code: str, **fields) -> Enterprise:
    """Register an enterprise; its credit code is checked against GB 32100 and must be unique."""
    enterprise = Enterprise(credit_code=_credit_code(credit_code), **fields)
    enterprise.name = enterprise.name.strip()
    return _save(enterprise, actor)


def enterprise_update(*, enterprise: Enterprise, actor=None, credit_code: str, **fields) -> Enterprise:
    enterprise.credit_code = _credit_code(credit_code, exclude_pk=enterprise.pk)
    for name, value in fields.items():
        setattr(enterprise, name, value)
    enterprise.name = enterprise.name.strip()
    return _save(enterprise, actor)


def indicator_record(
    *,
    enterprise: Enterprise,
    year: int,
    output_value: Decimal,
    tax_paid: Decimal,
    employees: int,
    local_employees: int,
    actor=None,
) -> EnterpriseIndicator:
    """Record (or correct) an enterprise's figures for one year (年度指标); local jobs cannot exceed all jobs."""
    if local_employees > employees:
        raise ValidationError({"local_employees": _("本地就业人数不能大于就业人数")})
    indicator = EnterpriseIndicator.objects.filter(enterprise=enterprise, year=year).first() or EnterpriseIndicator(
        enterprise=enterprise, year=year
    )
    indicator.output_value, indicator.tax_paid = output_value, tax_paid
    indicator.employees, indicator.local_employees = employees, local_employees
    return _save(indicator, actor)


def project_create(*, actor=None, **fields) -> Project:
    """Register an investment project (项目) of an enterprise."""
    return _save(Project(**fields), actor)


def project_update(*, project: Project, actor=None, **fields) -> Project:
    for name, value in fields.items():
        setattr(project, name, value)
    return _save(project, actor)


def milestone_add(*, project: Project, name: str, planned_on: date, actor=None) -> ProjectMilestone:
    return _save(ProjectMilestone(project=project, name=name.strip(), planned_on=planned_on), actor)


def milestone_complete(*, milestone: ProjectMilestone, completed_on: date, actor=None) -> ProjectMilestone:
    """Mark a milestone done; a completion date cannot lie in the future."""
    from django.utils import timezone

    if completed_on > timezone.localdate():
        raise DomainError(_("完成日期不能晚于今天"), field="completed_on")
    milestone.completed_on = completed_on
    return _save(milestone, actor)
