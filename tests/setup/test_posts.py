"""The post pages of set-up: the list of a person's posts, the form that adds a post and the one that
changes it. Each page for the roles allowed and refused, out-of-scope posts and schemes answering 404, an
audit event for every write, and the errors bad input gets, all at once."""

import pytest
from django.urls import reverse

from heft.audit.models import AuditEvent
from heft.programmes.models import Post, PostCategory, PostSubtype
from tests import factories as f

NATIONAL, REGIONAL, TPD = "national_admin", "regional_lead", "scheme_admin"
NOT_PROGRAMME_TEAMS = ("educator", "mentor", "trainee")


def category(code: str) -> PostCategory:
    return PostCategory.objects.get(code=code)


def form_data(world, **changes) -> dict:
    data = {
        "scheme": world.scheme_a.pk,
        "post_number": "SWE/TEST/0100",
        "category": category("paediatrics").pk,
        "subtype": "",
        "practice": "",
        "site": "Fictional General Hospital",
        "wte": "1",
        "educational_supervisor_name": "Dr A. Example",
        "educational_supervisor_email": "a.example@example.org",
        "clinical_supervisor_name": "",
        "clinical_supervisor_email": "",
        "notes": "",
    }
    return data | changes


def errors_of(response) -> str:
    assert response.status_code == 400, response.status_code
    body = response.content.decode()
    assert "There is a problem" in body
    return body


@pytest.fixture
def post_b(world):
    return f.PostFactory(scheme=world.scheme_b, post_number="B/POST/0001")


# --- the list -----------------------------------------------------------------------------------------------


def test_a_scheme_administrator_lists_only_their_schemes_posts(world, client_for, post_b):
    mine = world.rotation_a.slots.get().post
    body = client_for(TPD).get(reverse("setup:post_list")).content.decode()
    assert mine.post_number in body
    assert post_b.post_number not in body
    assert reverse("setup:post_edit", args=[mine.pk]) in body


def test_a_national_admin_lists_every_post_and_filters_by_scheme(world, client_for, post_b):
    client = client_for(NATIONAL)
    assert post_b.post_number in client.get(reverse("setup:post_list")).content.decode()
    filtered = client.get(reverse("setup:post_list"), {"scheme": "scheme-a"}).content.decode()
    assert post_b.post_number not in filtered
    assert world.rotation_a.slots.get().post.post_number in filtered


@pytest.mark.parametrize("role", NOT_PROGRAMME_TEAMS)
@pytest.mark.parametrize("name", ["setup:post_list", "setup:post_new"])
def test_others_are_refused(world, client_for, role, name):
    assert client_for(role).get(reverse(name)).status_code == 403
    assert client_for(role).post(reverse(name), form_data(world)).status_code == 403
    assert not Post.objects.filter(post_number="SWE/TEST/0100").exists()


# --- adding a post ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [NATIONAL, REGIONAL, TPD])
def test_a_post_is_added_and_audited(world, client_for, role):
    url = reverse("setup:post_new") + "?scheme=scheme-a"
    response = client_for(role).post(url, form_data(world))
    assert response.status_code == 302
    assert response["Location"] == reverse("setup:post_list") + "?scheme=scheme-a"
    post = Post.objects.get(post_number="SWE/TEST/0100")
    assert (post.scheme, post.site, post.practice) == (world.scheme_a, "Fictional General Hospital", None)
    event = AuditEvent.objects.get(verb="post.created", target_id=str(post.pk))
    assert event.actor == world.user(role)


def test_a_gp_placement_is_in_one_of_the_regions_practices(world, client_for):
    data = form_data(world, category=category("gp-practice").pk, practice=world.practice.pk, site="")
    form = client_for(TPD).get(reverse("setup:post_new")).content.decode()
    assert (
        f'<option value="{world.practice.pk}">{world.practice.name} ({world.practice.ods_code})</option>'
        in form
    )
    assert client_for(TPD).post(reverse("setup:post_new"), data).status_code == 302
    assert Post.objects.get(post_number="SWE/TEST/0100").practice == world.practice


def test_a_practice_of_another_region_is_refused(world, client_for):
    elsewhere = f.PracticeFactory(region=world.region_b)
    data = form_data(world, category=category("gp-practice").pk, practice=elsewhere.pk, site="")
    body = errors_of(client_for(TPD).post(reverse("setup:post_new"), data))
    assert "Choose a practice in the scheme&#39;s region" in body
    assert not Post.objects.filter(practice=elsewhere).exists()


def test_every_problem_is_shown_at_once_in_plain_words(world, client_for):
    data = form_data(
        world,
        category=category("gp-practice").pk,
        site="",
        wte="1.5",
        educational_supervisor_name="",
        clinical_supervisor_email="not-an-email",
    )
    body = errors_of(client_for(TPD).post(reverse("setup:post_new"), data))
    for message in [
        "Choose the GP practice: a GP placement is in a practice.",
        "The whole-time equivalent is more than 0 and at most 1, e.g. 1 or 0.5.",
        "Give the educational supervisor&#39;s name with their email.",
        "Enter the clinical supervisor&#39;s email address in the correct format, like name@example.org",
    ]:
        assert message in body
    assert not AuditEvent.objects.exists()


