from django.core.management.base import BaseCommand, CommandError

from lianxin.accounts.models import User
from lianxin.accounts.services import api_token_create
from lianxin.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Issue an API token for an account (printed once; only its digest is stored). The account must have "
        "enrolled its second factor (我的账号)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="script")

    def handle(self, *args, username: str, name: str, **options) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active account named {username}")
        try:
            _token, raw = api_token_create(user=user, name=name)
        except DomainError as exc:  # no second factor yet
            raise CommandError(exc.message) from exc
        self.stdout.write(raw)
