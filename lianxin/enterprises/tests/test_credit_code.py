"""Unified social credit codes (GB 32100): every valid code is accepted, every single-character slip refused."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc

from lianxin.enterprises.credit_code import credit_code_normalize

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, Z, S, V
DIGITS = "0123456789"
FULL_WIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in ALPHABET})


@st.composite
def credit_codes(draw) -> str:
    head = draw(st.text(alphabet=DIGITS, min_size=8, max_size=8))
    rest = draw(st.text(alphabet=ALPHABET, min_size=9, max_size=9))
    body = head + rest
    return body + uscc.calc_check_digit(body)


@given(credit_codes())
def test_every_valid_credit_code_is_accepted(code):
    assert credit_code_normalize(code) == code


@given(credit_codes(), st.data())
def test_every_single_character_slip_is_refused(code, data):
    position = data.draw(st.integers(0, 17), label="position")
    allowed = DIGITS if position < 8 else ALPHABET
    replacement = data.draw(st.sampled_from([c for c in allowed if c != code[position]]), label="replacement")
    corrupted = code[:position] + replacement + code[position + 1 :]

    with pytest.raises(ValidationError):
        credit_code_normalize(corrupted)


@given(credit_codes())
def test_lowercase_full_width_and_spaces_are_normalised(code):
    typed = f" {code[:6]} {code[6:]} ".lower()

    assert credit_code_normalize(typed) == code
    assert credit_code_normalize(code.translate(FULL_WIDTH)) == code


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "请填写统一社会信用代码"),
        ("91532621MA0000001", "应为18位,当前为17位"),
        ("9153262AMA00000010", "格式不正确"),  # a letter among the first 8
        ("91532621MA000000I0", "格式不正确"),  # I is not in the alphabet
        ("91532621MA00000010", "校验位不正确"),
    ],
    ids=["blank", "17-characters", "letter-in-registration-office", "letter-I", "wrong-check"],
)
def test_bad_credit_code_is_refused_with_a_chinese_reason(typed, message):
    with pytest.raises(ValidationError) as refused:
        credit_code_normalize(typed)

    assert message in refused.value.messages[0]
    assert "统一社会信用代码" in refused.value.messages[0]


def test_codes_of_village_collectives_with_letter_prefix_are_accepted():
    # given a village collective economic organisation's code (registering authority N, type 2)
    body = "N2532622MA6K00001"
    code = body + uscc.calc_check_digit(body)

    # then it is valid, while the same code with a wrong check character is not
    assert credit_code_normalize(code.lower()) == code
    wrong = body + ("0" if code[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="校验位"):
        credit_code_normalize(wrong)


def test_division_code_positions_must_be_digits():
    body = "91A32622MA6K00001"
    with pytest.raises(ValidationError, match="行政区划代码"):
        credit_code_normalize(body + uscc.calc_check_digit(body))
