"""The writes behind posts and rotations: each audited, each refused outside the writer's schemes, and the
rules the pages, the bulk upload and the API share (heft.programmes.services)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from heft.audit.models import AuditEvent
from heft.programmes.models import PostCategory, PostSubtype, Rotation
from heft.programmes.selectors import (
    intake_copy_plan,
    intakes_managed_by,
    intakes_of,
    next_rotation_code,
    posts_listed_for,
)
from heft.programmes.services import (
    SlotValues,
    post_problems,
    post_save,
    rotation_save,
    rotations_copy_to_intake,
    slot_problems,
)
from tests import factories as f


def category(code: str) -> PostCategory:
    return PostCategory.objects.get(code=code)


def post_values(scheme, **changes) -> dict:
    values = {
        "post_number": "SW/TEST/0001",
        "scheme": scheme,
        "category": category("paediatrics"),
        "subtype": None,
        "practice": None,
        "site": "Fictional General Hospital",
        "wte": Decimal("1"),
        "educational_supervisor_name": "Dr A. Example",
        "educational_supervisor_email": "a.example@example.org",
        "clinical_supervisor_name": "",
        "clinical_supervisor_email": "",
        "notes": "",
    }
    return values | changes


def events(verb: str):
    return AuditEvent.objects.filter(verb=verb)


# --- posts --------------------------------------------------------------------------------------------------


def test_a_new_post_is_saved_and_audited(world):
    lead = world.user("regional_lead")
    post = post_save(values=post_values(world.scheme_a), by=lead)
    event = events("post.created").get()
    assert (event.actor, event.target_id, event.before) == (lead, str(post.pk), None)
    assert event.after["post_number"] == "SW/TEST/0001"
    assert event.after["scheme"] == world.scheme_a.pk


def test_a_change_is_audited_with_before_and_after(world):
    admin = world.user("scheme_admin")
    post = post_save(values=post_values(world.scheme_a), by=admin)
    post_save(post=post, values=post_values(world.scheme_a, wte=Decimal("0.5")), by=admin)
    event = events("post.changed").get()
    assert (event.before["wte"], event.after["wte"]) == ("1.00", "0.50")


def test_saving_an_unchanged_post_writes_nothing(world):
    admin = world.user("scheme_admin")
    post = post_save(values=post_values(world.scheme_a), by=admin)
    post_save(post=post, values=post_values(world.scheme_a, wte=1), by=admin)
    assert not events("post.changed").exists()


@pytest.mark.parametrize("role", ["scheme_admin", "regional_lead", "educator", "trainee"])
def test_a_post_in_a_scheme_outside_ones_scope_is_refused(world, role):
    with pytest.raises(PermissionDenied):
        post_save(values=post_values(world.scheme_b), by=world.user(role))
    assert not AuditEvent.objects.exists()


def test_another_schemes_post_cannot_be_changed_or_taken(world):
    other = f.PostFactory(scheme=world.scheme_b)
    with pytest.raises(PermissionDenied):
        post_save(
            post=other, values={"notes": "mine now", "scheme": world.scheme_a}, by=world.user("scheme_admin")
        )
    other.refresh_from_db()
    assert other.scheme == world.scheme_b
    assert other.notes == ""


def test_a_post_number_is_unique(world):
    admin = world.user("national_admin")
    post_save(values=post_values(world.scheme_a), by=admin)
    with pytest.raises(ValidationError) as refused:
        post_save(values=post_values(world.scheme_b), by=admin)
    assert "post_number" in refused.value.message_dict


def test_a_post_in_rotations_stays_in_its_scheme(world):
    post = world.rotation_a.slots.get().post
    with pytest.raises(ValidationError) as refused:
        post_save(post=post, values={"scheme": world.scheme_b}, by=world.user("national_admin"))
    assert refused.value.message_dict["scheme"] == [
        f"{post.post_number} is in rotations of Scheme A (ROT-A): take it out of them before moving it to"
        " Scheme B."
    ]


def test_a_gp_placement_is_in_a_practice(world):
    gp = post_values(world.scheme_a, category=category("gp-practice"), site="")
    assert post_problems(gp) == {"practice": "Choose the GP practice: a GP placement is in a practice."}
    assert post_problems(gp | {"practice": world.practice}) == {}


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"site": " "}, "site", "Say where the post is: the hospital, service or organisation."),
        (
            {"wte": Decimal("1.5")},
            "wte",
            "The whole-time equivalent is more than 0 and at most 1, e.g. 1 or 0.5.",
        ),
        ({"wte": 0}, "wte", "The whole-time equivalent is more than 0 and at most 1, e.g. 1 or 0.5."),
        (
            {"educational_supervisor_name": ""},
            "educational_supervisor_name",
            "Give the educational supervisor's name with their email.",
        ),
    ],
)
def test_what_is_wrong_with_a_post_is_said_by_field(world, changes, field, message):
    assert post_problems(post_values(world.scheme_a, **changes)) == {field: message}


def test_only_gp_placements_are_in_a_practice(world):
    problems = post_problems(post_values(world.scheme_a, practice=world.practice))
    assert problems == {"practice": "Only GP placements are in a practice: give the site instead."}


def test_a_subtype_belongs_to_its_category(world):
    homelessness = PostSubtype.objects.get(code="homelessness")
    inclusion = post_values(world.scheme_a, category=category("inclusion-health"), subtype=homelessness)
    assert post_problems(inclusion) == {}
    wrong = inclusion | {"category": category("prisons")}
    assert post_problems(wrong) == {"subtype": "Homelessness is not a kind of Prisons."}


def test_a_refused_post_writes_nothing(world):
    with pytest.raises(ValidationError):
        post_save(values=post_values(world.scheme_a, site=""), by=world.user("national_admin"))
    assert not AuditEvent.objects.exists()


def test_the_post_list_counts_the_rotations_holding_each_post(world):
    listed = posts_listed_for(world.user("scheme_admin"))
    assert [(p.scheme, p.rotation_count) for p in listed] == [(world.scheme_a, 1)]


# --- rotations ----------------------------------------------------------------------------------------------


@pytest.fixture
def posts(world):
    """Scheme A's posts: a GP placement in the Deep End practice, a hospital post, an innovative post."""
    return {
        "gp": f.PostFactory(scheme=world.scheme_a, category=category("gp-practice"), practice=world.practice),
        "paeds": f.PostFactory(scheme=world.scheme_a, category=category("paediatrics")),
        "prison": f.PostFactory(scheme=world.scheme_a, category=category("prisons")),
    }


