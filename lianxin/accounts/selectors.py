from datetime import date, datetime, time

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone

from lianxin.core.permissions import get_scoped_or_404, scope_to_user
from lianxin.regions.models import Region

from .models import ApiToken, SecurityEvent, User


def audit_entry_list(
    *,
    content_type_id: int | None = None,
    actor: str = "",
    action: int | None = None,
    object_id: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[LogEntry]:
    """The audit trail (审计日志), newest first, filtered. Reading it needs ``accounts.view_audit_trail``."""
    qs = LogEntry.objects.select_related("actor", "content_type")
    if content_type_id:
        qs = qs.filter(content_type_id=content_type_id)
    if actor:
        qs = qs.filter(actor__username__icontains=actor.strip())
    if action is not None:
        qs = qs.filter(action=action)
    if object_id:
        qs = qs.filter(object_pk=object_id.strip())
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(timestamp__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(timestamp__lte=datetime.combine(date_to, time.max, tzinfo=tz))
    return qs


def audited_model_choices() -> list[tuple[str, str]]:
    from auditlog.registry import auditlog

    cts = ContentType.objects.get_for_models(*auditlog.get_models())
    return sorted(((str(ct.pk), str(model._meta.verbose_name)) for model, ct in cts.items()), key=lambda c: c[1])


def security_event_list(*, kind: str = "", username: str = "") -> QuerySet[SecurityEvent]:
    qs = SecurityEvent.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    if username:
        qs = qs.filter(username__icontains=username.strip())
    return qs


def user_list(*, user, q: str = "", role: str = "") -> QuerySet[User]:
    qs = scope_to_user(User.objects.select_related("scope_region", "scope_enterprise"), user)
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(first_name__icontains=q))
    if role:
        qs = qs.filter(role=role)
    return qs.order_by("username")


def user_get(*, user, pk: int) -> User:
    return get_scoped_or_404(User.objects.select_related("scope_region", "scope_enterprise"), user, pk=pk)


def api_token_list(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def scope_region_choices(*, user, current: Region | None = None) -> QuerySet[Region]:
    """The regions an administrator may give an account as its scope (管辖区域): every level of the
    administrator's own branch of the tree — the regions above their scope (the county above a township)
    and every region below it — plus the account's current region, so editing never drops a scope."""
    qs = Region.objects.all()
    if not user.is_superuser:
        if user.scope_region_id is None:
            qs = qs.none() if current is None else qs.filter(pk=current.pk)
        else:
            scope = user.scope_region
            above = [int(pk) for pk in scope.path.strip("/").split("/") if pk]
            branch = Q(pk__in=above) | Q(path__startswith=scope.path)
            if current is not None:
                branch |= Q(pk=current.pk)
            qs = qs.filter(branch)
    return qs.order_by("path")
