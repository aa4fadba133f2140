"""The equity report's shared data: three trainees in Deep End, ordinary, innovative and hospital posts."""

import datetime

import pytest

from heft.programmes.models import PostCategory
from heft.trainees.models import ProgrammeMembership
from tests import factories as f

Day = datetime.date


@pytest.fixture
def placed(world):
    """trainee_a (HEFT rotation): a year in a Deep End practice, then six months half-time in an innovative
    post. trainee_a2 (not in HEFT, named like a formula): a year at 80% in a decile-8 practice, six months in
    hospital. trainee_b (scheme B): six months in the Deep End practice."""
    gp = f.CategoryFactory(code="gp-practice", name="GP practice", kind=PostCategory.Kind.GP)
    hospital = f.CategoryFactory(code="paediatrics", name="Paediatrics", kind=PostCategory.Kind.HOSPITAL)
    innovative = f.CategoryFactory()  # inclusion health
    ordinary = f.PracticeFactory(region=world.region_a, imd_decile=8)
    posts = {
        "deep_end": f.PostFactory(category=gp, practice=world.practice, scheme=world.scheme_a, site=""),
        "ordinary": f.PostFactory(category=gp, practice=ordinary, scheme=world.scheme_a, site=""),
        "innovative": f.PostFactory(category=innovative, scheme=world.scheme_a),
        "hospital": f.PostFactory(category=hospital, scheme=world.scheme_a),
    }
    a, a2, b = (t.memberships.get() for t in (world.trainee_a, world.trainee_a2, world.trainee_b))
    a2.heft_mode = ProgrammeMembership.HeftMode.NONE
    a2.save()
    world.trainee_a2.forenames = "=SUM(A1)"
    world.trainee_a2.save()

    def place(membership, post, start, end, wte="1.00"):
        f.PlacementFactory(membership=membership, post=posts[post], start_date=start, end_date=end, wte=wte)

    place(a, "deep_end", Day(2024, 8, 7), Day(2025, 8, 6))
    place(a, "innovative", Day(2025, 8, 7), Day(2026, 2, 6), wte="0.50")
    place(a2, "ordinary", Day(2024, 8, 7), Day(2025, 8, 6), wte="0.80")
    place(a2, "hospital", Day(2025, 8, 7), Day(2026, 2, 6))
    place(b, "deep_end", Day(2024, 8, 7), Day(2025, 2, 6))
    return world
