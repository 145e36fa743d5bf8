"""Who is acting, for the audit trail (django-auditlog), whether the write came from a page, the API or a command."""

from collections.abc import Iterator
from contextlib import contextmanager

from auditlog.context import auditlog_value, set_actor


@contextmanager
def acting_as(actor) -> Iterator[None]:
    """Attribute audit entries written inside the block to ``actor``.

    Inside a request the auditlog middleware has already opened a context with the
    client address; we only fill in the actor (token-authenticated API calls have
    none at middleware time). Outside a request we open a context of our own.
    """
    try:
        current = auditlog_value.get()
    except LookupError:
        current = None
    if current is None or "signal_duid" not in current:
        with set_actor(actor):
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
    try:
        return auditlog_value.get().get("remote_addr")
    except LookupError:
        return None
