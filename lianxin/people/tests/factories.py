"""Synthetic but valid resident IDs (GB 11643) and people built through the services."""

import itertools
from datetime import date

from stdnum.cn import ric

from lianxin.people.models import Household, Person
from lianxin.people.services import household_create, person_create
from lianxin.regions.models import Region

# 532622 is a county code python-stdnum knows (birth-place validation) with no end date, so any birth year passes.
ADDRESS_CODE = "532622"
_sequence = itertools.count(1)


def resident_id(birth: date = date(1980, 5, 17), sequence: int | None = None, male: bool = True) -> str:
    """A valid 18-character resident ID; ``sequence`` makes it unique, its parity sets the gender."""
    seq = sequence if sequence is not None else next(_sequence)
    seq = (seq * 2 + (1 if male else 0)) % 1000
    body = f"{ADDRESS_CODE}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def household(village_group: Region, number: str = "") -> Household:
    return household_create(village_group=village_group, number=number or f"H{next(_sequence):05d}")


def person(household: Household, name: str = "张三", male: bool = True, **kwargs) -> Person:
    kwargs.setdefault("resident_id", resident_id(male=male))
    return person_create(household=household, name=name, **kwargs)
