"""Who is acting, for the audit trail (django-auditlog), whether the write came from a page, the API or a command."""

from collections.abc import Iterator
from contextlib import contextmanager

from auditlog.context import auditlog_value, set_actor
from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware

from .client import client_address


@contextmanager
def _restoring_context() -> Iterator[None]:
    # auditlog leaves its context variable set when its block ends (only the signal receiver is
    # disconnected), so a later write in the same thread would mistake the dead context for a live
    # one and lose its actor. Put back whatever was there before.
    token = auditlog_value.set(None)
    try:
        yield
    finally:
        auditlog_value.reset(token)


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """auditlog's middleware (actor and client address of the request), with the context ending with the request.

    auditlog itself believes any X-Forwarded-For header a client sends; the address comes from
    ``core.client.client_address`` instead (the header only from trusted proxies)."""

    @staticmethod
    def _get_remote_addr(request):
        return client_address(request) or None

    @staticmethod
    def _get_remote_port(request):
        return None

    def __call__(self, request):
        with _restoring_context():
            return super().__call__(request)


@contextmanager
def acting_as(actor) -> Iterator[None]:
    """Attribute audit entries written inside the block to ``actor``.

    Inside a request the auditlog middleware has already opened a context with the
    client address; we only fill in the actor (token-authenticated API calls have
    none at middleware time). Outside a request we open a context of our own.
    """
    current = auditlog_value.get(None)
    if current is None or "signal_duid" not in current:
        with _restoring_context(), set_actor(actor):
            yield
        return
    previous = current.get("actor")
    current["actor"] = actor if getattr(actor, "is_authenticated", False) else previous
    try:
        yield
    finally:
        current["actor"] = previous


def client_ip() -> str | None:
    """The client address the auditlog middleware recorded for this request, if any."""
    return (auditlog_value.get(None) or {}).get("remote_addr")