def full_three_years(posts) -> list[SlotValues]:
    return [
        SlotValues("ST1", 1, 6, posts["paeds"]),
        SlotValues("ST1", 7, 6, posts["gp"]),
        SlotValues("ST2", 13, 6, posts["prison"]),
        SlotValues("ST2", 19, 6, posts["paeds"]),
        SlotValues("ST3", 25, 12, posts["gp"]),
    ]


def rotation_values(world, **changes) -> dict:
    return {
        "code": "SCHEME-A-2027-08-01",
        "name": "Inclusion and GP",
        "scheme": world.scheme_a,
        "intake": "2027-08",
        "capacity": 2,
        "description": "",
    } | changes


def test_a_new_rotation_is_saved_with_its_slots_and_audited(world, posts):
    lead = world.user("regional_lead")
    rotation = rotation_save(values=rotation_values(world), slots=full_three_years(posts), by=lead)
    saved = [(s.order, s.training_year, s.start_offset_months, s.months) for s in rotation.slots.all()]
    assert saved == [
        (1, "ST1", 0, 6),
        (2, "ST1", 6, 6),
        (3, "ST2", 12, 6),
        (4, "ST2", 18, 6),
        (5, "ST3", 24, 12),
    ]
    event = events("rotation.created").get()
    assert event.actor == lead
    assert event.before is None
    assert [s["post"] for s in event.after["slots"]] == [
        posts[k].pk for k in ("paeds", "gp", "prison", "paeds", "gp")
    ]


def test_a_changed_rotation_is_audited_and_an_unchanged_one_is_not(world, posts):
    admin = world.user("scheme_admin")
    rotation = rotation_save(values=rotation_values(world), slots=full_three_years(posts), by=admin)
    rotation_save(rotation=rotation, values=rotation_values(world), slots=full_three_years(posts), by=admin)
    assert not events("rotation.changed").exists()
    shorter = full_three_years(posts)[:4]
    rotation_save(rotation=rotation, values=rotation_values(world, capacity=3), slots=shorter, by=admin)
    event = events("rotation.changed").get()
    assert (event.before["capacity"], event.after["capacity"]) == (2, 3)
    assert (len(event.before["slots"]), len(event.after["slots"])) == (5, 4)


def test_overlapping_posts_are_refused_with_the_reason(world, posts):
    slots = [SlotValues("ST1", 1, 12, posts["gp"]), SlotValues("ST1", 7, 6, posts["paeds"])]
    with pytest.raises(ValidationError) as refused:
        rotation_save(values=rotation_values(world), slots=slots, by=world.user("national_admin"))
    (message,) = refused.value.message_dict["slots"]
    assert message.startswith("Months 7–12: ")
    assert "overlap" in message
    assert not Rotation.objects.filter(code="SCHEME-A-2027-08-01").exists()
    assert not AuditEvent.objects.exists()


