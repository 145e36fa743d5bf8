"""The client's address, the one way: REMOTE_ADDR, or — only behind proxies named in
``LIANXIN_TRUSTED_PROXIES`` — the address those proxies put in X-Forwarded-For.

A header a client writes itself is never believed: X-Forwarded-For is read only when the request
came from a trusted proxy, and then from the right, each hop a trusted proxy added, up to the first
address that is not a trusted proxy. Rate limits (login, case tracking), lockouts, security events
and the audit trail all use this, so behind nginx they count per user and not per proxy, and a forged
header cannot put somebody else's address in the records.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 10.0.0.1:443
        value = value.split(":")[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def client_address(request) -> str:
    """The address of whoever sent ``request`` (a string, "" when unknown)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _networks(tuple(getattr(settings, "LIANXIN_TRUSTED_PROXIES", ())))
    parsed = _parse(remote)
    if not networks or parsed is None or not any(parsed in n for n in networks):
        return remote
    address = str(parsed)
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        hop_address = _parse(hop)
        if hop_address is None:
            break  # garbage in the header: trust no further than the last proxy
        address = str(hop_address)
        if not any(hop_address in n for n in networks):
            break
    return address
