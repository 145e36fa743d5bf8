"""Resident IDs (居民身份证号码, GB 11643) and mobile numbers: validation, derived facts, masking.

python-stdnum checks length, format, check digit (ISO 7064 MOD 11-2), birth date and birth
place; we add what it lacks: no future birth date, and lowercase x normalised to X.
"""

import functools
import re
import unicodedata
from datetime import date
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from lianxin.core import crypto

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
RESIDENT_ID_PURPOSE = "people.person.resident_id"
PHONE_PURPOSE = "people.person.phone"


class ResidentId(NamedTuple):  # a tuple: an import builds one per row
    number: str
    birth_date: date
    gender: str  # "male" / "female": the 17th digit's parity

    @property
    def masked(self) -> str:
        return mask_resident_id(self.number)


_NOISE_RE = re.compile(r"[\s\-]")


def _clean(value: str) -> str:
    # Full-width digits and letters (１２３Ｘ) become ASCII; spaces and hyphens go.
    value = str(value)
    if not value.isascii():  # ASCII is already NFKC
        value = unicodedata.normalize("NFKC", value)
    if value.isalnum():  # as typed nearly always: nothing to remove
        return value.upper()
    return _NOISE_RE.sub("", value).upper()


@functools.lru_cache(maxsize=8192)
def _birth_place_known(address_code: str, year: int) -> bool:
    """python-stdnum's birth-place check: the county of ``address_code`` existed in ``year``.

    It looks the code up in stdnum's data file on every call, the costliest step of validating an ID;
    the answer depends on nothing but the code and the year, so it is cached (an import sees few)."""
    try:
        ric.get_birth_place(f"{address_code}{year:04d}01010000")
    except InvalidComponent:
        return False
    return True


def _validate(number: str) -> tuple[str, date]:
    """``ric.validate`` (same checks, same order, same exceptions) and the birth date, with the
    birth-place lookup cached. ``number`` comes from ``_clean``: no spaces or hyphens, upper case."""
    if not number.isascii():
        # Rare: leave the folding of other Unicode look-alikes to python-stdnum itself.
        number = ric.validate(number)
        return number, ric.get_birth_date(number)
    if len(number) != 18:
        raise InvalidLength()
    if not number[:17].isdigit():  # ASCII: only 0-9
        raise InvalidFormat()
    if number[-1] != ric.calc_check_digit(number):
        raise InvalidChecksum()
    year = int(number[6:10])
    try:
        birth_date = date(year, int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidComponent() from None
    if not _birth_place_known(number[:6], year):
        raise InvalidComponent()
    return number, birth_date


def resident_id_parse(value: str, *, today: date | None = None) -> ResidentId:
    """Validate a resident ID and return it normalised with its birth date and gender."""
    number = _clean(value)
    if not number:
        raise ValidationError(_("请填写身份证号码"), code="required")
    try:
        number, birth_date = _validate(number)
    except InvalidLength as exc:
        raise ValidationError(_("身份证号码应为18位,当前为%(n)d位") % {"n": len(number)}, code="length") from exc
    except InvalidFormat as exc:
        raise ValidationError(_("身份证号码前17位须为数字,最后一位为数字或X"), code="format") from exc
    except InvalidChecksum as exc:
        raise ValidationError(_("身份证号码校验位不正确(GB 11643),请核对是否录错"), code="checksum") from exc
    except InvalidComponent as exc:
        raise ValidationError(_("身份证号码中的出生日期或行政区划代码无效"), code="component") from exc
    if birth_date > (today or timezone.localdate()):
        raise ValidationError(_("身份证号码中的出生日期晚于今天"), code="future_birth_date")
    gender = "male" if int(number[16]) % 2 == 1 else "female"
    return ResidentId(number, birth_date, gender)


def mask_resident_id(number: str) -> str:
    """First 6 and last 4 visible: 530101********123X."""
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"


def mobile_normalize(value: str) -> str:
    number = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", str(value)))
    if number.startswith("+86"):
        number = number[3:]
    if not MOBILE_RE.match(number):
        raise ValidationError(_("手机号码应为以1开头的11位数字"), code="mobile")
    return number


def mask_mobile(number: str) -> str:
    return f"{number[:3]}****{number[-4:]}"


def resident_id_digest(number: str) -> str:
    """Blind index of a normalised resident ID, for exact lookup and uniqueness."""
    return crypto.blind_index(number, purpose=RESIDENT_ID_PURPOSE)


def resident_id_digests(number: str) -> list[str]:
    """Every digest the ID may be stored under: the current one, and during a key rotation the ones
    under the retired index keys too (``resident_id_digest__in=…`` finds the person either way)."""
    return crypto.blind_indexes(number, purpose=RESIDENT_ID_PURPOSE)


def name_normalize(value: str) -> str:
    """Full-width forms folded, stray spaces inside Chinese names removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or ""))
