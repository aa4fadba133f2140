"""`python manage.py create_national_admin EMAIL`: the first national admin of a new installation."""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from heft.accounts.invitations import invitation_link
from heft.accounts.services import national_admin_create


class Command(BaseCommand):
    help = (
        "Creates a sign-in with the national admin role, audited, and prints (and emails) a one-time link to "
        "set its password; they then set up an authenticator app. Run again to send a new link."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        try:
            invitation = national_admin_create(email=email, by=f"manage.py create_national_admin ({_who()})")
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        expires = timezone.localtime(invitation.expires_at)
        self.stdout.write(f"{invitation.user.email} is a national admin. They set a password at this link,")
        self.stdout.write(f"which works once, until {expires:%H:%M on %d %B %Y} (it has been emailed too):")
        self.stdout.write(invitation_link(invitation))


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this user id (a container, say)
        return "unknown user"
