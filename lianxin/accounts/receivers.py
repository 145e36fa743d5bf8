"""Security events for authentication. Signals are the hook Django and django-axes offer for these;
no domain flow hangs on them."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from lianxin.core.client import client_address

from .models import SecurityEvent


def _ip(request) -> str | None:
    return (client_address(request) or None) if request is not None else None


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs) -> None:
    from .services import security_event_record

    security_event_record(kind=SecurityEvent.Kind.LOGIN, user=user, ip_address=_ip(request))


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs) -> None:
    from .services import security_event_record

    if user is not None:
        security_event_record(kind=SecurityEvent.Kind.LOGOUT, user=user, ip_address=_ip(request))


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    from .services import security_event_record

    # Never store the attempted password or code; the username typed is what the operator needs. A wrong
    # second-factor code (accounts.views.login_verify) is sent here too, so that django-axes counts it.
    second_factor = bool(credentials.get("second_factor"))
    security_event_record(
        kind=SecurityEvent.Kind.TWO_FACTOR_FAILED if second_factor else SecurityEvent.Kind.LOGIN_FAILED,
        username=str(credentials.get("username", ""))[:150],
        ip_address=_ip(request),
    )


@receiver(user_locked_out)
def on_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    from .services import security_event_record

    # The lock holds for this account at this address only (AXES_LOCKOUT_PARAMETERS).
    security_event_record(
        kind=SecurityEvent.Kind.LOCKOUT,
        username=username or "",
        ip_address=ip_address,
        detail={"by": "account_address", "second_factor": True}
        if getattr(request, "second_factor_step", False)
        else {"by": "account_address"},
    )


def sync_roles_after_migrate(sender, using="default", **kwargs) -> None:
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from .services import roles_sync

    # Apps listed after accounts have not had their permissions created yet at this point.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    roles_sync()
