"""Logs that do not say who asked: requests to ``LIANXIN_ADDRESS_FREE_PATHS`` (the integrity-report
form and endpoint, the tracking page) are logged without the client's address.

- ``AddressFreeFilter`` (Django logging, on every handler): such a record loses its ``request``
  (whose META holds the address) and any address of that request in its text.
- ``AddressFreeAccessLogger`` (gunicorn ``--logger-class``): the access-log line of such a request
  has ``-`` for the address, forwarded-for headers, referrer and user agent.

Everything else keeps its address: a security review needs it.
"""

from __future__ import annotations

import logging

from gunicorn.glogging import Logger as GunicornLogger

DEFAULT_PATHS = ("/cases/report/", "/cases/track/", "/api/cases/reports")
_ADDRESS_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED", "REMOTE_ADDR")


def address_free_paths() -> tuple[str, ...]:
    from django.conf import settings

    try:
        return tuple(getattr(settings, "LIANXIN_ADDRESS_FREE_PATHS", DEFAULT_PATHS))
    except Exception:  # settings not configured (a process that never loaded Django): the defaults
        return DEFAULT_PATHS


def is_address_free(path: str | None) -> bool:
    return bool(path) and any(path.startswith(prefix) for prefix in address_free_paths())


class AddressFreeFilter(logging.Filter):
    """Drop the request, and its client's address in the text, from records about address-free paths."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if not isinstance(path, str) or not is_address_free(path):
            return True
        meta = getattr(request, "META", {}) or {}
        message = record.getMessage()
        for header in _ADDRESS_HEADERS:
            for address in str(meta.get(header, "")).replace(",", " ").split():
                message = message.replace(address, "-")
        record.msg, record.args = message, ()
        record.request = None
        return True


class AddressFreeAccessLogger(GunicornLogger):
    """gunicorn's logger, writing ``-`` for the address (and referrer, user agent, forwarded-for
    headers) of requests to address-free paths."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        if is_address_free(atoms.get("U")):
            atoms["h"] = atoms["f"] = atoms["a"] = "-"
            for key in list(atoms):
                if key in ("{remote_addr}e", "{http_x_forwarded_for}e", "{http_x_real_ip}e", "{http_forwarded}e"):
                    atoms[key] = "-"
                elif key in ("{x-forwarded-for}i", "{x-real-ip}i", "{forwarded}i", "{referer}i", "{user-agent}i"):
                    atoms[key] = "-"
        return atoms
