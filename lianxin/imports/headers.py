"""Column specs and finding the header of a real-world ledger.

Ledgers put a merged title ("xx镇征地补偿兑付台账") and maybe a "填报单位:… 单位:万元" line above
one to three header rows, where group headers are merged over sub-headers:

    序号 | 身份信息            | 补偿金额(万元) | 备注
         | 姓名  | 身份证号码  |                |

``find_header`` reads the first few non-empty rows of ``Table.rows()``, picks the row (or block of
up to three rows) whose texts match the most column synonyms, maps sheet column index → Column.key
and hands back an iterator over the remaining rows, so that reading stays one lazy pass.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Column",
    "HeaderLookup",
    "HeaderMatch",
    "UnmatchedHeader",
    "canonical_header",
    "find_header",
    "normalise_header",
    "split_header",
]


@dataclass(frozen=True)
class Column:
    """One column of a ledger spec.

    ``kind`` picks the normaliser (normalise.NORMALISERS): text, name, resident_id, credit_code,
    date, money, area, int, bool, choice, phone. ``unit`` is what stored values are in (元, 亩…)
    and, for templates, what the header states. ``choices`` maps label or synonym → stored value.
    ``allow_negative`` lets money/int accept negative numbers (refunds, corrections).
    """

    key: str
    label: str
    synonyms: tuple[str, ...] = ()
    kind: str = "text"
    required: bool = False
    choices: Mapping[str, str] | None = None
    help: str = ""
    unit: str = ""
    allow_negative: bool = False

    def header_names(self) -> tuple[str, ...]:
        """The label and synonyms, normalised for matching."""
        return tuple(dict.fromkeys(n for n in (normalise_header(t) for t in (self.label, *self.synonyms)) if n))


# ---------------------------------------------------------------------------------------------
# Header text

# NFKC already maps full-width （）［］ to ASCII; these have no compatibility mapping.
_BRACKETS = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")", "{": "(", "}": ")"})
_UNITS = {
    "元": "元",
    "人民币元": "元",
    "千元": "千元",
    "万元": "万元",
    "万": "万元",
    "亿元": "亿元",
    "亩": "亩",
    "平方米": "平方米",
    "平米": "平方米",
    "m2": "平方米",
    "公顷": "公顷",
    "ha": "公顷",
    "hm2": "公顷",
    "人": "人",
    "户": "户",
    "岁": "岁",
    "个": "个",
    "年": "年",
    "元/亩": "元/亩",
    "万元/亩": "万元/亩",
}
_MONEY_UNITS = frozenset({"元", "千元", "万元", "亿元"})
_AREA_UNITS = frozenset({"亩", "平方米", "公顷"})
_TRAILING_GROUP = re.compile(r"^(.*?)\(([^()]*)\)$")
_SLASH_UNIT = re.compile(r"^(.+?)[/:](" + "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True)) + r")$")
_STRIP_MARKS = "*※★☆:"


def _header_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _unit_of(inner: str) -> str:
    inner = inner.removeprefix("单位").lstrip(":")
    return _UNITS.get(inner.lower(), "")


def split_header(value: Any) -> tuple[str, str]:
    """Header cell → (name for matching, unit). ``"面积（亩）"`` → ("面积", "亩");
    ``"金额(单位:万元)"`` → ("金额", "万元"); ``"*身份证号码(18位)"`` → ("身份证号码", "").

    NFKC (full-width → ASCII), all whitespace and line breaks removed, 【】〔〕[] → (), required
    markers (* ※) and trailing colons dropped, ASCII letters lower-cased. A trailing bracket is
    dropped from the name whatever it holds; it is a unit only if it names one."""
    if isinstance(value, str):
        return _split_text(value)
    return _split_text(_header_text(value))


@functools.lru_cache(maxsize=4096)
def _split_text(text: str) -> tuple[str, str]:
    s = unicodedata.normalize("NFKC", text)
    s = "".join(s.split()).translate(_BRACKETS).strip(_STRIP_MARKS)
    unit = ""
    bracketed = False
    # every trailing bracket goes ("产值(万元)(必填)"); the unit is the one a bracket names
    while (m := _TRAILING_GROUP.match(s)) and m.group(1):
        s, bracketed = m.group(1).strip(_STRIP_MARKS), True
        unit = unit or _unit_of(m.group(2))
    if not bracketed:
        m = _SLASH_UNIT.match(s)
        if m:
            s, unit = m.group(1), _UNITS[m.group(2).lower()]
    return s.lower(), unit


def normalise_header(value: Any) -> str:
    """The header's name for matching and for remembered hand mappings (unit dropped)."""
    return split_header(value)[0]


