"""The rotation pages of set-up: the builder (a new rotation, a change to one) and the yearly copy of an
intake's rotations. Each page for the roles allowed and refused, out-of-scope rotations and schemes
answering 404, an audit event for every write; the builder refuses an overlap and a slot past month 36
with the reason, saves with warnings, refuses another scheme's post; the copy shifts to the new intake
with new codes and adds only what is missing when run again."""

import pytest
from django.urls import reverse

from heft.audit.models import AuditEvent
from heft.programmes.models import PostCategory, Rotation
from tests import factories as f
from tests.pages import squeezed

NATIONAL, REGIONAL, TPD = "national_admin", "regional_lead", "scheme_admin"
NOT_PROGRAMME_TEAMS = ("educator", "mentor", "trainee")
NEW = reverse("setup:rotation_new")


def category(code: str) -> PostCategory:
    return PostCategory.objects.get(code=code)


@pytest.fixture
def posts(world):
    """Scheme A's posts: a GP placement in the Deep End practice, a hospital post and an innovative one."""
    return {
        "gp": f.PostFactory(scheme=world.scheme_a, category=category("gp-practice"), practice=world.practice),
        "paeds": f.PostFactory(
            scheme=world.scheme_a, category=category("paediatrics"), site="General Hospital"
        ),
        "prison": f.PostFactory(scheme=world.scheme_a, category=category("prisons"), site="HMP Example"),
    }


def builder_data(rows, action="save", **details) -> dict:
    """The builder's form: `rows` are (training year, start month, months, post) tuples."""
    data = {
        "name": "Inclusion and Deep End",
        "code": "",
        "capacity": "2",
        "description": "",
        "action": action,
    }
    data |= details | {"rows": str(len(rows))}
    for i, (year, start, months, post) in enumerate(rows):
        data |= {
            f"slot-{i}-training_year": year,
            f"slot-{i}-start_month": start,
            f"slot-{i}-months": months,
            f"slot-{i}-post": getattr(post, "pk", post),
        }
    return data


def three_years(posts) -> list[tuple]:
    return [
        ("ST1", 1, 6, posts["paeds"]),
        ("ST1", 7, 6, posts["gp"]),
        ("ST2", 13, 6, posts["prison"]),
        ("ST2", 19, 6, posts["paeds"]),
        ("ST3", 25, 12, posts["gp"]),
    ]


def new_url(scheme="scheme-a", intake="2027-08") -> str:
    return f"{NEW}?scheme={scheme}&intake={intake}"


def problems_of(response, status=400) -> str:
    assert response.status_code == status, response.status_code
    body = squeezed(response.content.decode())
    assert 'class="nhsuk-error-summary"' in body
    return body


# --- starting a rotation ------------------------------------------------------------------------------------


def test_a_new_rotation_starts_with_its_scheme_and_intake(world, client_for):
    client = client_for(TPD)
    start = squeezed(client.get(NEW).content.decode())
    assert "Build a rotation" in start
    assert 'name="intake"' in start
    bad = client.get(NEW, {"scheme": "scheme-a", "intake": "August"})
    assert "Enter the intake as year and month, for example 2027-08" in squeezed(bad.content.decode())
    builder = squeezed(client.get(new_url()).content.decode())
    assert "Scheme A · intake 2027-08" in builder
    assert "Leave it blank to use SCHEME-A-2027-08-01" in builder


@pytest.mark.parametrize("role", [REGIONAL, TPD])
def test_a_scheme_one_does_not_manage_is_404(world, client_for, role, posts):
    client = client_for(role)
    assert client.get(new_url(scheme="scheme-b")).status_code == 404
    assert client.post(new_url(scheme="scheme-b"), builder_data([])).status_code == 404
    assert client.get(reverse("setup:rotation_copy"), {"scheme": "scheme-b"}).status_code == 404


@pytest.mark.parametrize("role", NOT_PROGRAMME_TEAMS)
@pytest.mark.parametrize(
    "url", [NEW, reverse("setup:rotation_copy"), reverse("setup:rotation_edit", args=["ROT-A"])]
)
def test_others_are_refused(world, client_for, role, url, posts):
    client = client_for(role)
    assert client.get(url).status_code == 403
    assert client.post(url, builder_data(three_years(posts))).status_code == 403
    assert not AuditEvent.objects.exists()


