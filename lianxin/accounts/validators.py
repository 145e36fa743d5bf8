from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule, with the message in our catalogue: Django 5.2 reworded it and its zh-hans
    translation lags, so a short password was refused in English."""

    def get_error_message(self) -> str:
        return _("密码太短,至少需要%(n)d个字符") % {"n": self.min_length}


class CharacterClassValidator:
    """Passwords mix at least ``min_classes`` of: lowercase, uppercase, digits, symbols (等保 2.0 complexity)."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                _("密码须包含小写字母、大写字母、数字、符号中的至少%(n)d类") % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("密码须包含小写字母、大写字母、数字、符号中的至少%(n)d类") % {"n": self.min_classes}
