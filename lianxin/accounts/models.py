from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from lianxin.enterprises.models import Enterprise
from lianxin.regions.models import Region

from . import chain
from .roles import Role


class User(AbstractUser):
    """An account: one person, one role, one scope (a region subtree or an enterprise)."""

    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    scope_region = models.ForeignKey(
        Region, verbose_name=_("管辖区域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scope_enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("所属企业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=True)
    # When the holder last set their own password: the start of its validity (LIANXIN_PASSWORD_MAX_AGE_DAYS).
    password_changed_at = models.DateTimeField(_("密码修改时间"), default=timezone.now)

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        permissions = [
            ("view_dashboard", _("查看统计概况")),
            ("view_audit_trail", _("查看审计日志")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope_region__isnull=True) | models.Q(scope_enterprise__isnull=True),
                name="user_one_scope_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_full_name() or self.username}"

    @property
    def scope_label(self) -> str:
        if self.scope_enterprise_id:
            return str(self.scope_enterprise)
        if self.scope_region_id:
            return str(self.scope_region)
        return ""

    @property
    def password_expires_at(self) -> datetime | None:
        """When the password stops working for the site (None: passwords do not expire)."""
        days = settings.LIANXIN_PASSWORD_MAX_AGE_DAYS
        return self.password_changed_at + timedelta(days=days) if days > 0 else None

    @property
    def password_expired(self) -> bool:
        expires_at = self.password_expires_at
        return expires_at is not None and expires_at <= timezone.now()

    @cached_property
    def scope_organization_ids(self) -> list[int] | None:
        """A branch secretary's Party organisations (the link ``party.SecretaryScope``: their own, those below
        it and the temporary branches it seconds members to), which narrow Party rows in ``scope_to_user``;
        None for every other role. An unlinked secretary sees no Party rows."""
        if self.role != Role.BRANCH_SECRETARY:
            return None
        link = getattr(self, "secretary_scope", None)
        return link.organization_ids() if link is not None else []


class SecurityEvent(models.Model):
    """Append-only, hash-chained log of security-relevant events (安全事件): each row seals the one before it,
    with a key kept outside the database (``chain.py``).

    Updates, deletes and REPLACE are refused by database triggers; ``manage.py verify_security_events``
    recomputes the chain, names the first row that was edited, removed or inserted out of turn, and
    compares the head with the latest checkpoint kept outside the database (``checkpoint.py``).
    """

    class Kind(models.TextChoices):
        LOGIN = "login", _("登录成功")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKOUT = "lockout", _("账号锁定")
        LOGOUT = "logout", _("退出登录")
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        PERMISSION_CHANGED = "permission_changed", _("权限变更")
        ID_REVEAL = "id_reveal", _("查看完整身份证号")
        EXPORT = "export", _("导出")
        IMPORT = "import", _("导入")
        TOKEN_CREATED = "token_created", _("创建API令牌")
        CHAIN_KEYED = "chain_keyed", _("事件链启用密钥")
        TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("启用双因素认证")
        TWO_FACTOR_DISABLED = "two_factor_disabled", _("停用双因素认证")
        TWO_FACTOR_RESET = "two_factor_reset", _("重置双因素认证")
        TWO_FACTOR_FAILED = "two_factor_failed", _("双因素验证失败")
        RECOVERY_CODES_ISSUED = "recovery_codes_issued", _("重新生成恢复码")
        PERSONAL_DATA_PURGED = "personal_data_purged", _("清除超期个人信息")

    sequence = models.PositiveBigIntegerField(_("序号"), unique=True)
    occurred_at = models.DateTimeField(_("时间"), db_index=True)
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices, db_index=True)
    # The username, not a foreign key: deleting or renaming an account must not touch sealed rows.
    username = models.CharField(_("账号"), max_length=150, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    detail = models.JSONField(_("详情"), default=dict)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    append_only = {"what": "security events"}  # database triggers: migration 0002, core.append_only

    class Meta:
        verbose_name = _("安全事件")
        verbose_name_plural = _("安全事件")
        ordering = ["-sequence"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"

    def _payload(self) -> bytes:
        return chain.event_payload(
            sequence=self.sequence,
            occurred_at=self.occurred_at,
            kind=self.kind,
            username=self.username,
            ip_address=self.ip_address,
            detail=self.detail,
            previous_hash=self.previous_hash,
        )

    def compute_hash(self) -> str:
        """The row's seal: HMAC-SHA256 under SECURITY_EVENT_KEY (``chain.py``)."""
        return chain.seal(self._payload())

    def compute_legacy_hash(self) -> str:
        """The plain SHA-256 the rows written before the chain was keyed carry."""
        return chain.legacy_seal(self._payload())


class SecurityChainHead(models.Model):
    """A single row locked while appending, so concurrent events chain in one order."""

    last_hash = models.CharField(max_length=64, default="0" * 64)
    last_sequence = models.BigIntegerField(default=0)


class ApiToken(models.Model):
    """A bearer token for scripts and the mobile client; only its SHA-256 digest is stored.

    Only an account with a second factor gets one (``two_factor``). It works until ``expires_at``
    (``LIANXIN_API_TOKEN_DAYS`` after issue), is revoked by its holder, by a password change, by disabling the
    account or by removing its second factor, and is refused while its account is disabled or still on a
    one-time password.
    """

    user = models.ForeignKey(User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API令牌")
        verbose_name_plural = _("API令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def is_expired(self) -> bool:
        from django.utils import timezone

        return self.expires_at <= timezone.now()
