"""Unified social credit codes (统一社会信用代码, GB 32100-2015), checked with python-stdnum."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength


def credit_code_normalize(value: str) -> str:
    """Validate a credit code and return it in upper case without spaces."""
    code = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", str(value or ""))).upper()
    if not code:
        raise ValidationError(_("请填写统一社会信用代码"), code="required")
    try:
        return uscc.validate(code)
    except InvalidLength as exc:
        raise ValidationError(_("统一社会信用代码应为18位,当前为%(n)d位") % {"n": len(code)}, code="length") from exc
    except InvalidFormat as exc:
        raise ValidationError(
            _("统一社会信用代码格式不正确:前8位为数字,其余为数字或除I、O、Z、S、V以外的大写字母"), code="format"
        ) from exc
    except InvalidChecksum as exc:
        raise ValidationError(_("统一社会信用代码校验位不正确(GB 32100),请核对是否录错"), code="checksum") from exc