# Words clerks put before or after a column's name without changing what it holds:
# 所属村民小组, 本人姓名, 现住址, 村委会名称, 身份证号码, 地块编号.
HEADER_PREFIXES = ("所属", "本人", "现")
HEADER_SUFFIXES = ("名称", "号码", "编号")


def _header_forms(name: str) -> list[str]:
    """The header's name, then without one common prefix, without one common suffix, without both
    (least stripped first, so 地块编号 is tried before 地块)."""
    forms = [name]
    bare = [name[len(p) :] for p in HEADER_PREFIXES if name.startswith(p) and len(name) > len(p)]
    forms += bare
    for form in [name, *bare]:
        forms += [form[: -len(x)] for x in HEADER_SUFFIXES if form.endswith(x) and len(form) > len(x)]
    return list(dict.fromkeys(forms))


def canonical_header(name: str) -> str:
    """Every common prefix and suffix stripped: 所属村民小组名称 → 村民小组. Two columns may share a
    canonical form (地块编号 and 地块名称 are both 地块): such a form matches neither by itself."""
    changed = True
    while changed:
        changed = False
        for p in HEADER_PREFIXES:
            if name.startswith(p) and len(name) > len(p):
                name, changed = name[len(p) :], True
        for x in HEADER_SUFFIXES:
            if name.endswith(x) and len(name) > len(x):
                name, changed = name[: -len(x)], True
    return name


# Confidence of each way a header can match a column (shown on the mapping page).
EXACT, STRIPPED, CANONICAL = 1.0, 0.9, 0.8
# A containment or shared canonical form is never applied by itself: it is offered for confirmation.
_CONTAINED_MIN = 2  # a column name of one character (组, 村) is contained in too many headers


class HeaderLookup:
    """Header name → column key, in three steps: the exact name (a label, a synonym or a remembered
    hand mapping), the name without common prefixes/suffixes, then the canonical form when only one
    column has it. ``suggest`` gives the candidates a person must confirm: columns whose name the
    header contains, or that share its canonical form."""

    def __init__(self, columns: Iterable[Column], remembered: Mapping[str, str] | None = None) -> None:
        columns = tuple(columns)
        keys = {c.key for c in columns}
        self.plain: dict[str, str] = {}
        for column in columns:
            for n in column.header_names():
                self.plain.setdefault(n, column.key)
        for text, key in (remembered or {}).items():
            if key in keys:
                self.plain[normalise_header(text)] = key  # hand mappings win
        self.canonical: dict[str, set[str]] = {}
        for n, key in self.plain.items():
            self.canonical.setdefault(canonical_header(n), set()).add(key)

    def resolve(self, name: str) -> tuple[str | None, float]:
        """(column key, confidence), or (None, 0.0) when the header needs a person."""
        if not name:
            return None, 0.0
        for form in _header_forms(name):
            if form in self.plain:
                return self.plain[form], EXACT if form == name else STRIPPED
        keys = self.canonical.get(canonical_header(name))
        if keys is not None and len(keys) == 1:
            return next(iter(keys)), CANONICAL
        return None, 0.0

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.resolve(name)[0] is not None

    def suggest(self, name: str) -> tuple[tuple[str, float], ...]:
        """Columns this unrecognised header may mean, most likely first, each with a confidence."""
        if not name:
            return ()
        found: dict[str, float] = {}
        for key in self.canonical.get(canonical_header(name), ()):
            found[key] = 0.5
        bare = canonical_header(name)
        for n, key in self.plain.items():
            if len(n) >= _CONTAINED_MIN and n != bare and n in bare:
                found[key] = max(found.get(key, 0.0), round(len(n) / len(bare), 2))
        return tuple(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))


# ---------------------------------------------------------------------------------------------
# Matching


