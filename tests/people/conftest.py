import re

import pytest

from heft.programmes.models import Locality

LINK = re.compile(r"https?://[^/\s]+(/people/invitation/\S+/)")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a service as if its transaction committed: the emails it queues go (tests run tasks at once)."""

    def run(action, **arguments):
        with django_capture_on_commit_callbacks(execute=True):
            return action(**arguments)

    return run


@pytest.fixture
def locality_a(world):
    return Locality.objects.create(scheme=world.scheme_a, name="Fictional North")


def link_path(message) -> str:
    """The path of the one-time link in an invitation email."""
    return LINK.search(message.body).group(1)
