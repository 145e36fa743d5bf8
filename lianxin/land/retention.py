"""Bank accounts of payments past the keeping period after the agreement's last payment (core.retention).

Payments are append-only and their rows are accounting vouchers: the purge does not rewrite them; it stops
the processing of the account (``BankAccountRestriction``: no reveal any more), PIPL art. 47(2)."""

from django.db.models import Max, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from lianxin.core import retention

RETENTION_CLASS = "land.bank_accounts"
DEFAULT_DAYS = 5 * 365


def _due(cutoff):
    from .models import Payment

    last_paid = (
        Payment.objects.filter(agreement=OuterRef("agreement"))
        .order_by()
        .values("agreement")
        .annotate(last=Max("paid_on"))
        .values("last")
    )
    return (
        Payment.objects.filter(bank_account_ciphertext__isnull=False, account_restriction__isnull=True)
        .annotate(last_paid_on=Subquery(last_paid))
        .filter(last_paid_on__lte=cutoff.date())
    )


def _purge(ids: list[int], now) -> int:
    from .services import bank_accounts_restrict

    return bank_accounts_restrict(ids=ids, now=now)


def _describe(payment) -> str:
    return f"#{payment.pk} {payment.payee_name[:1]}* {payment.bank_account_masked} {payment.last_paid_on}"


def register() -> None:
    retention.register(
        retention.DataClass(
            key=RETENTION_CLASS,
            label=_("兑付的银行账号"),
            clock=_("该协议最后一次兑付之日"),
            action=_("停止处理:不再显示完整账号;兑付记录只能追加,作为会计凭证保留,不改写"),
            default_days=lambda: DEFAULT_DAYS,
            due=_due,
            purge=_purge,
            describe=_describe,
            order=20,
        )
    )
