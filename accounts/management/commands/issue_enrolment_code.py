from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import enrolment, services
from accounts.models import User


class Command(BaseCommand):
    help = (
        "Issue a one-time code with which an administrator sets up their first authenticator app "
        "(printed once, valid 24 hours; earlier unused codes of that user stop working)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: object, username: str, **options: object) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        code = services.issue_enrolment_code(user=user, by=None)
        hours = int(enrolment.VALID_FOR.total_seconds() // 3600)
        self.stdout.write(f"Enrolment code for {username} (works once, for {hours} hours): {code}")