SERIAL_NAMES = frozenset({"序号", "序", "编号序号", "no", "no.", "行号", "顺序号"})
_TITLE_WORDS = ("台账", "统计表", "花名册", "名册", "明细表", "汇总表", "一览表", "登记表", "清册", "清单", "情况表")
_SHEET_UNIT = re.compile(r"单位[:]?(万元|千元|元|亩|平方米|公顷)")
_NUMBERING = frozenset("甲乙丙丁戊己庚辛壬癸")


@dataclass(frozen=True)
class UnmatchedHeader:
    """A header the specs did not recognise. ``key`` is what to store in the ledger's remembered
    mapping (``remembered[key] = column.key``) once a person has mapped it by hand."""

    index: int
    text: str
    key: str
    suggestions: tuple[tuple[str, float], ...] = ()  # (column key, confidence) to confirm, never applied


@dataclass
class HeaderMatch:
    """The outcome of ``find_header``.

    - ``header_rows``: sheet row numbers of the header block (empty when none was found)
    - ``columns``: cell index → Column.key
    - ``units``: cell index → unit stated by the header ("万元" from 金额(万元), or a sheet-wide
      "单位:万元" line for money columns), "" when none — pass it to ``normaliser_for``
    - ``confidence``: cell index → how sure the match is (1.0 exact; less when prefixes, suffixes
      or the canonical form were needed)
    - ``labels``: cell index → the header as shown ("身份信息/姓名")
    - ``unmatched``: headers nobody claimed, for the manual-mapping UI
    - ``duplicates``: cell index → key, for a second column matching a key already taken
    - ``missing_required``: required Columns with no column in the sheet
    - ``serial_column``: the 序号 column, if any (ignored for data)
    - ``skipped_rows``: a column-numbering row under the header (1 2 3 … / 甲 乙 丙), if present
    - ``data_rows``: the rows after the header, continuing the same lazy iterator
    """

    header_rows: tuple[int, ...] = ()
    columns: dict[int, str] = field(default_factory=dict)
    units: dict[int, str] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)
    unmatched: list[UnmatchedHeader] = field(default_factory=list)
    duplicates: dict[int, str] = field(default_factory=dict)
    confidence: dict[int, float] = field(default_factory=dict)
    missing_required: tuple[Column, ...] = ()
    serial_column: int | None = None
    skipped_rows: tuple[int, ...] = ()
    sheet_unit: str = ""
    data_rows: Iterator[tuple[int, list]] = field(default_factory=lambda: iter(()))

    @property
    def found(self) -> bool:
        return bool(self.header_rows)

    def index_of(self, key: str) -> int | None:
        for index, k in self.columns.items():
            if k == key:
                return index
        return None


@dataclass
class _Candidate:
    score: int
    rows: tuple[int, ...]  # positions in the buffer
    columns: dict[int, str]
    units: dict[int, str]
    labels: dict[int, str]
    unmatched: list[UnmatchedHeader]
    duplicates: dict[int, str]
    serial_column: int | None
    confidence: dict[int, float] = field(default_factory=dict)


def _nonempty(cells: list) -> list[tuple[int, str]]:
    out = []
    for i, v in enumerate(cells):
        if v == "" or v is None:
            continue
        t = _header_text(v).strip()
        if t:
            out.append((i, t))
    return out


def _is_title_or_info(texts: list[tuple[int, str]], lookup: HeaderLookup) -> bool:
    """A merged title (one cell, not itself a known header), a row naming the table
    ("…台账" with few cells), or a "填报单位:… 填报日期:…" line."""
    names = [normalise_header(t) for _, t in texts]
    if any(n in lookup or n in SERIAL_NAMES for n in names):
        return False
    return len(texts) == 1 or _names_table(texts) or _is_info(texts)


def _names_table(texts: list[tuple[int, str]]) -> bool:
    joined = "".join(t for _, t in texts)
    return len(texts) <= 3 and any(w in joined for w in _TITLE_WORDS)


def _is_info(texts: list[tuple[int, str]]) -> bool:
    return all(":" in unicodedata.normalize("NFKC", t) for _, t in texts)


def _unit_fits(kind: str, unit: str) -> bool:
    """A money column takes only money units, an area column only area units; other kinds keep
    whatever the header said (for display), since their normalisers ignore it."""
    if not unit:
        return True
    if kind == "money":
        return unit in _MONEY_UNITS
    if kind == "area":
        return unit in _AREA_UNITS
    return True


