"""Resident IDs and phones of persons who moved out or died, as a class of personal data (core.retention)."""

from django.utils.translation import gettext_lazy as _

from lianxin.core import retention

RETENTION_CLASS = "people.departed_persons"
DEFAULT_DAYS = 3 * 365


def _due(cutoff):
    from .models import Person

    return Person.objects.filter(
        personal_data_purged_at__isnull=True,
        status__in=[Person.Status.MOVED_OUT, Person.Status.DECEASED],
        left_on__lte=cutoff.date(),
    )


def _purge(ids: list[int], now) -> int:
    from .services import persons_personal_data_purge

    return persons_personal_data_purge(ids=ids, now=now)


def _describe(person) -> str:
    return f"#{person.pk} {person.name[:1]}* {person.resident_id_masked} {person.get_status_display()} {person.left_on}"


def register() -> None:
    retention.register(
        retention.DataClass(
            key=RETENTION_CLASS,
            label=_("迁出或死亡人员的身份证号码和手机号码"),
            clock=_("迁出或死亡之日"),
            action=_("密文和检索索引清空,显示为“已按规定清除”;姓名、户、性别和出生日期保留"),
            default_days=lambda: DEFAULT_DAYS,
            due=_due,
            purge=_purge,
            describe=_describe,
            order=10,
        )
    )
