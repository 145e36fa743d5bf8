"""The one place where a user's jurisdiction narrows a query (管辖范围).

A model opts in by naming the lookup from itself to its Region and/or Enterprise:

    class Person(BaseModel):
        scope_region_lookup = "household__village_group"

Party models also name the lookup(s) to their Party organisation (``scope_organization_lookup``, one
lookup or a tuple of alternatives, "" for the organisation itself): for a branch secretary that, not
the region, says which rows are theirs (``user.scope_organization_ids``: their organisation, those
below it and the temporary branches it seconds members to).

Every selector, page, export and API endpoint reads through ``scope_to_user``;
``get_scoped_or_404`` is how a single row is fetched, so a guessed id from another
village is indistinguishable from one that does not exist.
"""

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

M = TypeVar("M", bound=Model)


def view_permission(model: type[Model]) -> str:
    return f"{model._meta.app_label}.view_{model._meta.model_name}"


DASHBOARD_PERMISSION = "accounts.view_dashboard"


def scope_to_user(qs: QuerySet[M], user, *, aggregate: bool = False) -> QuerySet[M]:
    """Rows of ``qs`` that ``user`` may see: the view permission, then the region or enterprise subtree.

    ``aggregate=True`` is for counts and sums on dashboards: the dashboard permission stands in for
    the model's view permission (a county viewer may count people without reading their records),
    while the jurisdiction still applies. Never pass it for a query whose rows reach the user.
    """
    model = qs.model
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    needed = DASHBOARD_PERMISSION if aggregate else view_permission(model)
    if not user.has_perm(needed):
        return qs.none()
    if user.is_superuser:
        return qs
    region_lookup: str | None = getattr(model, "scope_region_lookup", None)
    enterprise_lookup: str | None = getattr(model, "scope_enterprise_lookup", None)
    if user.scope_enterprise_id:
        if enterprise_lookup is None:
            return qs.none()
        return qs.filter(**{enterprise_lookup or "pk": user.scope_enterprise_id})
    organization_lookup = getattr(model, "scope_organization_lookup", None)
    organization_ids = getattr(user, "scope_organization_ids", None)
    if organization_ids is not None and organization_lookup is not None:
        lookups = (organization_lookup,) if isinstance(organization_lookup, str) else organization_lookup
        allowed = Q()
        for lookup in lookups:
            allowed |= Q(**{f"{lookup}__in" if lookup else "pk__in": organization_ids})
        return qs.filter(allowed)
    if user.scope_region_id:
        if region_lookup is None:
            # Reference data without a region (catalogues, codes): the permission suffices.
            return qs if enterprise_lookup is None else qs.none()
        prefix = f"{region_lookup}__" if region_lookup else ""
        return qs.filter(Q(**{f"{prefix}path__startswith": user.scope_region.path}))
    return qs.none()


def get_scoped_or_404(qs: QuerySet[M], user, **lookup) -> M:
    """One row within the user's scope, or 404 — never 403, so ids outside the scope leak nothing."""
    try:
        return scope_to_user(qs, user).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def require_perm(user, perm: str) -> None:
    """Refuse (403) an action the user's role does not allow."""
    if not user.has_perm(perm):
        raise PermissionDenied(_("您的角色无权执行此操作"))
