"""The second factor in tests: an enrolled authenticator and the code its app would show."""

import time

from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device(user, *, confirmed: bool = True) -> TOTPDevice:
    """An authenticator of ``user`` (enrolled unless ``confirmed=False``), as the enrolment page makes it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=confirmed)


def totp_code(device: TOTPDevice) -> str:
    """The next code the app shows that the device still accepts: the current time step, or the one after the
    last code used (django-otp never takes a step twice and tolerates one step of clock difference)."""
    device.refresh_from_db()
    now_t = (int(time.time()) - device.t0) // device.step + device.drift
    return f"{hotp(device.bin_key, max(now_t, device.last_t + 1), digits=device.digits):0{device.digits}d}"
