"""Guards of the public integrity-report form and endpoint (廉政举报), which anyone may use without an account.

- **Rate limits** (settings): per client, ``LIANXIN_REPORT_ATTEMPTS_PER_CLIENT`` submissions in a
  window of ``LIANXIN_REPORT_WINDOW_SECONDS``; for everyone together, ``LIANXIN_REPORT_LIMIT_GLOBAL``
  accepted reports in that window. Past either, a 429 in Chinese. The client is counted under a
  keyed digest of its address, so the cache never holds the address itself.
- **A human check that works offline**: a small sum in Chinese numerals ("三加五等于几？"), answered
  with a number (8 or 八), signed by the server with the answer kept only as a keyed digest, valid
  for ``LIANXIN_REPORT_CHALLENGE_MAX_SECONDS``, answered no sooner than
  ``LIANXIN_REPORT_CHALLENGE_MIN_SECONDS`` after it was shown, and usable once. The page also
  carries a honeypot field that a person never sees. No external captcha service: government
  intranets reach none.
- **Same origin** for the JSON endpoint: ``application/json`` only (a cross-site form or a
  ``text/plain`` fetch cannot send it without a CORS preflight, which this site never grants), and
  an ``Origin`` or ``Referer`` header, when present, must be this site.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _

from lianxin.core.client import client_address as core_client_address

NUMERALS = "零一二三四五六七八九十"
_SALT = "lianxin.cases.report-challenge"


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


# -- who is asking --------------------------------------------------------------------------------
def client_address(request) -> str:
    """The client's address, as the rate limits know it (behind a trusted proxy, the one it forwards)."""
    return core_client_address(request)


def _digest(text: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()[:32]


# -- rate limits ----------------------------------------------------------------------------------
def _window() -> tuple[int, int]:
    seconds = _setting("LIANXIN_REPORT_WINDOW_SECONDS", 3600)
    return int(time.time() // seconds), seconds


def _count(key: str, seconds: int, *, add: bool) -> int:
    if not add:
        return int(cache.get(key, 0))
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        return 1


def attempt_allowed(request) -> bool:
    """Count one submission by this client; False once it is past its limit for the window, or
    once the window's reports from everyone together are used up."""
    window, seconds = _window()
    client = _count(f"cases:report:client:{window}:{_digest(client_address(request))}", seconds, add=True)
    if client > _setting("LIANXIN_REPORT_ATTEMPTS_PER_CLIENT", 10):
        return False
    return _count(f"cases:report:all:{window}", seconds, add=False) < _setting("LIANXIN_REPORT_LIMIT_GLOBAL", 60)


def report_accepted() -> None:
    """Count one accepted report against the window's limit for everyone."""
    window, seconds = _window()
    _count(f"cases:report:all:{window}", seconds, add=True)


def retry_after_seconds() -> int:
    window, seconds = _window()
    return max(1, int((window + 1) * seconds - time.time()))


# -- the human check ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Challenge:
    question: str
    token: str
    answer: int  # never shown: the page and the API send the question and the token only


def _numeral(n: int) -> str:
    if n <= 10:
        return NUMERALS[n]
    return "十" + NUMERALS[n - 10]


def _answer_digest(nonce: str, answer: int) -> str:
    return _digest(f"report-challenge:{nonce}:{answer}")


def challenge_new() -> Challenge:
    """A sum or a difference of two numbers from one to nine, written in Chinese numerals."""
    rng = secrets.SystemRandom()
    a, b = rng.randint(1, 9), rng.randint(1, 9)
    if rng.random() < 0.5 or a == b:
        answer, question = a + b, _("%(a)s加%(b)s等于几?") % {"a": _numeral(a), "b": _numeral(b)}
    else:
        a, b = max(a, b), min(a, b)
        answer, question = a - b, _("%(a)s减%(b)s等于几?") % {"a": _numeral(a), "b": _numeral(b)}
    nonce = secrets.token_urlsafe(12)
    token = signing.dumps({"n": nonce, "d": _answer_digest(nonce, answer), "t": int(time.time())}, salt=_SALT)
    return Challenge(question=question, token=token, answer=answer)


def read_answer(text: str) -> int | None:
    """8, ８ or 八 (up to 十八) as a number; None for anything else."""
    value = unicodedata.normalize("NFKC", text or "").strip()
    if value.isascii() and value.isdigit() and len(value) <= 3:
        return int(value)
    if value and len(value) <= 2 and all(ch in NUMERALS for ch in value):
        if len(value) == 1:
            return NUMERALS.index(value)
        if value[0] == "十" and value[1] != "十":
            return 10 + NUMERALS.index(value[1])
    return None


def challenge_problem(token: str, answer: str) -> str | None:
    """None when ``answer`` solves the challenge ``token`` (which is then used up), else why not, in Chinese."""
    max_age = _setting("LIANXIN_REPORT_CHALLENGE_MAX_SECONDS", 30 * 60)
    try:
        payload = signing.loads(token or "", salt=_SALT, max_age=max_age)
    except signing.SignatureExpired:
        return _("验证题已过期,请回答新的验证题")
    except signing.BadSignature:
        return _("验证题无效,请回答新的验证题")
    if not isinstance(payload, dict) or not {"n", "d", "t"} <= set(payload):
        return _("验证题无效,请回答新的验证题")
    if not cache.add(f"cases:report:challenge:{payload['n']}", 1, max_age):
        return _("验证题已使用过,请回答新的验证题")
    if time.time() - payload["t"] < _setting("LIANXIN_REPORT_CHALLENGE_MIN_SECONDS", 3):
        return _("提交过快,请回答新的验证题后再提交")
    value = read_answer(answer)
    if value is None or not hmac.compare_digest(_answer_digest(payload["n"], value), payload["d"]):
        return _("验证题答案不正确,请回答新的验证题")
    return None


# -- same origin ----------------------------------------------------------------------------------
def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin(request) -> bool:
    """False when the browser says the request comes from another site (``Origin``, else ``Referer``).

    A request with neither is a script or an app, not a page of another site: browsers send
    ``Origin`` with every cross-site POST."""
    claimed = request.headers.get("Origin")
    if claimed is None:
        referer = request.headers.get("Referer")
        if referer is None:
            return True
        claimed = _origin_of(referer) or "null"
    claimed = claimed.strip().lower()
    own = f"{request.scheme}://{request.get_host()}".lower()
    trusted = {origin.lower() for origin in getattr(settings, "CSRF_TRUSTED_ORIGINS", [])}
    return claimed == own or claimed in trusted
