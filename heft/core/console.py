"""Rich output for management commands."""

import sys

from django.core.management.base import BaseCommand
from rich.console import Console


def rich_console(command: BaseCommand) -> Console:
    """A rich Console on the command's own stdout (so call_command(stdout=...) captures it)."""
    stream = getattr(command.stdout, "_out", sys.stdout)
    is_terminal = hasattr(stream, "isatty") and stream.isatty()
    return Console(file=stream, width=None if is_terminal else 160, highlight=False)