# --- building and saving ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [NATIONAL, REGIONAL, TPD])
def test_a_rotation_is_saved_with_the_suggested_code_and_audited(world, client_for, role, posts):
    response = client_for(role).post(new_url(), builder_data(three_years(posts)))
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:rotation_detail", args=["SCHEME-A-2027-08-01"])
    rotation = Rotation.objects.get(code="SCHEME-A-2027-08-01")
    assert (rotation.scheme, rotation.intake, rotation.capacity) == (world.scheme_a, "2027-08", 2)
    saved = [(s.training_year, s.start_offset_months, s.months, s.post) for s in rotation.slots.all()]
    assert saved == [(y, start - 1, months, post) for y, start, months, post in three_years(posts)]
    event = AuditEvent.objects.get(verb="rotation.created", target_id=str(rotation.pk))
    assert event.actor == world.user(role)


def test_the_code_given_is_kept(world, client_for, posts):
    client_for(TPD).post(new_url(), builder_data(three_years(posts), code="SA-INCLUSION-1"))
    assert Rotation.objects.filter(code="SA-INCLUSION-1", intake="2027-08").exists()


def test_a_code_in_use_is_refused(world, client_for, posts):
    body = problems_of(client_for(TPD).post(new_url(), builder_data(three_years(posts), code="ROT-B")))
    assert "ROT-B is the code of another rotation: each has its own" in body


def test_an_overlap_is_refused_with_the_reason(world, client_for, posts):
    rows = [("ST1", 1, 12, posts["gp"]), ("ST1", 7, 6, posts["paeds"]), ("ST2", 13, 24, posts["gp"])]
    body = problems_of(client_for(TPD).post(new_url(), builder_data(rows)))
    assert "Months 7–12: GP practice at" in body
    assert "overlap. Posts held at the same time" in body
    assert 'href="#id_slot-0-post"' in body  # the summary links to the first post it is about
    assert not Rotation.objects.filter(intake="2027-08").exists()
    assert not AuditEvent.objects.exists()


def test_a_slot_past_month_36_is_refused_with_the_reason(world, client_for, posts):
    rows = [*three_years(posts)[:4], ("ST3", 31, 12, posts["gp"])]
    body = problems_of(client_for(TPD).post(new_url(), builder_data(rows)))
    assert (
        f"GP practice at {world.practice.name} runs to month 42, past the 36 months of GP training." in body
    )
    assert not Rotation.objects.filter(intake="2027-08").exists()


def test_a_rotation_with_warnings_is_saved_and_says_so(world, client_for, posts):
    rows = [("ST2", 1, 4, posts["prison"])]  # the wrong year, a short innovative post, months with no post
    client = client_for(TPD)
    response = client.post(new_url(), builder_data(rows), follow=True)
    body = squeezed(response.content.decode())
    assert Rotation.objects.filter(code="SCHEME-A-2027-08-01").exists()
    assert "Rotation SCHEME-A-2027-08-01 saved, with 3 warnings to look at below." in body
    assert (
        "Prisons at HMP Example starts in month 1, which is in ST1, not ST2." in body
    )  # on the rotation page


def test_a_post_of_another_scheme_is_refused(world, client_for, posts):
    theirs = world.rotation_b.slots.get().post
    rows = [*three_years(posts)[:4], ("ST3", 25, 12, theirs)]
    body = problems_of(client_for(NATIONAL).post(new_url(), builder_data(rows)))
    assert "Choose one of the scheme&#39;s posts" in body
    assert theirs.post_number not in body.split("<main", 1)[1].split("Posts", 1)[0]
    assert not Rotation.objects.filter(intake="2027-08").exists()


def test_an_incomplete_post_and_missing_details_are_all_said_at_once(world, client_for, posts):
    rows = [("ST1", "", 6, posts["gp"]), ("ST1", "", "", "")]  # the second row blank: left out
    body = problems_of(client_for(TPD).post(new_url(), builder_data(rows, name="", capacity="")))
    for message in [
        "Enter the rotation&#39;s name",
        "Enter how many places the rotation has",
        "Enter the month post 1 starts, from 1 to 36",
    ]:
        assert message in body
    assert "Enter the month post 2 starts" not in body


def test_an_empty_rotation_is_refused(world, client_for, posts):
    body = problems_of(client_for(TPD).post(new_url(), builder_data([("ST1", "", "", "")])))
    assert "Add at least one post: a rotation with no posts cannot be offered." in body


# --- checking, adding and removing posts ---------------------------------------------------------------


