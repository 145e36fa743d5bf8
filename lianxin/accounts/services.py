import hashlib
import secrets
import string
from datetime import timedelta

from auditlog.models import LogEntry
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from lianxin.core.audit import acting_as, client_ip
from lianxin.core.errors import DomainError
from lianxin.enterprises.models import Enterprise
from lianxin.regions.models import Region

from .models import ApiToken, SecurityChainHead, SecurityEvent, User
from .roles import ENTERPRISE_SCOPED_ROLES, ROLE_PERMISSIONS, Role


def security_event_record(
    *, kind: str, user=None, username: str = "", ip_address: str | None = None, detail: dict | None = None
) -> SecurityEvent:
    """Append one security event to the hash chain (安全事件). Rows are sealed and never change."""
    if user is not None and getattr(user, "is_authenticated", False):
        username = user.get_username()
    with transaction.atomic():
        head, _created = SecurityChainHead.objects.select_for_update().get_or_create(pk=1)
        event = SecurityEvent(
            sequence=head.last_sequence + 1,
            occurred_at=timezone.now(),
            kind=kind,
            username=username[:150],
            ip_address=ip_address or client_ip(),
            detail=detail or {},
            previous_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        head.last_hash, head.last_sequence = event.hash, event.sequence
        head.save(update_fields=["last_hash", "last_sequence"])
        transaction.on_commit(_checkpoint_if_due)
    return event


def _checkpoint_if_due() -> None:
    """At least a daily checkpoint while the site is used, with no scheduler needed: the first event after
    one falls due queues it for the background worker (cron may run the command as well)."""
    from django.core.cache import cache

    from .checkpoint import checkpoint_due
    from .tasks import checkpoint_write_task

    if checkpoint_due() and cache.add("accounts:checkpoint-queued", 1, 3600):
        checkpoint_write_task.enqueue()


def security_events_verify() -> list[str]:
    """Recompute the keyed chain; returns one Chinese message per broken link (empty when intact).

    Rows written before the chain was keyed (plain SHA-256) are accepted only before the first keyed
    row, and the newest row must be keyed: a forger without the key cannot pass a rewritten tail off as
    old unkeyed rows. A rolled-back tail is found against the checkpoints (``checkpoint.checkpoint_verify``)."""
    problems: list[str] = []
    expected_previous = "0" * 64
    last_sequence = 0
    keyed_seen = False
    last_keyed = True
    for event in SecurityEvent.objects.order_by("sequence").iterator(chunk_size=2000):
        if event.sequence != last_sequence + 1 or event.previous_hash != expected_previous:
            problems.append(_("第%(n)d条事件之前的记录被删除或改动(链接断开)") % {"n": event.sequence})
        if event.compute_hash() == event.hash:
            keyed_seen = last_keyed = True
        elif not keyed_seen and event.compute_legacy_hash() == event.hash:
            last_keyed = False  # written before the chain was keyed
        else:
            problems.append(_("第%(n)d条事件的内容被改动(哈希不符)") % {"n": event.sequence})
        expected_previous, last_sequence = event.hash, event.sequence
    if last_sequence and not last_keyed:
        problems.append(_("最新的事件没有密钥签名:事件链可能被整体重写"))
    head = SecurityChainHead.objects.filter(pk=1).first()
    if head and (head.last_sequence != last_sequence or head.last_hash != expected_previous):
        problems.append(_("最新的事件记录被删除或改动(链尾应为第%(n)d条)") % {"n": head.last_sequence})
    return problems


def audit_access(*, instance, actor, what: str) -> LogEntry:
    """Write an 'accessed' entry to the audit trail, e.g. when a full resident ID is revealed."""
    with acting_as(actor):
        return LogEntry.objects.log_create(
            instance, action=LogEntry.Action.ACCESS, changes={"revealed": [what, ""]}, force_log=True
        )


def audit_batch(*, instance, actor, changes: dict) -> LogEntry:
    """One audit entry for a batch write (rows inserted together), recorded on the object that owns them."""
    with acting_as(actor):
        return LogEntry.objects.log_create(instance, action=LogEntry.Action.UPDATE, changes=changes, force_log=True)


def roles_sync() -> None:
    """Create or update one group per role with exactly that role's permissions."""
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        permissions = []
        for full in codenames:
            app_label, codename = full.split(".")
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is None:
                raise LookupError(f"permission {full} missing for role {role}")
            permissions.append(permission)
        group.permissions.set(permissions)


# Characters a one-time password never uses: read aloud or copied from a screen they are mistaken
# for one another (l/1/I, O/0/o).
LOOK_ALIKES = frozenset("lI1O0o")
PASSWORD_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in LOOK_ALIKES) + "!@#%+=?"


