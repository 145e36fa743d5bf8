"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

python-stdnum computes the check character; its format rule (first 8 characters digits) is
narrower than the standard, whose first two characters — registering authority and entity type —
may be letters: village collective economic organisations, for one, carry codes starting "N2".
So the format is checked here against the standard and the check character by stdnum.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V
FORMAT = re.compile(rf"^[{ALPHABET}]{{2}}\d{{6}}[{ALPHABET}]{{10}}$")


def credit_code_normalize(value: str) -> str:
    """Validate a credit code and return it in upper case without spaces."""
    code = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", str(value or ""))).upper()
    if not code:
        raise ValidationError(_("请填写统一社会信用代码"), code="required")
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为18位,当前为%(n)d位") % {"n": len(code)}, code="length")
    if not FORMAT.match(code):
        raise ValidationError(
            _("统一社会信用代码格式不正确:第3至8位为行政区划代码(数字),其余为数字或除I、O、Z、S、V以外的大写字母"),
            code="format",
        )
    if uscc.calc_check_digit(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确(GB 32100),请核对是否录错"), code="checksum")
    return code