def test_a_slot_past_month_36_is_refused_with_the_reason(world, posts):
    slots = [*full_three_years(posts)[:4], SlotValues("ST3", 31, 12, posts["gp"])]
    with pytest.raises(ValidationError) as refused:
        rotation_save(values=rotation_values(world), slots=slots, by=world.user("national_admin"))
    assert refused.value.message_dict["slots"] == [
        f"GP practice at {world.practice.name} runs to month 42, past the 36 months of GP training."
    ]


def test_warnings_do_not_stop_a_rotation_being_saved(world, posts):
    slots = [SlotValues("ST2", 1, 4, posts["prison"])]  # wrong year, short innovative post, gaps
    rotation = rotation_save(values=rotation_values(world), slots=slots, by=world.user("scheme_admin"))
    assert rotation.slots.count() == 1


def test_a_post_of_another_scheme_is_refused(world, posts):
    theirs = f.PostFactory(scheme=world.scheme_b, post_number="B/0001")
    slots = [SlotValues("ST1", 1, 6, theirs)]
    assert slot_problems(world.scheme_a, slots) == ["B/0001 is a post of Scheme B, not Scheme A."]
    with pytest.raises(ValidationError):
        rotation_save(values=rotation_values(world), slots=slots, by=world.user("national_admin"))
    assert not AuditEvent.objects.exists()


def test_an_unknown_training_year_is_refused(world, posts):
    problems = slot_problems(world.scheme_a, [SlotValues("ST4", 1, 6, posts["gp"])])
    assert f"{posts['gp'].post_number}: the training year is ST1, ST2 or ST3, not ST4." in problems


@pytest.mark.parametrize("role", ["scheme_admin", "regional_lead", "educator", "mentor", "trainee"])
def test_a_rotation_outside_ones_schemes_is_refused(world, role):
    slots = [SlotValues("ST1", 1, 6, world.rotation_b.slots.get().post)]
    with pytest.raises(PermissionDenied):
        rotation_save(rotation=world.rotation_b, values={"name": "Taken"}, slots=slots, by=world.user(role))
    world.rotation_b.refresh_from_db()
    assert world.rotation_b.name != "Taken"
    assert not AuditEvent.objects.exists()


def test_a_rotation_code_is_unique(world, posts):
    with pytest.raises(ValidationError) as refused:
        rotation_save(
            values=rotation_values(world, code="ROT-B"),
            slots=full_three_years(posts),
            by=world.user("national_admin"),
        )
    assert "code" in refused.value.message_dict


def test_the_suggested_code_is_the_next_free_number_of_the_scheme_and_intake(world, posts):
    assert next_rotation_code(world.scheme_a, "2027-08") == "SCHEME-A-2027-08-01"
    rotation_save(
        values=rotation_values(world), slots=full_three_years(posts), by=world.user("national_admin")
    )
    rotation_save(
        values=rotation_values(world, code="SCHEME-A-2027-08-07"),
        slots=full_three_years(posts),
        by=world.user("national_admin"),
    )
    assert next_rotation_code(world.scheme_a, "2027-08") == "SCHEME-A-2027-08-08"
    assert next_rotation_code(world.scheme_a, "2028-02") == "SCHEME-A-2028-02-01"


def test_a_long_scheme_code_is_shortened_to_fit(world):
    scheme = f.SchemeFactory(code="a-scheme-with-a-very-long-code-indeed-x", region=world.region_a)
    code = next_rotation_code(scheme, "2027-08")
    assert len(code) <= 40
    assert code.endswith("-2027-08-01")


# --- copying an intake --------------------------------------------------------------------------------------


@pytest.fixture
def intake_2026(world, posts):
    """Scheme A's 2026-08 intake: two rotations to copy and one withdrawn (ROT-A is 2026-08 too)."""
    made = []
    for n, availability in ((1, "available"), (2, "subject_to_change"), (3, "withdrawn")):
        rotation = f.RotationFactory(
            scheme=world.scheme_a, code=f"SCHEME-A-2026-08-0{n}", intake="2026-08", availability=availability
        )
        for order, s in enumerate(full_three_years(posts), start=1):
            f.SlotFactory(
                rotation=rotation,
                order=order,
                training_year=s.training_year,
                start_offset_months=s.start_month - 1,
                months=s.months,
                post=s.post,
            )
        made.append(rotation)
    return made