def password_generate(length: int = 14) -> str:
    """A random one-time password with all four character classes and no look-alike characters."""
    alphabet = PASSWORD_ALPHABET
    while True:
        candidate = "".join(secrets.choice(alphabet) for _i in range(length))
        if (
            any(c.islower() for c in candidate)
            and any(c.isupper() for c in candidate)
            and any(c.isdigit() for c in candidate)
            and any(not c.isalnum() for c in candidate)
        ):
            return candidate


def _check_scope(role: str, scope_region: Region | None, scope_enterprise: Enterprise | None) -> None:
    if role in ENTERPRISE_SCOPED_ROLES:
        if scope_enterprise is None or scope_region is not None:
            raise DomainError(_("企业联络员的管辖范围必须是一个企业"), field="scope_enterprise")
    elif scope_enterprise is not None or scope_region is None:
        raise DomainError(_("该角色的管辖范围必须是一个区域"), field="scope_region")
    if role == Role.VILLAGE_CADRE and scope_region.level not in (Region.Level.VILLAGE, Region.Level.VILLAGE_GROUP):
        raise DomainError(_("村干部的管辖范围必须是村委会或村民小组"), field="scope_region")


def user_create(
    *,
    username: str,
    full_name: str,
    role: str,
    scope_region: Region | None = None,
    scope_enterprise: Enterprise | None = None,
    password: str | None = None,
    actor=None,
) -> tuple[User, str]:
    """Open an account with a one-time password that must be changed at first login; returns (user, password)."""
    _check_scope(role, scope_region, scope_enterprise)
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("账号名%(name)s已存在") % {"name": username}, field="username")
    password = password or password_generate()
    user = User(
        username=username,
        first_name=full_name,
        role=role,
        scope_region=scope_region,
        scope_enterprise=scope_enterprise,
        is_staff=role == Role.SYSTEM_ADMIN,
        must_change_password=True,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    with transaction.atomic(), acting_as(actor):
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        security_event_record(
            kind=SecurityEvent.Kind.PERMISSION_CHANGED,
            user=actor,
            detail={"account": username, "role": role, "scope": user.scope_label},
        )
    return user, password


def user_set_role(
    *, user: User, role: str, scope_region: Region | None, scope_enterprise: Enterprise | None, actor
) -> User:
    """Change what (role) and where (scope) an account may work; recorded as a permission change (saving an
    unchanged form changes nothing and records nothing)."""
    _check_scope(role, scope_region, scope_enterprise)
    if (user.role, user.scope_region, user.scope_enterprise) == (role, scope_region, scope_enterprise):
        return user
    before = {"role": user.role, "scope": user.scope_label}
    user.role, user.scope_region, user.scope_enterprise = role, scope_region, scope_enterprise
    user.is_staff = role == Role.SYSTEM_ADMIN
    user.full_clean()
    with transaction.atomic(), acting_as(actor):
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        security_event_record(
            kind=SecurityEvent.Kind.PERMISSION_CHANGED,
            user=actor,
            detail={"account": user.username, "before": before, "after": {"role": role, "scope": user.scope_label}},
        )
    return user


def user_set_active(*, user: User, active: bool, actor) -> User:
    """Disable or re-enable an account (accounts are never deleted: the audit trail refers to them).
    Disabling revokes every API token of the account: enabling it again does not bring them back."""
    if user.is_active == active:
        return user
    user.is_active = active
    detail: dict = {"account": user.username, "active": active}
    with transaction.atomic(), acting_as(actor):
        user.save(update_fields=["is_active"])
        if not active:
            detail["tokens_revoked"] = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
        security_event_record(kind=SecurityEvent.Kind.PERMISSION_CHANGED, user=actor, detail=detail)
    return user


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a bearer token valid for ``LIANXIN_API_TOKEN_DAYS``; the raw value is shown once and only its
    digest is kept. Only an account with a confirmed second factor (``two_factor``) gets one."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise DomainError(_("创建API令牌前须先启用双因素认证(“我的账号”页面)"), field="name")
    raw = "lx_" + secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=settings.LIANXIN_API_TOKEN_DAYS)
    with transaction.atomic(), acting_as(user):
        token = ApiToken.objects.create(
            user=user, name=name.strip() or _("脚本"), prefix=raw[:8], digest=_digest(raw), expires_at=expires_at
        )
        security_event_record(
            kind=SecurityEvent.Kind.TOKEN_CREATED,
            user=user,
            detail={"token": token.prefix, "expires_at": expires_at.isoformat(timespec="seconds")},
        )
    return token, raw


