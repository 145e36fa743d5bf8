from django.core.management.base import BaseCommand, CommandError

from lianxin.accounts.models import User
from lianxin.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Issue an API token for an account (printed once; only its digest is stored)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="script")

    def handle(self, *args, username: str, name: str, **options) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active account named {username}")
        _token, raw = api_token_create(user=user, name=name)
        self.stdout.write(raw)
