"""Cell normalisers: raw spreadsheet values in, the Python value to store out, or CellError.

One function per column kind, each ``(raw, *, header_unit="") -> value``:

    text, name, resident_id, credit_code, date, money, area, int_, bool_, choice, phone

``raw`` is what ``reading.Table.rows()`` yields: str, int, float, bool, datetime.date/datetime/
time/timedelta, "" for an empty cell, or an ``OversizedCell``. A blank cell ("", None, only
spaces) gives ``None`` for every kind — the engine decides whether the column is required.
Nothing but ``CellError`` is ever raised; its ``message`` is Chinese, for the person who filled in
the sheet. Resident IDs in messages are masked (first 6 + *** + last 4).

``normaliser_for(column, header_unit)`` binds a Column's kind, choices and unit once and returns a
one-argument function: call that per cell in the hot loop. Each normaliser starts with a fast path
for the common type (str for text, float for money) and does the rare work only when needed.

Also here: ``row_is_blank``, ``footer_kind`` / ``row_is_footer`` (合计/小计 rows, 制表人 notes).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from lianxin.core.text import forbidden_character
from lianxin.imports.reading import OversizedCell

__all__ = [
    "KINDS",
    "NORMALISERS",
    "CellError",
    "area",
    "bool_",
    "choice",
    "choice_lookup",
    "credit_code",
    "date",
    "excel_serial_to_date",
    "footer_kind",
    "int_",
    "mask_resident_id",
    "money",
    "name",
    "normaliser_for",
    "phone",
    "resident_id",
    "row_is_blank",
    "row_is_footer",
    "text",
]


class CellError(ValueError):
    """One cell cannot be imported; ``message`` tells the user why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_nfkc = unicodedata.normalize
_is_nfkc = unicodedata.is_normalized
_CENT = Decimal("0.01")
_ONE = Decimal(1)
_MAX_MONEY = Decimal(10) ** 13  # yuan; well past any compensation ledger, inside NUMERIC(15, 2)
_MAX_AREA = Decimal(10) ** 9  # mu
_MAX_INT = 2_147_483_647
_SHOW = 40  # characters of a bad value quoted back in a message


def _oversized(raw: OversizedCell) -> CellError:
    return CellError(_("单元格内容过长(超过%(max)d字)") % {"max": raw.limit})


def _show(raw: Any) -> str:
    """A value as the user typed it, shortened for a message."""
    if isinstance(raw, float):
        text = excel_general(raw)
    elif isinstance(raw, dt.datetime):
        text = raw.isoformat(sep=" ")
    else:
        text = str(raw)
    text = " ".join(text.split())
    return text if len(text) <= _SHOW else text[: _SHOW - 1] + "…"


def excel_general(x: float) -> str:
    """Roughly how Excel's General format shows a number in a normal-width cell: up to 11
    characters, switching to 5.30121E+17 style for large values."""
    if not math.isfinite(x):
        return str(x)
    if x.is_integer() and abs(x) < 1e11:
        return str(int(x))
    if abs(x) >= 1e11 or (x != 0 and abs(x) < 1e-9):
        mantissa, exponent = f"{x:.5E}".split("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        sign = "+" if int(exponent) >= 0 else "-"
        return f"{mantissa}E{sign}{abs(int(exponent)):02d}"
    return repr(x)


_CONTROL_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})


def _strip_invisible(s: str) -> str:
    # Zero-width spaces, BOMs and control characters pasted from web pages or other systems go; a NUL
    # or a lone surrogate is refused instead (core.text): it is not text, and PostgreSQL cannot store it.
    problem = forbidden_character(s)
    if problem is not None:
        raise CellError(problem)
    return "".join(ch for ch in s if unicodedata.category(ch) not in _CONTROL_CATEGORIES or ch in "\t\n\r")


def _clean(s: str) -> str:
    """NFKC (full-width letters, digits, brackets, spaces → ASCII), whitespace runs → one space."""
    if not s.isascii() and not _is_nfkc("NFKC", s):
        s = _nfkc("NFKC", s)
    s = " ".join(s.split())
    if not s.isprintable():
        s = " ".join(_strip_invisible(s).split())
    return s