def test_copying_makes_each_rotation_again_in_the_new_intake(world, intake_2026):
    lead = world.user("regional_lead")
    copies = rotations_copy_to_intake(
        scheme=world.scheme_a, from_intake="2026-08", to_intake="2027-08", by=lead
    )
    assert [c.code for c in copies] == ["ROT-A-2027-08", "SCHEME-A-2027-08-01", "SCHEME-A-2027-08-02"]
    assert {c.intake for c in copies} == {"2027-08"}
    assert {c.availability for c in copies} == {"available"}
    source, copy = intake_2026[0], copies[1]
    picture = [(s.training_year, s.start_offset_months, s.months, s.post_id) for s in source.slots.all()]
    assert [
        (s.training_year, s.start_offset_months, s.months, s.post_id) for s in copy.slots.all()
    ] == picture
    assert events("rotation.created").count() == 3
    assert set(events("rotation.created").values_list("actor", flat=True)) == {lead.pk}


def test_copying_again_adds_only_what_is_missing(world, intake_2026):
    admin = world.user("scheme_admin")
    rotations_copy_to_intake(scheme=world.scheme_a, from_intake="2026-08", to_intake="2027-08", by=admin)
    Rotation.objects.get(code="SCHEME-A-2027-08-02").delete()
    again = rotations_copy_to_intake(
        scheme=world.scheme_a, from_intake="2026-08", to_intake="2027-08", by=admin
    )
    assert [c.code for c in again] == ["SCHEME-A-2027-08-02"]
    assert (
        rotations_copy_to_intake(scheme=world.scheme_a, from_intake="2026-08", to_intake="2027-08", by=admin)
        == []
    )


def test_the_plan_says_what_copying_will_do_without_doing_it(world, intake_2026):
    admin = world.user("scheme_admin")
    rotations_copy_to_intake(scheme=world.scheme_a, from_intake="2026-08", to_intake="2027-08", by=admin)
    Rotation.objects.get(code="SCHEME-A-2027-08-02").delete()
    plan = intake_copy_plan(world.scheme_a, "2026-08", "2027-08")
    assert [(p.source.code, p.code, p.to_copy, p.withdrawn) for p in plan] == [
        ("ROT-A", "ROT-A-2027-08", False, False),
        ("SCHEME-A-2026-08-01", "SCHEME-A-2027-08-01", False, False),
        ("SCHEME-A-2026-08-02", "SCHEME-A-2027-08-02", True, False),
        ("SCHEME-A-2026-08-03", "SCHEME-A-2027-08-03", False, True),
    ]
    assert Rotation.objects.filter(intake="2027-08").count() == 2


@pytest.mark.parametrize(
    "to_intake,field", [("2026-08", "to_intake"), ("August 2027", None), ("2027-13", None)]
)
def test_copying_to_the_same_or_a_malformed_intake_is_refused(world, intake_2026, to_intake, field):
    with pytest.raises(ValidationError) as refused:
        rotations_copy_to_intake(
            scheme=world.scheme_a, from_intake="2026-08", to_intake=to_intake, by=world.user("national_admin")
        )
    assert field is None or field in refused.value.message_dict
    assert not AuditEvent.objects.exists()


def test_copying_another_schemes_intake_is_refused(world):
    with pytest.raises(PermissionDenied):
        rotations_copy_to_intake(
            scheme=world.scheme_b, from_intake="2026-08", to_intake="2027-08", by=world.user("scheme_admin")
        )
    assert not Rotation.objects.filter(intake="2027-08").exists()


def test_a_rotation_that_cannot_be_copied_is_named_and_nothing_is_copied(world, intake_2026):
    long_code = "SCHEME-A-A-VERY-LONG-ROTATION-CODE-XX"
    slots = [SlotValues("ST1", 1, 6, intake_2026[0].slots.first().post)]
    values = rotation_values(world, code=long_code, intake="2026-08")
    rotation_save(values=values, slots=slots, by=world.user("national_admin"))
    with pytest.raises(ValidationError) as refused:
        rotations_copy_to_intake(
            scheme=world.scheme_a, from_intake="2026-08", to_intake="2027-08", by=world.user("national_admin")
        )
    assert refused.value.messages[0].startswith(f"{long_code} cannot be copied: ")
    assert not Rotation.objects.filter(intake="2027-08").exists()


def test_intakes_are_listed_once_each_newest_first(world, intake_2026):
    f.RotationFactory(scheme=world.scheme_a, intake="2025-02")
    assert intakes_of(world.scheme_a) == ["2026-08", "2025-02"]
    assert intakes_managed_by(world.user("scheme_admin")) == ["2026-08", "2025-02"]
    assert intakes_managed_by(world.user("educator")) == []
