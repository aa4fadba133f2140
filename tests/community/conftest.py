import datetime

import pytest

from heft.accounts.models import Role
from heft.community.models import Mentor
from heft.trainees.models import ProgrammeMembership
from tests import factories as f


def trainee_with_account(scheme, *, start=datetime.date(2024, 8, 7), intake="2024-08", **membership):
    """A HEFT trainee who can sign in; by default in ST3 (started August 2024)."""
    member = f.MembershipFactory(scheme=scheme, start_date=start, intake=intake, **membership)
    trainee = member.trainee
    trainee.user = f.RoleFactory(role=Role.TRAINEE).user
    trainee.save()
    return trainee


@pytest.fixture
def region_a_trainees(world):
    """Ten more HEFT trainees in scheme A across the three years, half enrolment only."""
    starts = [datetime.date(2024, 8, 7), datetime.date(2025, 8, 6), datetime.date(2026, 8, 5)]
    modes = [ProgrammeMembership.HeftMode.ROTATION, ProgrammeMembership.HeftMode.ENROLMENT_ONLY]
    return [
        f.MembershipFactory(scheme=world.scheme_a, start_date=starts[i % 3], heft_mode=modes[i % 2]).trainee
        for i in range(10)
    ]


@pytest.fixture
def mentor(world) -> Mentor:
    """The world's mentor, working in scheme A, with room for ten."""
    mentor = world.user("mentor").mentor
    mentor.scheme, mentor.capacity = world.scheme_a, 10
    mentor.save()
    return mentor