# ---------------------------------------------------------------------------------------------
# text, name


def text(raw: Any, *, header_unit: str = "") -> str | None:
    if type(raw) is str:
        if not raw:
            return None
        return _clean(raw) or None
    return _text_slow(raw)


def _text_slow(raw: Any) -> str | None:
    if isinstance(raw, OversizedCell):
        raise _oversized(raw)
    if isinstance(raw, str):
        return _clean(raw) or None
    if raw is None:
        return None
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise CellError(_("无法识别的数值:%(value)s") % {"value": _show(raw)})
        if abs(raw) >= 1e15:
            raise CellError(
                _(
                    "数字位数过长,Excel只保留15位有效数字,后几位可能已丢失(显示为%(shown)s);"
                    "请将该列设为文本格式后重新填写"
                )
                % {"shown": excel_general(raw)}
            )
        if raw.is_integer():
            return str(int(raw))
        return repr(raw)
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    if isinstance(raw, dt.date | dt.time):
        return raw.isoformat()
    if isinstance(raw, dt.timedelta):
        return str(raw)
    return _clean(str(raw)) or None


# Middle-dot look-alikes typed in minority names (阿依古丽·买买提): all become U+00B7.
_DOTS = str.maketrans(dict.fromkeys("・•‧∙⋅･.。﹒‧", "·"))
_HAS_DOT = re.compile("[・•‧∙⋅･.。﹒‧·]")


def name(raw: Any, *, header_unit: str = "") -> str | None:
    """A person's name: text without any inner space ("王 小明" → "王小明"), dots unified to ·."""
    if type(raw) is str:
        s = raw if raw.isascii() or _is_nfkc("NFKC", raw) else _nfkc("NFKC", raw)
        s = "".join(s.split())
        if not s.isprintable():
            s = "".join(_strip_invisible(s).split())
        if _HAS_DOT.search(s):
            s = s.translate(_DOTS).strip("·")
        return s or None
    s = _text_slow(raw)
    if s is None:
        return None
    return "".join(s.split()).translate(_DOTS).strip("·") or None


# ---------------------------------------------------------------------------------------------
# identifiers


def mask_resident_id(value: str) -> str:
    """110105********002X — first 6 and last 4 visible (as lianxin.people.identity does)."""
    if len(value) < 10:
        return value
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def _mask_for_message(value: str) -> str:
    # Show non-ID junk ("不详") as typed; anything carrying 10+ digits is masked.
    digits = sum(ch.isdigit() for ch in value)
    if digits >= 10:
        return mask_resident_id(value)
    return _show(value)


_CHECK_CHARS = frozenset("0123456789Xx")
_ID_NOISE = re.compile(r"[\s\-'`‘’]")
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d*)?[eE][+-]?\d+$")
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_TRAILING_ZERO_FRACTION = re.compile(r"\.0+$")


def _id_as_number(shown: str) -> CellError:
    return CellError(
        _("身份证号码被Excel当作数字保存,后几位已丢失(显示为%(shown)s);请将该列设为文本格式后重新填写")
        % {"shown": shown}
    )


