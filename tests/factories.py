"""Factories for tests: invented people only (Faker en_GB), fictional codes."""

import datetime

import factory
from factory.django import DjangoModelFactory

from heft.accounts.models import RoleAssignment, User
from heft.community.models import Mentor, MentorAssignment
from heft.practices.models import Practice
from heft.programmes.models import Post, PostCategory, Region, Rotation, RotationSlot, TrainingScheme
from heft.trainees.models import Placement, ProgrammeMembership, Trainee

factory.Faker._DEFAULT_LOCALE = "en_GB"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", "a-long-test-password")

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"region-{n}")
    name = factory.Sequence(lambda n: f"Fictional Region {n}")


class SchemeFactory(DjangoModelFactory):
    class Meta:
        model = TrainingScheme

    code = factory.Sequence(lambda n: f"scheme-{n}")
    name = factory.Sequence(lambda n: f"Fictional Scheme {n}")
    region = factory.SubFactory(RegionFactory)


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = PostCategory
        django_get_or_create = ["code"]

    code = "inclusion-health"
    name = "Inclusion health"
    kind = PostCategory.Kind.INNOVATIVE


class PracticeFactory(DjangoModelFactory):
    class Meta:
        model = Practice

    ods_code = factory.Sequence(lambda n: f"Y9{n:04d}")
    name = factory.LazyAttribute(lambda o: f"{o.ods_code} Fictional Surgery")
    postcode = factory.Faker("postcode")
    imd_decile = 5


class PostFactory(DjangoModelFactory):
    class Meta:
        model = Post

    post_number = factory.Sequence(lambda n: f"TEST/POST/{n:04d}")
    category = factory.SubFactory(CategoryFactory)
    scheme = factory.SubFactory(SchemeFactory)
    site = "Fictional Outreach Service"


class RotationFactory(DjangoModelFactory):
    class Meta:
        model = Rotation

    code = factory.Sequence(lambda n: f"ROT-{n:04d}")
    name = factory.Sequence(lambda n: f"Fictional rotation {n}")
    scheme = factory.SubFactory(SchemeFactory)
    intake = "2026-08"
    capacity = 2


class SlotFactory(DjangoModelFactory):
    class Meta:
        model = RotationSlot

    rotation = factory.SubFactory(RotationFactory)
    order = factory.Sequence(lambda n: n)
    training_year = "ST1"
    start_offset_months = 0
    months = 6
    post = factory.SubFactory(PostFactory, scheme=factory.SelfAttribute("..rotation.scheme"))


class TraineeFactory(DjangoModelFactory):
    class Meta:
        model = Trainee

    gmc_number = factory.Sequence(lambda n: f"{9000000 + n}")
    forenames = factory.Faker("first_name")
    surname = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"trainee{n}@example.org")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = ProgrammeMembership

    trainee = factory.SubFactory(TraineeFactory)
    scheme = factory.SubFactory(SchemeFactory)
    intake = "2026-08"
    start_date = datetime.date(2026, 8, 5)
    heft_mode = ProgrammeMembership.HeftMode.ROTATION


class PlacementFactory(DjangoModelFactory):
    class Meta:
        model = Placement

    membership = factory.SubFactory(MembershipFactory)
    post = factory.SubFactory(PostFactory, scheme=factory.SelfAttribute("..membership.scheme"))
    start_date = datetime.date(2026, 8, 5)
    end_date = datetime.date(2027, 2, 4)


class RoleFactory(DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)


class MentorFactory(DjangoModelFactory):
    class Meta:
        model = Mentor

    user = factory.SubFactory(UserFactory)
    kind = Mentor.Kind.DEPRIVATION_FELLOW
    region = factory.SubFactory(RegionFactory)


class MentorAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = MentorAssignment

    mentor = factory.SubFactory(MentorFactory)
    trainee = factory.SubFactory(TraineeFactory)
    start_date = datetime.date(2026, 8, 5)
