"""`python manage.py demo_signins`: the demo sign-ins, with each staff member's TOTP secret and code now."""

from django.core.management.base import BaseCommand, CommandError

from heft.core.console import rich_console
from heft.demo.signins import print_demo_signins
from heft.demo.world import demo_allowed

REFUSAL = (
    "The demo sign-ins share a published password: not in production. "
    "Pass --allow-production only on a throwaway demo site."
)


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