def resident_id(raw: Any, *, header_unit: str = "") -> str | None:
    """A cleaned 18-character resident ID (uppercase X). Checks shape only: the check digit, birth
    date and region are the caller's (python-stdnum via lianxin.people.identity)."""
    if type(raw) is str:
        if len(raw) == 18 and raw.isascii() and raw[:17].isdigit() and raw[17] in _CHECK_CHARS:
            return raw if raw[17] != "x" else raw.upper()
        s = raw
    elif isinstance(raw, OversizedCell):
        raise _oversized(raw)
    elif isinstance(raw, str):
        s = str(raw)
    elif raw is None:
        return None
    elif isinstance(raw, bool):
        raise CellError(_("身份证号码格式不正确:%(value)s") % {"value": _show(raw)})
    elif isinstance(raw, int):
        digits = str(abs(raw))
        if len(digits) == 15:
            raise CellError(_("15位旧身份证号码,请换用18位号码"))
        if len(digits) >= 16 and digits.endswith("000"):
            # Excel keeps 15 significant digits: an 18-digit number ending in 000 lost its tail.
            raise _id_as_number(excel_general(float(raw)))
        s = digits
    elif isinstance(raw, float):
        if math.isfinite(raw) and raw.is_integer() and len(str(int(abs(raw)))) == 15:
            raise CellError(_("15位旧身份证号码,请换用18位号码"))
        raise _id_as_number(excel_general(raw))
    else:
        raise CellError(_("身份证号码格式不正确:%(value)s") % {"value": _show(raw)})
    if not s.isascii():
        s = _nfkc("NFKC", s)
    s = _ID_NOISE.sub("", s)
    if not s:
        return None
    if _SCIENTIFIC.match(s):
        raise _id_as_number(s.upper())
    s = _TRAILING_ZERO_FRACTION.sub("", s).upper()
    if _ID_SHAPE.match(s):
        return s
    if len(s) == 15 and s.isdigit():
        raise CellError(_("15位旧身份证号码,请换用18位号码"))
    if len(s) != 18:
        raise CellError(_("身份证号码应为18位,当前为%(n)d位:%(value)s") % {"n": len(s), "value": _mask_for_message(s)})
    raise CellError(_("身份证号码前17位须为数字,最后一位为数字或X:%(value)s") % {"value": _mask_for_message(s)})


_USCC_CHARS = frozenset("0123456789ABCDEFGHJKLMNPQRTUWXY")


def credit_code(raw: Any, *, header_unit: str = "") -> str | None:
    """A cleaned 18-character unified social credit code; the check character is the caller's
    (python-stdnum ``stdnum.cn.uscc``)."""
    if isinstance(raw, OversizedCell):
        raise _oversized(raw)
    if raw is None:
        return None
    if isinstance(raw, float) or (isinstance(raw, int) and not isinstance(raw, bool) and len(str(raw)) >= 16):
        raise CellError(
            _("统一社会信用代码被Excel当作数字保存,后几位可能已丢失(显示为%(shown)s);请将该列设为文本格式后重新填写")
            % {"shown": excel_general(float(raw))}
        )
    if not isinstance(raw, str):
        raise CellError(_("统一社会信用代码格式不正确:%(value)s") % {"value": _show(raw)})
    s = _ID_NOISE.sub("", _nfkc("NFKC", raw)).upper()
    if not s:
        return None
    if len(s) != 18:
        raise CellError(_("统一社会信用代码应为18位,当前为%(n)d位:%(value)s") % {"n": len(s), "value": _show(s)})
    bad = sorted({ch for ch in s if ch not in _USCC_CHARS})
    if bad:
        raise CellError(
            _("统一社会信用代码只能由数字和大写字母组成(不含I、O、Z、S、V),有误的字符:%(chars)s")
            % {"chars": "、".join(bad)}
        )
    return s


# ---------------------------------------------------------------------------------------------
# dates

_DATE_SEPARATED = re.compile(
    r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?"
    r"(?:(?:\s+|T)\d{1,2}[:时]\d{1,2}(?:[:分]\d{1,2}(?:\.\d+)?秒?)?)?$"
)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MIN_YEAR, _MAX_YEAR = 1900, 2100


def _bad_date(raw: Any) -> CellError:
    return CellError(
        _("日期无法识别:%(value)s(支持 2011-03-05、2011.3.5、2011/3/5、20110305、2011年3月5日)") % {"value": _show(raw)}
    )


def _make_date(raw: Any, y: int, m: int, d: int) -> dt.date:
    try:
        value = dt.date(y, m, d)
    except ValueError as exc:
        raise _bad_date(raw) from exc
    if not _MIN_YEAR <= value.year <= _MAX_YEAR:
        raise _bad_date(raw)
    return value


