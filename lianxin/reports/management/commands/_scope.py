"""What the reports commands share: the period, region and reader given on the command line."""

from django.core.management.base import CommandError

from lianxin.accounts.models import User
from lianxin.regions.models import Region

from ...catalogue import FigureScope
from ...periods import Period, PeriodError


def add_scope_arguments(parser) -> None:
    parser.add_argument(
        "--period",
        help="2026 (year), 2026-H1, 2026-Q3, 2026-07 (month) or 2026-01-01..2026-03-31; default: the last 12 months",
    )
    parser.add_argument("--region", help="statistical code (12 digits) or id of a village or village group")
    parser.add_argument(
        "--user",
        help="compute as this account (its jurisdiction and role); default: everything in the database",
    )


def command_reader() -> User:
    """An unsaved superuser standing for the operator at the command line: every row counts."""
    return User(id=0, username="manage.py", is_superuser=True, is_active=True)


def scope_from_options(options) -> FigureScope:
    try:
        period = Period.parse(options["period"]) if options.get("period") else Period.last_12_months()
    except PeriodError as exc:
        raise CommandError(str(exc)) from exc
    user = command_reader()
    if options.get("user"):
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active account named {options['user']!r}")
    region = None
    if options.get("region"):
        code = options["region"].strip()
        region = Region.objects.filter(stat_code=code).first()
        if region is None and code.isdigit() and len(code) < 12:
            region = Region.objects.filter(pk=int(code)).first()
        if region is None:
            raise CommandError(f"no region with statistical code or id {code!r}")
    return FigureScope(user=user, period=period, region=region)
