"""`python manage.py create_national_admin EMAIL`: the first national admin of a new installation."""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from heft.accounts.services import national_admin_create


class Command(BaseCommand):
    help = (
        "Creates a sign-in with the national admin role, audited. It has no password: set one with "
        "`manage.py changepassword EMAIL`. At first sign-in they set up an authenticator app."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        try:
            user = national_admin_create(email=email, by=f"manage.py create_national_admin ({_who()})")
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Created {user.email}, national admin.")
        self.stdout.write(f"Next, give it a password: manage.py changepassword {user.email}")


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this user id (a container, say)
        return "unknown user"