def excel_serial_to_date(serial: float) -> dt.date | None:
    """Excel's 1900 date system: serial 1 is 1900-01-01, serial 60 is the 1900-02-29 that never
    was (Lotus's leap-year bug), so from 61 on the epoch is 1899-12-30. The fraction is the time."""
    n = math.floor(serial)
    if n < 1 or n > 80000 or n == 60:
        return None
    if n < 60:
        return dt.date(1899, 12, 31) + dt.timedelta(days=n)
    return _EXCEL_EPOCH + dt.timedelta(days=n)


def date(raw: Any, *, header_unit: str = "") -> dt.date | None:
    t = type(raw)
    if t is dt.date:
        if not _MIN_YEAR <= raw.year <= _MAX_YEAR:
            raise _bad_date(raw)
        return raw
    if t is dt.datetime:
        return date(raw.date())
    if t is str:
        if not raw or raw.isspace():
            return None
        s = raw.strip() if raw.isascii() else _nfkc("NFKC", raw).strip()
        m = _DATE_SEPARATED.match(s) or _DATE_COMPACT.match(s)
        if m is None:
            if len(s) == 5 and s.isdigit():
                # a serial number saved as text (CSV of a date cell that lost its format)
                value = excel_serial_to_date(int(s))
                if value is not None:
                    return value
            raise _bad_date(raw)
        return _make_date(raw, int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if t is float or t is int:
        if not math.isfinite(raw):
            raise _bad_date(raw)
        if raw == int(raw) and 19000101 <= raw <= 21001231:
            n = int(raw)
            return _make_date(raw, n // 10000, n // 100 % 100, n % 100)
        value = excel_serial_to_date(raw)
        if value is None:
            raise _bad_date(raw)
        return value
    if raw is None:
        return None
    if isinstance(raw, OversizedCell):
        raise _oversized(raw)
    if isinstance(raw, str):
        return date(str(raw))
    if isinstance(raw, dt.datetime):
        return date(raw.date())
    if isinstance(raw, dt.date):
        return date(dt.date(raw.year, raw.month, raw.day))
    raise _bad_date(raw)


# ---------------------------------------------------------------------------------------------
# numbers: money, area, int

_MONEY_UNITS = {
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10000),
    "万": Decimal(10000),
    "亿元": Decimal(10) ** 8,
}
_AREA_PER_M2 = Decimal(15) / Decimal(10000)
_AREA_UNITS = {
    "亩": Decimal(1),
    "平方米": _AREA_PER_M2,
    "平米": _AREA_PER_M2,
    "m2": _AREA_PER_M2,
    "公顷": Decimal(15),
    "ha": Decimal(15),
    "hm2": Decimal(15),
}
# Dashes and slashes that Chinese tables put in an empty amount cell.
_EMPTY_MARKS = frozenset({"-", "--", "—", "——", "–", "/", "无", "空"})
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_CURRENCY = ("¥", "￥", "RMB", "人民币")


def _float_to_decimal(x: float) -> Decimal:
    # repr() is the shortest string that reads back as the same float: 1234.56 → "1234.56",
    # never the binary expansion 1234.55999999999994543031789362430572509765625.
    return Decimal(repr(x))


def _number_text(raw: str, units: Mapping[str, Decimal]) -> tuple[Decimal | None, Decimal | None, bool]:
    """Parse "¥1,234.50元", "(1，234)", "3.5万" → (number, unit factor or None, negative).
    (None, …) when the text is an empty mark; raises InvalidOperation when not a number."""
    s = "".join(_nfkc("NFKC", raw).split())
    if not s or s in _EMPTY_MARKS:
        return None, None, False
    negative = False
    if len(s) > 2 and s[0] == "(" and s[-1] == ")":
        negative, s = True, s[1:-1]
    for mark in _CURRENCY:
        s = s.removeprefix(mark)
    factor = None
    for unit in sorted(units, key=len, reverse=True):
        if s.endswith(unit) or s.endswith(unit + "整"):
            s = s.removesuffix("整").removesuffix(unit)
            factor = units[unit]
            break
    for mark in _CURRENCY:
        s = s.removeprefix(mark)
    s = s.replace(",", "")
    if not _NUMBER.match(s):
        raise InvalidOperation(s)
    value = Decimal(s)
    if value < 0:
        negative, value = not negative, -value
    return value, factor, negative


def _unit_factor(header_unit: str, units: Mapping[str, Decimal]) -> Decimal:
    if not header_unit:
        return _ONE
    key = "".join(_nfkc("NFKC", header_unit).split()).lower()
    factor = units.get(key, _ONE)
    return _ONE if factor == 1 else factor


def money(raw: Any, *, header_unit: str = "", allow_negative: bool = False) -> Decimal | None:
    """Yuan, two decimals. A unit in the cell (元, 万元, 万) beats the header's (金额(万元) ⇒ ×10000).
    Fractions of a fen are rounded half up (Excel keeps formula results to 15 digits)."""
    return _money(raw, _unit_factor(header_unit, _MONEY_UNITS), allow_negative)


@dataclass(frozen=True)
class _Quantity:
    """What differs between money and areas: units, the largest sensible value, the messages."""

    units: Mapping[str, Decimal]
    limit: Decimal
    not_number: str
    too_large: str
    negative: str


def _quantity(raw: Any, factor: Decimal, allow_negative: bool, q: _Quantity) -> Decimal | None:
    """A Decimal with two places from a number or a text with separators and units (shared by money
    and area). A unit in the cell beats the header's ``factor``; halves of the last place round up."""
    t = type(raw)
    if t is float and factor is _ONE and 0 < raw < 1e8:
        return Decimal(repr(raw)).quantize(_CENT, ROUND_HALF_UP)
    if t is float:
        if not math.isfinite(raw):
            raise CellError(q.not_number % {"value": _show(raw)})
        value = _float_to_decimal(raw)
        if factor is not _ONE:
            value *= factor
    elif t is int:
        value = Decimal(raw) * factor
    elif t is str:
        try:
            number, cell_factor, negative = _number_text(raw, q.units)
        except InvalidOperation as exc:
            raise CellError(q.not_number % {"value": _show(raw)}) from exc
        if number is None:
            return None
        value = number * (cell_factor if cell_factor is not None else factor)
        if negative:
            value = -value
    elif raw is None:
        return None
    elif isinstance(raw, OversizedCell):
        raise _oversized(raw)
    else:
        raise CellError(q.not_number % {"value": _show(raw)})
    if abs(value) >= q.limit:
        raise CellError(q.too_large % {"value": _show(raw)})
    value = value.quantize(_CENT, rounding=ROUND_HALF_UP)
    if value < 0 and not allow_negative:
        raise CellError(q.negative % {"value": _show(raw)})
    return value if value else abs(value)  # -0.00 → 0.00


def _money_quantity() -> _Quantity:
    return _Quantity(
        _MONEY_UNITS,
        _MAX_MONEY,
        _("金额应为数字:%(value)s"),
        _("金额超出范围:%(value)s"),
        _("金额不能为负数:%(value)s"),
    )


def _area_quantity() -> _Quantity:
    return _Quantity(
        _AREA_UNITS,
        _MAX_AREA,
        _("面积应为数字:%(value)s"),
        _("面积超出范围:%(value)s"),
        _("面积不能为负数:%(value)s"),
    )


def _money(raw: Any, factor: Decimal, allow_negative: bool) -> Decimal | None:
    return _quantity(raw, factor, allow_negative, _money_quantity())


def area(raw: Any, *, header_unit: str = "") -> Decimal | None:
    """Mu, two decimals. 平方米/㎡/m² ×15/10000, 公顷 ×15; the cell's unit beats the header's."""
    return _area(raw, _unit_factor(header_unit, _AREA_UNITS))


def _area(raw: Any, factor: Decimal) -> Decimal | None:
    return _quantity(raw, factor, False, _area_quantity())


_COUNT_UNITS = tuple("人户个岁口名间套处次年位栋")
_INTEGER = re.compile(r"^[+-]?\d+(?:\.0*)?$")


def int_(raw: Any, *, header_unit: str = "", allow_negative: bool = False) -> int | None:
    """Whole numbers; "5人", "3户", "1,200" and 3.0 are fine, 2.5 is not."""
    t = type(raw)
    if t is int:
        value = raw
    elif t is float:
        if not (math.isfinite(raw) and raw.is_integer()):
            raise CellError(_("应为整数:%(value)s") % {"value": _show(raw)})
        value = int(raw)
    elif t is str:
        s = "".join(_nfkc("NFKC", raw).split()).replace(",", "")
        if not s or s in _EMPTY_MARKS:
            return None
        s = s.rstrip("".join(_COUNT_UNITS))
        if not _INTEGER.match(s):
            raise CellError(_("应为整数:%(value)s") % {"value": _show(raw)})
        value = int(s.split(".")[0])
    elif raw is None:
        return None
    elif isinstance(raw, OversizedCell):
        raise _oversized(raw)
    else:
        raise CellError(_("应为整数:%(value)s") % {"value": _show(raw)})
    if value < 0 and not allow_negative:
        raise CellError(_("不能为负数:%(value)s") % {"value": _show(raw)})
    if abs(value) > _MAX_INT:
        raise CellError(_("数字超出范围:%(value)s") % {"value": _show(raw)})
    return value


# ---------------------------------------------------------------------------------------------
# yes/no, choices

_TRUE = frozenset({"是", "√", "✓", "✔", "☑", "y", "yes", "1", "有", "true", "t", "对", "是的", "●"})
_FALSE = frozenset({"否", "×", "✗", "✘", "x", "n", "no", "0", "无", "false", "f", "错", "不是", "没有", "☐", "○"})


_BOOL_FAST = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}


