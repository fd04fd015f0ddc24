from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import services
from accounts.models import User


class Command(BaseCommand):
    help = "Unlock a user's login after repeated failures (their failed logins from every address are forgotten)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: object, username: str, **options: object) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        removed = services.unlock_login(user=user, by=None)
        self.stdout.write(f"Unlocked {username} ({removed} record(s) of failed logins removed).")
