import datetime

import pytest

from heft.programmes.models import PostCategory
from tests import factories as f

D = datetime.date


@pytest.fixture
def rotation_placements(world):
    """Trainee A's three years: hospital, a Deep End GP practice, an innovative post, then GP to the end."""
    membership = world.trainee_a.memberships.get()
    gp = f.CategoryFactory(code="gp-practice", name="GP practice", kind=PostCategory.Kind.GP)
    hospital = f.CategoryFactory(code="paediatrics", name="Paediatrics", kind=PostCategory.Kind.HOSPITAL)
    innovative = f.CategoryFactory()  # inclusion health
    ordinary = f.PracticeFactory(name="Fictional Ordinary Surgery", imd_decile=6)
    plan = [
        ("ST1", D(2026, 8, 5), D(2027, 2, 4), hospital, None, "Fictional General Hospital"),
        ("ST1", D(2027, 2, 5), D(2027, 8, 4), gp, world.practice, ""),
        ("ST2", D(2027, 8, 5), D(2028, 2, 4), innovative, None, "Fictional Street Outreach"),
        ("ST2", D(2028, 2, 5), D(2028, 8, 4), hospital, None, "Fictional General Hospital"),
        ("ST3", D(2028, 8, 5), D(2029, 8, 4), gp, ordinary, ""),
    ]
    for year, start, end, category, practice, site in plan:
        post = f.PostFactory(category=category, scheme=world.scheme_a, practice=practice, site=site)
        f.PlacementFactory(
            membership=membership, post=post, start_date=start, end_date=end, training_year=year
        )
    return membership