def bool_(raw: Any, *, header_unit: str = "") -> bool | None:
    """是/否, √/×, ✓, Y/N, 1/0, 有/无, true/false (Excel TRUE/FALSE cells too)."""
    t = type(raw)
    if t is bool:
        return raw
    if t is str:
        fast = _BOOL_FAST.get(raw)
        if fast is not None:
            return fast
        key = "".join(_nfkc("NFKC", raw).split()).lower()
        if not key:
            return None
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
    elif t is int or t is float:
        if raw == 1:
            return True
        if raw == 0:
            return False
    elif raw is None:
        return None
    elif isinstance(raw, OversizedCell):
        raise _oversized(raw)
    raise CellError(_("“%(value)s”无法识别为是/否(可填:是、否、√、×)") % {"value": _show(raw)})


def _choice_key(value: str) -> str:
    return "".join(_nfkc("NFKC", value).split()).casefold()


def choice_lookup(choices: Mapping[str, str]) -> dict[str, str]:
    """Normalised label/synonym → stored value; the stored values themselves are accepted too."""
    lookup = {_choice_key(v): v for v in choices.values()}
    lookup.update({_choice_key(k): v for k, v in choices.items()})
    lookup.update(choices)  # exact labels: the fast path, before any normalising
    return lookup


def choice(
    raw: Any,
    *,
    choices: Mapping[str, str],
    header_unit: str = "",
    lookup: Mapping[str, str] | None = None,
) -> str | None:
    """A label or synonym from ``choices`` → its stored value."""
    if lookup is not None and type(raw) is str:
        value = lookup.get(raw)
        if value is not None:
            return value
    if isinstance(raw, OversizedCell):
        raise _oversized(raw)
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = str(int(raw))
    elif not isinstance(raw, str):
        raw = str(raw)
    key = _choice_key(raw)
    if not key:
        return None
    if lookup is None:
        lookup = choice_lookup(choices)
    try:
        return lookup[key]
    except KeyError:
        labels = list(dict.fromkeys(choices))
        shown = "、".join(labels[:12]) + ("…" if len(labels) > 12 else "")
        raise CellError(
            _("“%(value)s”不是有效选项,可选:%(choices)s") % {"value": _show(raw), "choices": shown}
        ) from None


