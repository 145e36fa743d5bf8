"""Valid unified social credit codes (GB 32100) and enterprises built through the services."""

import itertools

from stdnum.cn import uscc

from lianxin.enterprises.models import Enterprise
from lianxin.enterprises.services import enterprise_create
from lianxin.regions.models import Region

_sequence = itertools.count(1)


def credit_code(sequence: int | None = None) -> str:
    seq = sequence if sequence is not None else next(_sequence)
    body = f"91532621MA{seq:07d}"
    return body + uscc.calc_check_digit(body)


def enterprise(region: Region, name: str | None = None, **kwargs) -> Enterprise:
    seq = next(_sequence)
    kwargs.setdefault("credit_code", credit_code(seq))
    return enterprise_create(name=name or f"示例企业{seq}", region=region, **kwargs)