def test_a_post_elsewhere_than_a_practice_says_where(world, client_for):
    body = errors_of(client_for(TPD).post(reverse("setup:post_new"), form_data(world, site=" ")))
    assert "Say where the post is: the hospital, service or organisation." in body


def test_an_empty_form_says_what_is_missing(world, client_for):
    body = errors_of(client_for(TPD).post(reverse("setup:post_new"), {}))
    for message in [
        "Enter the national post number",
        "Choose the kind of post",
        "Enter the whole-time equivalent",
    ]:
        assert message in body


def test_a_subtype_comes_from_its_categorys_list(world, client_for):
    homelessness = PostSubtype.objects.get(code="homelessness")
    wrong = form_data(world, category=category("prisons").pk, subtype=homelessness.pk)
    assert "Homelessness is not a kind of Prisons." in errors_of(
        client_for(TPD).post(reverse("setup:post_new"), wrong)
    )
    right = form_data(world, category=category("inclusion-health").pk, subtype=homelessness.pk)
    assert client_for(TPD).post(reverse("setup:post_new"), right).status_code == 302
    assert Post.objects.get(post_number="SWE/TEST/0100").subtype == homelessness


def test_a_post_number_in_use_is_refused(world, client_for):
    taken = world.rotation_a.slots.get().post.post_number
    body = errors_of(client_for(TPD).post(reverse("setup:post_new"), form_data(world, post_number=taken)))
    assert f"{taken} is the number of another post: each post has its own" in body


def test_a_national_admin_chooses_the_scheme_first(world, client_for):
    client = client_for(NATIONAL)
    body = client.get(reverse("setup:post_new")).content.decode()
    assert "First, the scheme the post is in" in body
    in_b = f.PracticeFactory(region=world.region_b)
    form = client.get(reverse("setup:post_new"), {"scheme": "scheme-b"}).content.decode()
    assert in_b.name in form
    assert world.practice.name not in form
    assert client.post(reverse("setup:post_new"), form_data(world)).status_code == 400  # no scheme chosen yet


@pytest.mark.parametrize("role", [REGIONAL, TPD])
def test_a_scheme_one_does_not_manage_is_404(world, client_for, role):
    client = client_for(role)
    assert client.get(reverse("setup:post_new"), {"scheme": "scheme-b"}).status_code == 404
    data = form_data(world, scheme=world.scheme_b.pk)
    body = errors_of(client.post(reverse("setup:post_new"), data))
    assert "Choose a scheme you manage" in body
    assert not Post.objects.filter(post_number="SWE/TEST/0100").exists()


# --- changing a post ----------------------------------------------------------------------------------------


def test_a_change_is_saved_and_audited_with_before_and_after(world, client_for):
    post = world.rotation_a.slots.get().post
    client = client_for(REGIONAL)
    form = client.get(reverse("setup:post_edit", args=[post.pk])).content.decode()
    assert "1 rotation holds this post (ROT-A)" in form
    data = form_data(world, post_number=post.post_number, category=post.category_id, site="Another Site")
    assert client.post(reverse("setup:post_edit", args=[post.pk]), data).status_code == 302
    event = AuditEvent.objects.get(verb="post.changed", target_id=str(post.pk))
    assert (event.before["site"], event.after["site"]) == ("Fictional Outreach Service", "Another Site")


def test_saving_an_unchanged_post_writes_nothing(world, client_for):
    post = world.rotation_a.slots.get().post
    post.refresh_from_db()
    client = client_for(TPD)
    data = form_data(
        world,
        post_number=post.post_number,
        category=post.category_id,
        site=post.site,
        educational_supervisor_name="",
        educational_supervisor_email="",
    )
    assert client.post(reverse("setup:post_edit", args=[post.pk]), data).status_code == 302
    assert not AuditEvent.objects.filter(verb="post.changed").exists()


def test_a_post_in_rotations_stays_in_its_scheme(world, client_for):
    post = world.rotation_a.slots.get().post
    other = f.SchemeFactory(code="scheme-a2", name="Scheme A2", region=world.region_a)
    data = form_data(world, scheme=other.pk, post_number=post.post_number, category=post.category_id)
    body = errors_of(client_for(REGIONAL).post(reverse("setup:post_edit", args=[post.pk]), data))
    assert "take it out of them before moving it to Scheme A2" in body
    post.refresh_from_db()
    assert post.scheme == world.scheme_a


@pytest.mark.parametrize("role", [REGIONAL, TPD])
def test_another_schemes_post_is_404(world, client_for, role, post_b):
    client = client_for(role)
    url = reverse("setup:post_edit", args=[post_b.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(world, post_number=post_b.post_number)).status_code == 404
    assert not AuditEvent.objects.exists()


def test_an_absent_post_is_404(world, client_for):
    assert client_for(NATIONAL).get(reverse("setup:post_edit", args=[999999])).status_code == 404


@pytest.mark.parametrize("role", NOT_PROGRAMME_TEAMS)
def test_others_cannot_change_a_post(world, client_for, role):
    post = world.rotation_a.slots.get().post
    url = reverse("setup:post_edit", args=[post.pk])
    assert client_for(role).get(url).status_code == 403
    assert client_for(role).post(url, form_data(world)).status_code == 403