def _is_numbering_row(cells: list) -> bool:
    """The "1 2 3 4 …" or "甲 乙 1 2 …" row some official forms put under the header."""
    values = [v for v in cells if not (v == "" or v is None)]
    if len(values) < 3:
        return False
    numbers = []
    for v in values:
        if isinstance(v, bool):
            return False
        if isinstance(v, int | float) and float(v).is_integer():
            numbers.append(int(v))
        elif isinstance(v, str) and v.strip().isdigit():
            numbers.append(int(v.strip()))
        elif isinstance(v, str) and v.strip() in _NUMBERING:
            continue
        else:
            return False
    return len(numbers) >= 2 and all(b == a + 1 for a, b in itertools.pairwise(numbers))


def find_header(
    rows: Iterable[tuple[int, list]],
    columns: Iterable[Column],
    remembered: Mapping[str, str] | None = None,
    scan_rows: int = 10,
) -> HeaderMatch:
    """Find the header among the first ``scan_rows`` non-empty rows of ``rows`` (as yielded by
    ``Table.rows()``) and return the mapping plus ``data_rows``, the rest of the same iterator.

    ``remembered`` (normalised header text → column key, saved from an earlier hand mapping for
    this ledger) is consulted before the synonyms; keys not among ``columns`` are ignored."""
    columns = tuple(columns)
    by_key = {c.key: c for c in columns}
    lookup = HeaderLookup(columns, remembered)

    iterator = iter(rows)
    buffer: list[tuple[int, list]] = []
    nonempty = 0
    for number, cells in iterator:
        buffer.append((number, cells))
        if _nonempty(cells):
            nonempty += 1
            if nonempty >= scan_rows:
                break

    texts = [_nonempty(cells) for _, cells in buffer]
    # A header block's bottom row is never a title or an info line; its upper rows may be a
    # single merged group header ("补偿金额(万元)" over 土地补偿 / 青苗补偿), never a line naming
    # the table or a "填报单位:…" line.
    bottom_ok = [bool(t) and not _is_title_or_info(t, lookup) for t in texts]
    upper_ok = [bool(t) and not _is_info(t) and not _names_table(t) for t in texts]
    best: _Candidate | None = None
    for start in range(len(buffer)):
        for height in (1, 2, 3):
            block = tuple(range(start, start + height))
            if block[-1] >= len(buffer) or not all(upper_ok[i] for i in block[:-1]):
                break
            if any(buffer[i + 1][0] != buffer[i][0] + 1 for i in block[:-1]):
                break  # header rows are adjacent in the sheet
            if not bottom_ok[block[-1]]:
                continue
            candidate = _match_block(buffer, block, lookup, by_key)
            # most columns matched; on a tie the shorter block (a title row above is no header)
            if best is None or (candidate.score, -len(block)) > (best.score, -len(best.rows)):
                best = candidate

    sheet_unit = ""
    if best is None or best.score == 0:
        return HeaderMatch(
            missing_required=tuple(c for c in columns if c.required),
            data_rows=itertools.chain(buffer, iterator),
        )
    for position in range(best.rows[0]):
        for _, t in texts[position]:
            m = _SHEET_UNIT.search("".join(unicodedata.normalize("NFKC", t).split()))
            if m:
                sheet_unit = m.group(1)
    units = dict(best.units)
    _inherit_group_units(buffer, best, upper_ok, units)
    for index, key in best.columns.items():
        kind = by_key[key].kind
        if not _unit_fits(kind, units.get(index, "")):
            units[index] = ""
        if sheet_unit and not units[index] and _unit_fits(kind, sheet_unit) and kind in ("money", "area", "text"):
            units[index] = sheet_unit

    after = buffer[best.rows[-1] + 1 :]
    skipped: tuple[int, ...] = ()
    first = next((i for i, (_, cells) in enumerate(after) if _nonempty(cells)), None)
    if first is not None and _is_numbering_row(after[first][1]):
        skipped = (after[first][0],)
        del after[first]
    found = set(best.columns.values())
    return HeaderMatch(
        header_rows=tuple(buffer[i][0] for i in best.rows),
        columns=best.columns,
        units=units,
        labels=best.labels,
        unmatched=best.unmatched,
        duplicates=best.duplicates,
        confidence=best.confidence,
        missing_required=tuple(c for c in columns if c.required and c.key not in found),
        serial_column=best.serial_column,
        skipped_rows=skipped,
        sheet_unit=sheet_unit,
        data_rows=itertools.chain(after, iterator),
    )