# ---------------------------------------------------------------------------------------------
# phone

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_PHONE_SEPARATORS = re.compile(r"[\s\-()]")
_SEVERAL = re.compile(r"[/、,;]")


def _bad_phone(raw: Any) -> CellError:
    return CellError(
        _("电话号码格式不正确:%(value)s(手机号为11位数字,固定电话请带区号,如0871-12345678)") % {"value": _show(raw)}
    )


def phone(raw: Any, *, header_unit: str = "") -> str | None:
    """An 11-digit mobile (+86 / 0086 dropped) or a landline with area code as 0871-1234567."""
    if type(raw) is str:
        if len(raw) == 11 and raw.isdigit() and raw[0] == "1" and raw[1] in "3456789" and raw.isascii():
            return raw
        s = raw if raw.isascii() else _nfkc("NFKC", raw)
    elif isinstance(raw, OversizedCell):
        raise _oversized(raw)
    elif raw is None:
        return None
    elif isinstance(raw, bool):
        raise _bad_phone(raw)
    elif isinstance(raw, int):
        s = str(raw)
    elif isinstance(raw, float):
        if not (math.isfinite(raw) and raw.is_integer() and 0 < raw < 1e15):
            raise _bad_phone(raw)
        s = str(int(raw))
    else:
        raise _bad_phone(raw)
    s = s.strip()
    if not s:
        return None
    if _SEVERAL.search(s):
        raise CellError(_("只能填写一个电话号码:%(value)s") % {"value": _show(raw)})
    compact = _PHONE_SEPARATORS.sub("", s)
    if len(compact) >= 18 and compact.isdigit():  # "13800138000 13900139000"
        raise CellError(_("只能填写一个电话号码:%(value)s") % {"value": _show(raw)})
    if compact.startswith("+86"):
        compact = compact[3:]
    elif compact.startswith("0086"):
        compact = compact[4:]
    elif compact.startswith("86") and len(compact) == 13:
        compact = compact[2:]
    if _MOBILE.match(compact):
        return compact
    if compact.isdigit() and compact.startswith("0") and 10 <= len(compact) <= 12:
        # 010 and 02x are three-digit area codes; all others four.
        code = 3 if compact[1] in "12" else 4
        local = compact[code:]
        if 7 <= len(local) <= 8:
            return f"{compact[:code]}-{local}"
    raise _bad_phone(raw)


