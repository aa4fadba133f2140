"""`python manage.py demo_signins`: the demo sign-ins, with each staff member's TOTP secret and code now."""

import sys

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from heft.core.demo import demo_allowed, print_demo_signins

REFUSAL = (
    "The demo sign-ins share a published password: not in production. "
    "Pass --allow-production only on a throwaway demo site."
)


def rich_console(command: BaseCommand) -> Console:
    """A rich Console on the command's own stdout (so call_command(stdout=...) captures it)."""
    stream = getattr(command.stdout, "_out", sys.stdout)
    is_terminal = hasattr(stream, "isatty") and stream.isatty()
    return Console(file=stream, width=None if is_terminal else 160, highlight=False)


class Command(BaseCommand):
    help = (
        "Lists the demo sign-ins: role, email, password, scope, and for staff the TOTP secret and code now."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even when HEFT_ENVIRONMENT is production (a throwaway demo site only).",
        )

    def handle(self, *args, allow_production=False, **options):
        if not demo_allowed(allow_production=allow_production):
            raise CommandError(REFUSAL)
        print_demo_signins(rich_console(self))