def api_token_authenticate(raw: str) -> User | None:
    """The account a bearer token stands for: not revoked, not expired, and the account active and past its
    one-time password (the session login refuses such an account too)."""
    token = (
        ApiToken.objects.select_related("user", "user__scope_region")
        .filter(
            digest=_digest(raw),
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
            user__must_change_password=False,
        )
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
    with acting_as(actor):
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def password_change(*, user: User, new_password: str) -> User:
    """Set the user's own password (validated); this also ends the one-time-password state, starts the
    password's validity again (``LIANXIN_PASSWORD_MAX_AGE_DAYS``) and revokes every API token of the account
    (whoever held the old password may have issued one)."""
    if user.check_password(new_password):
        # A periodic change that keeps the same password changes nothing.
        raise ValidationError(_("新密码不能与当前密码相同"), code="password_unchanged")
    validate_password(new_password, user)
    with transaction.atomic(), acting_as(user):
        user.set_password(new_password)
        user.must_change_password = False
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        security_event_record(
            kind=SecurityEvent.Kind.PASSWORD_CHANGED, user=user, detail={"tokens_revoked": revoked} if revoked else {}
        )
    return user


# What the audit trail stores for a password reset (never the password or its hash); shown as 已重置.
PASSWORD_RESET_MARK = "reset"


def user_password_reset(*, user: User, actor) -> tuple[User, str]:
    """An administrator gives an account a new one-time password (重置密码), shown once; the holder must
    change it at the next login. The account's sessions end (its password hash changed) and its API tokens
    are revoked, so whoever held the old password holds nothing. Returns (user, password)."""
    if not actor.has_perm("accounts.change_user"):
        raise PermissionDenied(_("您的角色无权重置密码"))
    if user.pk == actor.pk:
        raise DomainError(_("不能重置自己的密码,请在“我的账号”中修改密码"))
    password = password_generate()
    validate_password(password, user)
    now = timezone.now()
    with transaction.atomic(), acting_as(actor):
        was_forced = User.objects.select_for_update().values_list("must_change_password", flat=True).get(pk=user.pk)
        user.set_password(password)
        user.must_change_password = True
        # One audit entry written here (below), whatever changed: a second reset changes no audited field.
        User.objects.filter(pk=user.pk).update(password=user.password, must_change_password=True)
        revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        LogEntry.objects.log_create(
            user,
            action=LogEntry.Action.UPDATE,
            changes={"password": ["", PASSWORD_RESET_MARK], "must_change_password": [str(was_forced), "True"]},
            force_log=True,
        )
        security_event_record(
            kind=SecurityEvent.Kind.PASSWORD_CHANGED,
            user=actor,
            detail={"account": user.username, "reset": True, "tokens_revoked": revoked},
        )
    axes_reset(username=user.username)
    return user, password


def user_unlock(*, user: User, actor) -> User:
    """Lift a login lockout before its 15 minutes are over (the administrator has checked who is asking)."""
    axes_reset(username=user.username)
    security_event_record(
        kind=SecurityEvent.Kind.PERMISSION_CHANGED, user=actor, detail={"account": user.username, "unlocked": True}
    )
    return user