# ---------------------------------------------------------------------------------------------
# dispatch

NORMALISERS: dict[str, Callable[..., Any]] = {
    "text": text,
    "name": name,
    "resident_id": resident_id,
    "credit_code": credit_code,
    "date": date,
    "money": money,
    "area": area,
    "int": int_,
    "bool": bool_,
    "choice": choice,
    "phone": phone,
}
KINDS = frozenset(NORMALISERS)


def normaliser_for(column: Any, header_unit: str = "") -> Callable[[Any], Any]:
    """A one-argument normaliser for ``column`` (a headers.Column), its unit and options bound.

    ``header_unit`` is the unit found in the sheet's header (HeaderMatch.units); when empty the
    column's own ``unit`` applies (the unit the template's header states)."""
    kind = column.kind
    unit = header_unit or getattr(column, "unit", "")
    allow_negative = bool(getattr(column, "allow_negative", False))
    if kind == "money":
        factor, quantity = _unit_factor(unit, _MONEY_UNITS), _money_quantity()  # messages looked up once

        def money_cell(raw: Any) -> Decimal | None:
            return _quantity(raw, factor, allow_negative, quantity)

        return money_cell
    if kind == "area":
        factor, quantity = _unit_factor(unit, _AREA_UNITS), _area_quantity()

        def area_cell(raw: Any) -> Decimal | None:
            return _quantity(raw, factor, False, quantity)

        return area_cell
    if kind == "int":

        def int_cell(raw: Any) -> int | None:
            return int_(raw, allow_negative=allow_negative)

        return int_cell
    if kind == "choice":
        choices = column.choices or {}
        lookup = choice_lookup(choices)
        get = lookup.get

        def choice_cell(raw: Any) -> str | None:
            if type(raw) is str:
                value = get(raw)
                if value is not None:
                    return value
            return choice(raw, choices=choices, lookup=lookup)

        return choice_cell
    try:
        return NORMALISERS[kind]
    except KeyError:
        raise ValueError(f"unknown column kind {kind!r}") from None


