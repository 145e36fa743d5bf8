"""What every Party service shares: the permission-and-scope check, the local rules, the actor for the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from lianxin.core.errors import DomainError
from lianxin.core.permissions import scope_to_user

from ..models import Organization, PartyRules
from ..rules import RulesConfig


def require(actor, perm: str) -> None:
    """Refuse, as a DomainError the page and the API show, an action the role does not allow."""
    if actor is None or not actor.is_authenticated or not actor.has_perm(perm):
        raise DomainError(_("您的角色无权执行此操作"), code="permission_denied")


def require_organization(actor, organization: Organization, perm: str) -> None:
    """The permission, and the organisation within the actor's scope (a branch secretary: their own ones)."""
    require(actor, perm)
    if not scope_to_user(Organization.objects.filter(pk=organization.pk), actor).exists():
        raise DomainError(
            _("党组织“%(name)s”不在您的管辖范围内") % {"name": organization.name},
            field="organization",
            code="permission_denied",
        )


def rules_current() -> PartyRules:
    """The township's local rules: the stored row, else the defaults (with ``LIANXIN_PARTY_RULES`` overrides)."""
    row = PartyRules.objects.order_by("pk").first()
    if row is not None:
        return row
    row = PartyRules()
    for name, value in getattr(settings, "LIANXIN_PARTY_RULES", {}).items():
        setattr(row, name, value)
    return row


def rules_config(rules: PartyRules | None = None) -> RulesConfig:
    rules = rules or rules_current()
    return RulesConfig(notice_workdays=rules.notice_workdays, applicant_months=rules.applicant_months)


def user_label(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""
