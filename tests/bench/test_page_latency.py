"""Every page's latency benchmark names a real record for every page the access matrix shows (200), and each
page answers 200 with it for its role: run on the national demo at a small fraction, in this process (the
benchmark's timing itself, against gunicorn, is not run here). Nothing here writes the docs."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from bench import page_latency
from bench import preferences_rush as rush
from heft.accounts.models import User
from heft.demo.world import SIGN_IN_BY_ROLE

FACTOR = 0.01
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def pages(django_db_setup, django_db_blocker):
    """The national demo at a small fraction, the benchmark's records and pages; rolled back at the end."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        call_command("load_demo", scale="national", factor=FACTOR, verbosity=0)
        yield page_latency.pages_by_role(page_latency.demo_values())
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_every_page_the_matrix_shows_is_named(pages):
    by_role, unnamed = pages
    assert unnamed == []
    timed = {timing.route for timings in by_role.values() for timing in timings}
    for route in [
        "preferencing:run_detail",
        "preferencing:run_request",
        "preferencing:offer_detail",
        "preferencing:offer_give_up",
        "practices:import_detail",
        "practices:deep_end_rule_application",
        "privacy:retention_review",
        "teaching:release_batch",
    ]:
        assert route in timed


def test_every_page_answers_200_for_its_role(pages):
    by_role, _ = pages
    refused = []
    for role, timings in by_role.items():
        client = Client(SERVER_NAME=rush.HOST)
        client.force_login(User.objects.get(email=SIGN_IN_BY_ROLE[role].email))
        for timing in timings:
            status = client.get(timing.url).status_code
            if status != 200:
                refused.append((timing.route, role, status, timing.url))
    assert refused == []
