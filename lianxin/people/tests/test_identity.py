"""Resident IDs (GB 11643) and mobile numbers: what is accepted, normalised, refused and masked."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from lianxin.people.identity import mask_mobile, mask_resident_id, mobile_normalize, resident_id_parse

# (address code, first and last birth date python-stdnum accepts for it as a birth place)
PLACES = [
    ("532621", date(1940, 1, 1), date(2009, 12, 31)),  # 文山县, until 2010
    ("110101", date(1900, 1, 1), date(2024, 12, 31)),  # 北京市东城区, no end
    ("530102", date(1983, 1, 1), date(2024, 12, 31)),  # 昆明市五华区, from 1983
]
DIGITS = "0123456789"
FULL_WIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in DIGITS + "X"})


def with_check_digit(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def build_resident_id(code: str, birth: date, sequence: int) -> str:
    return with_check_digit(f"{code}{birth:%Y%m%d}{sequence:03d}")


@st.composite
def resident_ids(draw) -> str:
    code, first, last = draw(st.sampled_from(PLACES))
    birth = draw(st.dates(min_value=first, max_value=last))
    return build_resident_id(code, birth, draw(st.integers(0, 999)))


def _ending_in_x() -> str:
    return next(n for s in range(1000) if (n := build_resident_id("532621", date(1980, 5, 17), s)).endswith("X"))


@given(resident_ids())
def test_every_valid_resident_id_is_accepted_with_its_birth_date_and_gender(number):
    parsed = resident_id_parse(number)

    assert parsed.number == number
    assert parsed.birth_date == date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert parsed.gender == ("male" if int(number[16]) % 2 else "female")


@given(resident_ids(), st.data())
def test_every_single_character_slip_is_refused(number, data):
    position = data.draw(st.integers(0, 17), label="position")
    allowed = DIGITS + "X" if position == 17 else DIGITS
    replacement = data.draw(st.sampled_from([c for c in allowed if c != number[position]]), label="replacement")
    corrupted = number[:position] + replacement + number[position + 1 :]

    with pytest.raises(ValidationError):
        resident_id_parse(corrupted)


@given(resident_ids())
def test_full_width_digits_spaces_and_hyphens_are_accepted(number):
    typed = f"{number[:6]} {number[6:14]}-{number[14:]}".translate(FULL_WIDTH)

    assert resident_id_parse(typed).number == number


def test_lowercase_x_is_accepted_and_stored_as_capital_x():
    number = _ending_in_x()

    assert resident_id_parse(number[:-1] + "x").number == number
    assert resident_id_parse(number[:-1] + "ｘ").number == number


def test_future_birth_date_is_refused_in_chinese():
    tomorrow = timezone.localdate() + timedelta(days=1)
    number = build_resident_id("110101", tomorrow, 1)

    with pytest.raises(ValidationError) as refused:
        resident_id_parse(number)

    assert refused.value.messages == ["身份证号码中的出生日期晚于今天"]
    assert refused.value.code == "future_birth_date"


def test_born_today_is_accepted():
    today = date(2020, 6, 1)
    number = build_resident_id("110101", today, 1)

    assert resident_id_parse(number, today=today).birth_date == today
    with pytest.raises(ValidationError, match="晚于今天"):
        resident_id_parse(number, today=today - timedelta(days=1))


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "请填写身份证号码"),
        ("53262119800517001", "应为18位,当前为17位"),
        ("5326211980051700A3", "前17位须为数字"),
        (build_resident_id("532621", date(1980, 5, 17), 1)[:-1] + "A", "校验位不正确"),
        (with_check_digit("53262119800230001"), "出生日期或行政区划代码无效"),
        (
            build_resident_id("532621", date(2015, 1, 1), 1),
            "出生日期或行政区划代码无效",
        ),  # 文山县 became a city in 2010
        (build_resident_id("999999", date(1980, 5, 17), 1), "出生日期或行政区划代码无效"),
    ],
    ids=["blank", "17-digits", "letter-inside", "wrong-check", "no-feb-30", "place-not-yet-renamed", "unknown-place"],
)
def test_bad_resident_id_is_refused_with_a_chinese_reason(typed, message):
    with pytest.raises(ValidationError) as refused:
        resident_id_parse(typed)

    assert message in refused.value.messages[0]


@given(resident_ids())
def test_masking_shows_the_first_six_and_last_four_only(number):
    masked = mask_resident_id(number)

    assert masked == number[:6] + "*" * 8 + number[-4:]
    assert number[6:14] not in masked  # the birth date stays hidden


def test_masking_example():
    assert mask_resident_id("53262119800517001X") == "532621********001X"


@pytest.mark.parametrize(
    "typed", ["13912345678", "139 1234 5678", "139-1234-5678", "+8613912345678", "１３９１２３４５６７８"]
)
def test_mobile_numbers_are_normalised(typed):
    assert mobile_normalize(typed) == "13912345678"


@pytest.mark.parametrize("typed", ["1391234567", "23912345678", "12912345678", "0871-1234567"])
def test_bad_mobile_numbers_are_refused_in_chinese(typed):
    with pytest.raises(ValidationError, match="手机号码应为以1开头的11位数字"):
        mobile_normalize(typed)


def test_mobile_mask_shows_first_three_and_last_four():
    assert mask_mobile("13912345678") == "139****5678"
