"""Demo preferencing: Bristol's 2026-08 window open for ranking, Plymouth's closed and allocated.

Fixed dates keep the load idempotent: loading again finds everything as it is and changes nothing.
"""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from heft.accounts.models import Role, User
from heft.demo.world import SIGN_IN_BY_ROLE
from heft.preferencing import services
from heft.preferencing.models import AllocationRun, Offer, Preference, PreferenceList, PreferenceWindow
from heft.preferencing.problem import window_memberships, window_rotations

LONDON = ZoneInfo("Europe/London")
OPEN_WINDOW = ("bristol", "2026-08", datetime.datetime(2026, 11, 2, 9, tzinfo=LONDON))
CLOSED_WINDOW = ("plymouth", "2026-08", datetime.datetime(2026, 9, 1, 9, tzinfo=LONDON))
OPEN_UNTIL = datetime.datetime(2027, 1, 29, 17, tzinfo=LONDON)
CLOSED_AT = datetime.datetime(2026, 10, 2, 17, tzinfo=LONDON)


def _window(world, spec, closes_at) -> PreferenceWindow:
    scheme_code, intake, opens_at = spec
    window, _ = PreferenceWindow.objects.update_or_create(
        scheme=world.schemes[scheme_code],
        intake=intake,
        defaults={"opens_at": opens_at, "closes_at": closes_at},
    )
    return window


def _submit_lists(fake, window, *, skip: set[str]) -> None:
    """Each member not skipped, and without a list yet, submits a random order of some rotations."""
    rotations = window_rotations(window).in_bulk(field_name="code")
    codes = sorted(rotations)
    for membership in window_memberships(window).order_by("national_rank"):
        trainee = membership.trainee
        if trainee.email in skip or PreferenceList.objects.filter(window=window, trainee=trainee).exists():
            continue
        ranked = fake.random_sample(codes, length=fake.random_int(min(2, len(codes)), len(codes)))
        PreferenceList.objects.create(
            window=window, trainee=trainee, status=PreferenceList.Status.SUBMITTED, version=1,
            saved_at=window.opens_at, submitted_at=window.opens_at,
        )  # fmt: skip
        Preference.objects.bulk_create(
            Preference(window=window, trainee=trainee, rotation=rotations[code], rank=rank)
            for rank, code in enumerate(ranked, start=1)
        )


def build_windows(fake, world) -> None:
    open_window = _window(world, OPEN_WINDOW, OPEN_UNTIL)
    # Half of Bristol has submitted; the demo trainee has not, so they can try it.
    members = list(window_memberships(open_window).order_by("national_rank"))
    waiting = {SIGN_IN_BY_ROLE[Role.TRAINEE].email, *(m.trainee.email for m in members[::2])}
    _submit_lists(fake, open_window, skip=waiting)
    closed_window = _window(world, CLOSED_WINDOW, CLOSED_AT)
    _submit_lists(fake, closed_window, skip=set())
    _publish_once(closed_window)


def _publish_once(window: PreferenceWindow) -> None:
    """Allocate by national rank and publish, without emails (the people are invented); once only."""
    if window.runs.exists():
        return
    lead = User.objects.get(email=SIGN_IN_BY_ROLE[Role.REGIONAL_LEAD].email)
    run = services.run_create(window=window, mechanism="serial-dictatorship", by=lead)
    respond_by = timezone.now() + datetime.timedelta(days=21)
    services.run_publish(run=run, respond_by=respond_by, by=lead, notify=False)


STEPS = [("Preference windows, lists and a published allocation", build_windows)]
MODELS = (PreferenceWindow, PreferenceList, Preference, AllocationRun, Offer)