def test_check_shows_the_timeline_and_checks_and_saves_nothing(world, client_for, posts):
    rows = [("ST1", 1, 6, posts["prison"]), ("ST1", 7, 6, posts["gp"])]
    response = client_for(TPD).post(new_url(), builder_data(rows, action="check", name=""))
    assert response.status_code == 200
    body = squeezed(response.content.decode())
    assert "No problems to fix: it can be saved. 1 warning. It counts as HEFT." in body
    assert "Months 13–36 have no post." in body
    assert "ST1: Prisons at HMP Example is an innovative post." in body
    assert f"ST1: {world.practice.name} is a Deep End practice." in body
    assert "<strong>ST1, months 7–12:</strong>" in body  # the timeline's text
    assert 'width="16.6667%"' in body  # six months of 36 drawn
    assert "Enter the rotation&#39;s name" not in body  # the details are for saving
    assert not Rotation.objects.filter(intake="2027-08").exists()


def test_check_names_what_stops_saving(world, client_for, posts):
    rows = [("ST1", 1, 12, posts["gp"]), ("ST1", 7, 6, posts["paeds"])]
    body = problems_of(client_for(TPD).post(new_url(), builder_data(rows, action="check")), status=200)
    assert "This rotation cannot be saved yet" in body
    assert "1 problem to fix." in body
    assert '<strong class="nhsuk-tag nhsuk-tag--red">Problem</strong>' in body


