"""What every livelihood service shares: the permission-and-scope checks, for the page and the API alike."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lianxin.core.errors import DomainError
from lianxin.core.permissions import scope_to_user
from lianxin.regions.models import Region


def require(actor, perm: str) -> None:
    """Refuse, as a DomainError the page and the API show, an action the role does not allow."""
    if actor is None or not actor.is_authenticated or not actor.has_perm(perm):
        raise DomainError(_("您的角色无权执行此操作"), code="permission_denied")


def require_in_scope(actor, obj, *, field: str, label: str) -> None:
    """``obj`` (a row of any scoped model) must be within the actor's scope (管辖范围)."""
    model = type(obj)
    from lianxin.core.permissions import view_permission

    if actor.is_superuser or not actor.has_perm(view_permission(model)):
        visible = actor.is_superuser
    else:
        visible = scope_to_user(model.objects.filter(pk=obj.pk), actor).exists()
    if not visible:
        raise DomainError(_("%(label)s不在您的管辖范围内") % {"label": label}, field=field, code="permission_denied")


def require_region(actor, region: Region, *, field: str) -> None:
    if actor.is_superuser:
        return
    base = actor.scope_region.path if actor.scope_region_id else None
    if base is None or not region.path.startswith(base):
        raise DomainError(
            _("“%(name)s”不在您的管辖范围内") % {"name": region.name}, field=field, code="permission_denied"
        )


def money_field_check(value, *, field: str, label: str) -> None:
    if value is None or value < 0:
        raise DomainError(_("%(label)s不能为负数") % {"label": label}, field=field)
