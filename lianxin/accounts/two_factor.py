"""Two-factor login (双因素认证): a TOTP authenticator app and one-time recovery codes, kept by django-otp.

Services and reads of the second factor (the account's other writes are in ``services``): an account enrols
by scanning a QR code and confirming one current code, and receives ``LIANXIN_2FA_RECOVERY_CODES``
recovery codes, shown once; every login then asks for a code after the password. The roles in
``LIANXIN_2FA_REQUIRED_ROLES`` (always the system administrator) must enrol before they can use the site.
An administrator's reset removes the factor (the holder enrols again at the next login). No API token is
issued to an account without it. Decision 0014.
"""

import re
from base64 import b32encode

from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lianxin.core.audit import acting_as
from lianxin.core.errors import DomainError

from .models import ApiToken, SecurityEvent, User
from .services import security_event_record

# A code from the authenticator app: six digits (spaces typed between groups are dropped).
TOTP_CODE = re.compile(r"^\d{6}$")
# What the audit trail stores for a reset of the second factor (never a key or a code).
TWO_FACTOR_RESET_MARK = "two_factor_reset"


def two_factor_required(user: User) -> bool:
    """Whether the account's role must sign in with a second factor (``LIANXIN_2FA_REQUIRED_ROLES``)."""
    return user.role in settings.LIANXIN_2FA_REQUIRED_ROLES


def totp_device_get(user: User) -> TOTPDevice | None:
    """The account's confirmed authenticator, if it has enrolled."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def two_factor_enabled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def secret_text(device: TOTPDevice) -> str:
    """The key as an authenticator app takes it by hand: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The enrolment QR code (the ``otpauth://`` URI) as an SVG drawn on the server, for an ``<img>``'s
    ``data:`` address (the CSP allows it): no script, no CDN."""
    import segno

    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2, dark="#212529")


def two_factor_enrol_start(*, user: User) -> TOTPDevice:
    """An authenticator not yet confirmed, for the holder to scan: the one begun before (the same QR code on
    every reload until confirmed) or a new key."""
    if two_factor_enabled(user):
        raise DomainError(_("已启用双因素认证;如需更换手机,请先停用或请管理员重置"))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def _normalised(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _recovery_codes_issue(user: User) -> list[str]:
    """New recovery codes; those issued before die."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(settings.LIANXIN_2FA_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def two_factor_enrol_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm an authenticator with a code it shows now; returns the recovery codes, shown once (启用双因素认证)."""
    code = _normalised(code)
    if device.user_id != user.pk or device.confirmed:
        raise DomainError(_("请重新开始启用双因素认证"))
    if not TOTP_CODE.match(code):
        raise DomainError(_("验证码应为验证器App当前显示的6位数字"), field="code")
    # Checked outside the transaction below, so that a wrong code's back-off (django-otp) is kept.
    if not device.verify_token(code):
        raise DomainError(_("验证码不正确:请核对手机时间,输入验证器App当前显示的6位数字"), field="code")
    with transaction.atomic(), acting_as(user):
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = _recovery_codes_issue(user)
        security_event_record(
            kind=SecurityEvent.Kind.TWO_FACTOR_ENROLLED, user=user, detail={"recovery_codes": len(codes)}
        )
    return codes


def recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes for an enrolled account (重新生成恢复码); every code issued before stops working."""
    if not two_factor_enabled(user):
        raise DomainError(_("请先启用双因素认证"))
    with transaction.atomic():
        codes = _recovery_codes_issue(user)
        security_event_record(
            kind=SecurityEvent.Kind.RECOVERY_CODES_ISSUED, user=user, detail={"recovery_codes": len(codes)}
        )
    return codes


def _wait_seconds(device: Device) -> int:
    """Seconds before ``device`` takes another try after wrong codes (django-otp's back-off: 1, 2, 4… s,
    counted for the account wherever the codes come from); 0 when it may be tried now."""
    allowed, data = device.verify_is_allowed()
    if allowed or not data or "locked_until" not in data:
        return 0
    return max(1, int((data["locked_until"] - timezone.now()).total_seconds() + 0.999))


def second_factor_verify(*, user: User, code: str) -> tuple[Device | None, int]:
    """The device that accepts this code of one login — the authenticator's six digits, or a recovery code,
    which is then used up — and 0; or None and the seconds to wait when the device is still backing off
    after wrong codes (0 for a plain wrong code). A code is never accepted twice."""
    code = _normalised(code)
    model = TOTPDevice if TOTP_CODE.match(code) else StaticDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        if device is None or not code:
            return None, 0
        wait = _wait_seconds(device)
        if wait:
            return None, wait
        if device.verify_token(code):
            return device, 0
    return None, 0


def _remove(user: User) -> int:
    """Delete the account's second factor and revoke its API tokens (issued under that factor: the mobile
    client's token lives on the phone that may be lost); returns the number of tokens revoked."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def two_factor_disable(*, user: User, code: str) -> User:
    """The holder turns the second factor off with a current code (停用双因素认证); refused where the role
    requires it. Their API tokens are revoked: tokens need the second factor."""
    if two_factor_required(user):
        raise DomainError(_("您的角色必须使用双因素认证,不能停用;更换手机请联系管理员重置"))
    if not two_factor_enabled(user):
        raise DomainError(_("尚未启用双因素认证"))
    device, wait = second_factor_verify(user=user, code=code)
    if wait:
        raise DomainError(_("验证码错误次数过多,请%(seconds)d秒后再试") % {"seconds": wait}, field="code")
    if device is None:
        raise DomainError(_("验证码不正确"), field="code")
    with transaction.atomic(), acting_as(user):
        revoked = _remove(user)
        security_event_record(
            kind=SecurityEvent.Kind.TWO_FACTOR_DISABLED, user=user, detail={"tokens_revoked": revoked}
        )
    return user


def two_factor_reset(*, user: User, actor: User) -> User:
    """An administrator removes an account's second factor (重置双因素认证: a lost phone), recorded with who
    and whom in the security events and the audit trail; the holder enrols again at the next login, and
    their API tokens are revoked."""
    if not actor.has_perm("accounts.change_user"):
        raise PermissionDenied(_("您的角色无权重置双因素认证"))
    if user.pk == actor.pk:
        raise DomainError(_("不能重置自己的双因素认证,请另一位管理员操作"))
    with transaction.atomic(), acting_as(actor):
        had_factor = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        revoked = _remove(user)
        LogEntry.objects.log_create(
            user,
            action=LogEntry.Action.UPDATE,
            changes={"two_factor": [str(had_factor), TWO_FACTOR_RESET_MARK]},
            force_log=True,
        )
        security_event_record(
            kind=SecurityEvent.Kind.TWO_FACTOR_RESET,
            user=actor,
            detail={"account": user.username, "had_factor": had_factor, "tokens_revoked": revoked},
        )
    return user