def test_htmx_checks_answer_with_the_checks_panel_alone(world, client_for, posts):
    rows = [("ST1", 1, 6, posts["prison"])]
    response = client_for(TPD).post(
        new_url(), builder_data(rows, action="check"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = squeezed(response.content.decode())
    assert "<html" not in body
    assert body.count('id="rotation-checks"') == 1
    assert 'hx-swap-oob="innerHTML:#rotation-checks-status">Checked. No problems to fix' in body


def test_add_another_post_adds_a_row_starting_where_the_last_ends(world, client_for, posts):
    rows = [("ST1", 1, 6, posts["prison"]), ("ST1", 7, 6, posts["gp"])]
    response = client_for(TPD).post(new_url(), builder_data(rows, action="add"))
    body = squeezed(response.content.decode())
    assert response.status_code == 200
    assert 'name="rows" value="3"' in body
    assert 'name="slot-2-start_month" type="text" value="13"' in body
    assert '<option value="ST2" selected>ST2</option>' in body.split('id="id_slot-2-training_year"')[1]
    assert 'id="id_slot-2-training_year" name="slot-2-training_year" autofocus' in body
    assert not Rotation.objects.filter(intake="2027-08").exists()


def test_remove_takes_the_row_out(world, client_for, posts):
    rows = [("ST1", 1, 6, posts["prison"]), ("ST1", 7, 6, posts["gp"]), ("ST2", 13, 6, posts["paeds"])]
    body = squeezed(client_for(TPD).post(new_url(), builder_data(rows, action="remove:1")).content.decode())
    assert 'name="rows" value="2"' in body
    assert 'name="slot-1-post"' in body
    assert f'<option value="{posts["paeds"].pk}" selected>' in body
    assert f'<option value="{posts["gp"].pk}" selected>' not in body


def test_the_first_button_checks_so_enter_saves_nothing(world, client_for, posts):
    body = squeezed(client_for(TPD).get(new_url()).content.decode())
    form = body.split('id="rotation-form"', 1)[1]
    first = form.split("<button", 1)[1].split(">", 1)[0]
    assert 'value="check"' in first


# --- changing a rotation ------------------------------------------------------------------------------------


def test_a_change_is_saved_and_audited(world, client_for, posts):
    client = client_for(REGIONAL)
    form = squeezed(client.get(reverse("setup:rotation_edit", args=["ROT-A"])).content.decode())
    assert 'value="ROT-A"' in form
    assert "change its availability" in form
    data = builder_data(three_years(posts), code="ROT-A", capacity="4")
    response = client.post(reverse("setup:rotation_edit", args=["ROT-A"]), data)
    assert response.status_code == 302
    world.rotation_a.refresh_from_db()
    assert (world.rotation_a.capacity, world.rotation_a.slots.count()) == (4, 5)
    event = AuditEvent.objects.get(verb="rotation.changed", target_id=str(world.rotation_a.pk))
    assert (event.before["capacity"], event.after["capacity"]) == (2, 4)


def test_saving_an_unchanged_rotation_writes_nothing(world, client_for):
    slot = world.rotation_a.slots.get()
    rotation = world.rotation_a
    data = builder_data(
        [(slot.training_year, 1, slot.months, slot.post)],
        code=rotation.code,
        name=rotation.name,
        capacity=str(rotation.capacity),
    )
    assert client_for(TPD).post(reverse("setup:rotation_edit", args=["ROT-A"]), data).status_code == 302
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("role", [REGIONAL, TPD])
def test_another_regions_rotation_is_404(world, client_for, role):
    url = reverse("setup:rotation_edit", args=["ROT-B"])
    assert client_for(role).get(url).status_code == 404
    assert client_for(role).post(url, builder_data([], name="Taken")).status_code == 404
    world.rotation_b.refresh_from_db()
    assert world.rotation_b.name != "Taken"


def test_an_absent_rotation_is_404(world, client_for):
    assert client_for(NATIONAL).get(reverse("setup:rotation_edit", args=["NO-SUCH"])).status_code == 404


def test_the_rotation_page_shows_managers_the_checks_and_the_way_to_change_it(world, client_for):
    url = reverse("programmes:rotation_detail", args=["ROT-A"])
    managed = squeezed(client_for(TPD).get(url).content.decode())
    assert reverse("setup:rotation_edit", args=["ROT-A"]) in managed
    assert "It counts as a HEFT rotation because:" in managed
    assert "Months 7–36 have no post." in managed
    seen = squeezed(client_for("trainee").get(url).content.decode())
    assert reverse("setup:rotation_edit", args=["ROT-A"]) not in seen
    assert "Months 7–36" not in seen


# --- the yearly copy ----------------------------------------------------------------------------------------


@pytest.fixture
def intake_2026(world, posts):
    """Scheme A's 2026-08 intake: ROT-A and two rotations more, one of them withdrawn."""
    for n, availability in ((1, "available"), (2, "withdrawn")):
        rotation = f.RotationFactory(
            scheme=world.scheme_a, code=f"SCHEME-A-2026-08-0{n}", intake="2026-08", availability=availability
        )
        f.SlotFactory(rotation=rotation, order=1, post=posts["gp"], months=12)


COPY = reverse("setup:rotation_copy")
CHOICE = {"scheme": "scheme-a", "from_intake": "2026-08", "to_intake": "2027-08"}


def test_the_copy_page_previews_each_rotation_and_its_new_code(world, client_for, intake_2026):
    client = client_for(TPD)
    first = squeezed(client.get(COPY).content.decode())
    assert '<option value="2026-08" selected>2026-08</option>' in first
    assert 'value="2027-08"' in first
    body = squeezed(client.get(COPY, CHOICE).content.decode())
    for code in ["ROT-A-2027-08", "SCHEME-A-2027-08-01", "SCHEME-A-2027-08-02"]:
        assert code in body
    assert "Copy 2 rotations to 2027-08" in body
    assert "Left behind</strong> withdrawn" in body
    assert not Rotation.objects.filter(intake="2027-08").exists()


def test_copying_makes_the_rotations_links_to_each_and_is_audited(world, client_for, intake_2026):
    response = client_for(REGIONAL).post(COPY, CHOICE)
    assert response.status_code == 200
    body = squeezed(response.content.decode())
    assert "2 rotations were copied to the 2027-08 intake." in body
    for code in ["ROT-A-2027-08", "SCHEME-A-2027-08-01"]:
        rotation = Rotation.objects.get(code=code)
        assert (rotation.intake, rotation.scheme) == ("2027-08", world.scheme_a)
        assert reverse("setup:rotation_edit", args=[code]) in body
        assert AuditEvent.objects.filter(verb="rotation.created", target_id=str(rotation.pk)).exists()
    assert set(Rotation.objects.filter(intake="2027-08").values_list("code", flat=True)) == {
        "ROT-A-2027-08",
        "SCHEME-A-2027-08-01",
    }


def test_copying_again_adds_only_what_is_missing(world, client_for, intake_2026):
    client = client_for(TPD)
    client.post(COPY, CHOICE)
    Rotation.objects.get(code="ROT-A-2027-08").delete()
    again = squeezed(client.post(COPY, CHOICE).content.decode())
    assert "1 rotation was copied to the 2027-08 intake." in again
    assert Rotation.objects.filter(intake="2027-08").count() == 2
    nothing = squeezed(client.post(COPY, CHOICE).content.decode())
    assert "Nothing was copied" in nothing
    assert AuditEvent.objects.filter(verb="rotation.created").count() == 3


def test_copying_to_the_same_intake_is_refused(world, client_for, intake_2026):
    response = client_for(TPD).post(COPY, CHOICE | {"to_intake": "2026-08"})
    assert response.status_code == 400
    assert "Choose an intake other than the one copied from" in squeezed(response.content.decode())
    assert not AuditEvent.objects.exists()


def test_copying_another_schemes_rotations_is_404(world, client_for, intake_2026):
    response = client_for(TPD).post(COPY, CHOICE | {"scheme": "scheme-b"})
    assert response.status_code == 404
    assert not Rotation.objects.filter(intake="2027-08").exists()


# --- in a browser, with the keyboard ------------------------------------------------------------------------