# ---------------------------------------------------------------------------------------------
# rows


def row_is_blank(cells: list) -> bool:
    """No cell holds anything but spaces (a 0 or False is a value)."""
    for value in cells:
        if value == "" or value is None:
            continue
        if type(value) is str and value.isspace():
            continue
        return False
    return True


_TOTAL_WORDS = ("合计", "总计", "共计", "累计", "总合计", "本页合计", "全部合计")
_SUBTOTAL_WORDS = ("小计",)
_NOTE_WORDS = (
    "备注",
    "附注",
    "制表人",
    "制表",
    "审核人",
    "审核",
    "填表人",
    "填表说明",
    "填报人",
    "负责人",
    "单位负责人",
    "经办人",
    "说明",
    "注",
    "签字",
    "盖章",
    "填表日期",
    "制表日期",
    "填报日期",
)
_END_WORDS = ("以下空白", "以下无数据", "此页无正文")
# "一组小计", "张家村合计", "本页小计": a group label then the word.
_GROUP_TOTAL = re.compile(r"^[\w·]{0,10}?(?:组|村|队|社|页|镇|乡|户|类)(?:小计|合计)")
# Every word above contains one of these: cells without any are not normalised at all.
_FOOTER_TRIGGER = re.compile("[合总共累本全小计以此备附制审填负单经说注签盖]")


def _is_note(s: str) -> bool:
    """备注 / 制表人:张三 / 注:… — the word alone or followed by punctuation, not "审核通过"."""
    for word in _NOTE_WORDS:
        if s.startswith(word):
            rest = s[len(word) :]
            if not rest or not rest[0].isalnum():
                return True
    return False


def footer_kind(cells: list) -> str | None:
    """What a row at the foot of a ledger is, judged by its first few non-empty cells:

    - "total": 合计/总计 in one of the first three (a grand total: never import it as data; data
      normally ends here)
    - "subtotal": 小计, "一组小计" (groups inside the data: skip it and go on)
    - "end": 以下空白 as the first cell (the data ends)
    - "note": the sign-off block — 备注, 制表人:…, 审核人, 填表人, 负责人, 说明, 注: as the first
      cell followed by punctuation or nothing, or two such cells in the row (stop)
    - None: an ordinary row
    """
    position = 0
    texts = None
    for value in cells:
        if type(value) is str:
            if not value or value.isspace():
                continue
            if not value.isascii() and _FOOTER_TRIGGER.search(value, 0, 16):
                if texts is None:
                    texts = []
                texts.append((position, "".join(_nfkc("NFKC", value).split())))
        elif value is None:
            continue
        elif isinstance(value, str):  # OversizedCell
            pass
        position += 1
        if position >= 6 or (position >= 3 and texts is None):
            break
    if texts is None:
        return None
    for pos, s in texts:
        if pos >= 3:
            break
        if s.startswith(_SUBTOTAL_WORDS):
            return "subtotal"
        if s.startswith(_TOTAL_WORDS):
            return "total"
        m = _GROUP_TOTAL.match(s)
        if m:
            return "subtotal" if m.group(0).endswith("小计") else "total"
    first_pos, first = texts[0]
    if first_pos == 0:
        if first.startswith(_END_WORDS):
            return "end"
        if _is_note(first):
            return "note"
    if sum(1 for _, s in texts if _is_note(s)) >= 2:
        return "note"
    return None


def row_is_footer(cells: list) -> bool:
    return footer_kind(cells) is not None
