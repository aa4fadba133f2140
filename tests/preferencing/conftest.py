import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from heft.accounts.models import Role
from heft.preferencing.models import PreferenceWindow
from tests import factories as f


@dataclass
class Allocation:
    window: PreferenceWindow
    rotations: list
    trainees: list  # in national rank order, each with a user and the trainee role
    lead: object


def make_window(scheme, *, open_now: bool = True) -> PreferenceWindow:
    now = timezone.now()
    opens, closes = (now - datetime.timedelta(days=1), now + datetime.timedelta(days=1))
    if not open_now:
        opens, closes = now - datetime.timedelta(days=10), now - datetime.timedelta(days=1)
    return PreferenceWindow.objects.create(scheme=scheme, intake="2026-08", opens_at=opens, closes_at=closes)


@pytest.fixture
def allocation(world) -> Allocation:
    """Scheme A, intake 2026-08: rotations ROT-A (2 places), R2 and R3 (1 each); four ranked trainees."""
    scheme = world.scheme_a
    world.rotation_a.capacity = 2
    world.rotation_a.save()
    rotations = [world.rotation_a] + [
        f.SlotFactory(rotation__scheme=scheme, rotation__code=code, rotation__capacity=1).rotation
        for code in ("R2", "R3")
    ]
    memberships = list(world.trainee_a.memberships.all()) + list(world.trainee_a2.memberships.all())
    memberships += [f.MembershipFactory(scheme=scheme) for _ in range(2)]
    trainees = []
    for rank, membership in enumerate(memberships, start=1):
        membership.national_rank = rank
        membership.save()
        trainee = membership.trainee
        if trainee.user_id is None:
            trainee.user = f.RoleFactory(role=Role.TRAINEE).user
            trainee.save()
        trainees.append(trainee)
    return Allocation(make_window(scheme), rotations, trainees, world.user("regional_lead"))
