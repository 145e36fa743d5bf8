from datetime import timedelta

from django.conf import settings
from django.utils import timezone


def password_expiry(request) -> dict:
    """``password_expiry_warning`` (its date and the days left) on every page during the last
    ``LIANXIN_PASSWORD_WARNING_DAYS`` before the password expires; base.html shows it as a banner."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "account_step", None):
        return {}
    expires_at = user.password_expires_at
    if expires_at is None:
        return {}
    left = expires_at - timezone.now()
    if left > timedelta(days=settings.LIANXIN_PASSWORD_WARNING_DAYS):
        return {}
    expires_on = timezone.localtime(expires_at).date()
    return {"password_expiry_warning": {"date": expires_on, "days": (expires_on - timezone.localdate()).days}}