def _forward_filled(cells: list, width: int) -> list[str]:
    """Group headers are merged across their sub-headers; the value sits in the leftmost cell."""
    out = []
    current = ""
    for i in range(width):
        v = cells[i] if i < len(cells) else ""
        t = _header_text(v).strip() if not (v == "" or v is None) else ""
        if t:
            current = t
        out.append(current)
    return out


def _match_block(
    buffer: list[tuple[int, list]],
    block: tuple[int, ...],
    lookup: HeaderLookup,
    by_key: Mapping[str, Column],
) -> _Candidate:
    rows = [buffer[i][1] for i in block]
    width = max(len(r) for r in rows)
    raw = [
        [_header_text(r[i]).strip() if i < len(r) and not (r[i] == "" or r[i] is None) else "" for i in range(width)]
        for r in rows
    ]
    filled = [_forward_filled(r, width) for r in rows[:-1]]
    columns: dict[int, str] = {}
    units: dict[int, str] = {}
    labels: dict[int, str] = {}
    unmatched: list[UnmatchedHeader] = []
    duplicates: dict[int, str] = {}
    confidence: dict[int, float] = {}
    serial_column = None
    for index in range(width):
        own = [raw[r][index] for r in range(len(rows))]
        bottom_pos = max((r for r in range(len(rows)) if own[r]), default=None)
        if bottom_pos is None:
            continue
        bottom = own[bottom_pos]
        groups = [filled[r][index] for r in range(bottom_pos) if filled[r][index]]
        groups = list(dict.fromkeys(g for g in groups if g != bottom))
        label = "/".join(" ".join(unicodedata.normalize("NFKC", t).split()) for t in [*groups, bottom])
        # group+sub first when it names a column ("户主"+"姓名" → 户主姓名, more specific than
        # 姓名 alone: 户主 and 配偶 groups over the same sub-headers), then the bottom text alone,
        # then each text above it alone
        candidates = [g + bottom for g in reversed(groups)]
        candidates += [bottom]
        candidates += [t for t in reversed(own[:bottom_pos]) if t]
        bottom_name, bottom_unit = split_header(bottom)
        if bottom_name in SERIAL_NAMES:
            if serial_column is None:
                serial_column = index
            continue
        key = None
        unit = ""
        sure = 0.0
        for text in candidates:
            name, text_unit = split_header(text)
            key, sure = lookup.resolve(name)
            if key is not None:
                unit = text_unit
                break
        labels[index] = label
        if key is None:
            unmatched.append(
                UnmatchedHeader(index=index, text=label, key=bottom_name, suggestions=lookup.suggest(bottom_name))
            )
            continue
        if key in columns.values():
            duplicates[index] = key
            continue
        columns[index] = key
        confidence[index] = sure
        unit = unit or bottom_unit or next((u for u in (split_header(g)[1] for g in reversed(groups)) if u), "")
        units[index] = unit
    return _Candidate(
        score=len(columns),
        rows=block,
        columns=columns,
        units=units,
        labels=labels,
        unmatched=unmatched,
        duplicates=duplicates,
        serial_column=serial_column,
        confidence=confidence,
    )


def _inherit_group_units(
    buffer: list[tuple[int, list]], best: _Candidate, upper_ok: list[bool], units: dict[int, str]
) -> None:
    """A header chosen under a group row it did not need for matching ("补偿金额(万元)" over
    土地补偿 / 青苗补偿) still inherits the group's unit."""
    first = best.rows[0]
    width = max(best.columns, default=-1) + 1
    for position in range(first - 1, max(first - 3, -1), -1):
        if not upper_ok[position] or buffer[position][0] != buffer[position + 1][0] - 1:
            break
        filled = _forward_filled(buffer[position][1], width)
        for index in best.columns:
            if not units.get(index) and filled[index]:
                unit = split_header(filled[index])[1]
                if unit:
                    units[index] = unit
