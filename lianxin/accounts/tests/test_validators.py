"""Password rules (等保 2.0): at least 8 characters mixing at least 3 of lowercase, uppercase, digits, symbols."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from lianxin.accounts.models import User
from lianxin.accounts.validators import CharacterClassValidator, MinimumLengthValidator


def _check(password: str) -> None:
    MinimumLengthValidator(min_length=8).validate(password)
    CharacterClassValidator(min_classes=3).validate(password)


@pytest.mark.parametrize("password", ["Abcdefg1", "abcdef1!", "ABCDEF1!", "Ab!defgh", "Lianxin-2026"])
def test_passwords_mixing_three_classes_are_accepted(password):
    _check(password)  # no exception


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("abcdefgh", "至少3类"),
        ("ABCDEFGH", "至少3类"),
        ("12345678", "至少3类"),
        ("abcd1234", "至少3类"),
        ("Abc1!", "密码太短,至少需要8个字符"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(password, message):
    with pytest.raises(ValidationError) as refused:
        _check(password)

    assert message in " ".join(refused.value.messages)


def test_the_configured_validators_refuse_a_single_class_password():
    with pytest.raises(ValidationError) as refused:
        validate_password("abcdefgh")

    assert any("密码须包含小写字母、大写字母、数字、符号中的至少3类" in m for m in refused.value.messages)


@pytest.mark.parametrize("password", ["Ab1!", "Password1", "12345678", "wangxiaoming1", "abcdefgh"])
def test_every_refusal_is_in_chinese(password):
    """Regression: Django 5.2 reworded its length message and its zh-hans catalogue gave it in English."""
    with pytest.raises(ValidationError) as refused:
        validate_password(password, User(username="wangxiaoming"))

    for message in refused.value.messages:
        assert "密码" in message, message
        assert "password" not in message.lower(), message


def test_the_configured_validators_accept_a_strong_password():
    validate_password("Qz7-tongyuan-river")  # no exception


def test_help_text_names_the_rule():
    assert "至少3类" in CharacterClassValidator(min_classes=3).get_help_text()
