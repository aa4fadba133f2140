"""The structure pages of set-up: the hub, regions and schools, schemes and each intake's HEFT offer, the
post catalogue; and the public pages that show what they set (a region's contacts, a scheme's HEFT offer).

Each page for the roles allowed and refused, an audit event for every write, and the errors bad input gets.
"""

import pytest
from django.template import engines
from django.urls import reverse
from jinja2 import meta

from heft.accounts.models import Role
from heft.audit.models import AuditEvent
from heft.programmes.models import PostCategory, PostSubtype, Region, SchemeIntake, School, TrainingScheme
from heft.programmes.selectors import scheme_intakes
from heft.setup.selectors import intakes_by_scheme
from tests import factories as f
from tests.conftest import give_totp

NATIONAL, REGIONAL, TPD, EDUCATOR, MENTOR, TRAINEE = (
    "national_admin",
    "regional_lead",
    "scheme_admin",
    "educator",
    "mentor",
    "trainee",
)
NOT_PROGRAMME_TEAMS = (EDUCATOR, MENTOR, TRAINEE)


def page(client, name, *args, status=200, **query) -> str:
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == status, (name, response.status_code)
    return response.content.decode()


def post(client, name, *args, data=None):
    return client.post(reverse(name, args=args), data or {})


def audited(verb: str, target) -> AuditEvent:
    return AuditEvent.objects.get(verb=verb, target_type=target._meta.label_lower, target_id=str(target.pk))


def errors_of(response) -> str:
    assert response.status_code == 400, response.status_code
    body = response.content.decode()
    assert "There is a problem" in body
    return body


# --- the hub ----------------------------------------------------------------------------------------------


def test_national_admins_see_every_part_in_the_order_it_is_set_up(world, client_for):
    body = page(client_for(NATIONAL), "setup:home")
    order = ["Regions and schools", "Post catalogue", "Schemes"]
    assert [body.index(f">{heading}</h2>") for heading in order] == sorted(
        body.index(f">{heading}</h2>") for heading in order
    )
    assert world.region_a.name in body
    assert world.region_b.name in body
    assert world.scheme_a.name in body
    assert world.scheme_b.name in body
    assert reverse("setup:region_new") in body
    assert reverse("setup:scheme_new") in body
    assert "Manage the post catalogue" in body


def test_the_hub_shows_schemes_a_page_at_a_time(world, client_for):
    """A national admin manages every scheme in England (over a hundred): the hub shows 20 cards a page."""
    from heft.setup.views_structure import SCHEMES_PER_PAGE

    for n in range(SCHEMES_PER_PAGE):
        f.SchemeFactory(region=world.region_a, code=f"zz-paged-{n:02d}", name=f"Zz Paged Scheme {n:02d}")
    total = TrainingScheme.objects.count()
    client = client_for(NATIONAL)
    first = page(client, "setup:home")
    assert f"Schemes 1 to {SCHEMES_PER_PAGE} of {total}" in first
    assert first.count('class="nhsuk-card__heading" id="scheme-') == SCHEMES_PER_PAGE
    assert "?page=2" in first
    assert "Zz Paged Scheme 19" not in first
    second = page(client, "setup:home", page=2)
    assert "Zz Paged Scheme 19" in second
    assert reverse("setup:scheme_intakes", args=["zz-paged-19"]) in second
    assert second.count('class="nhsuk-card__heading" id="scheme-') == total - SCHEMES_PER_PAGE
    assert "?page=1" in second


def test_a_regional_lead_sees_their_region_and_its_schemes_only(world, client_for):
    world.region_a.contact_email = "heft.region-a@example.org"
    world.region_a.save()
    body = page(client_for(REGIONAL), "setup:home")
    assert "Region A: public details" in body
    assert "heft.region-a@example.org" in body
    assert reverse("setup:region_edit", args=["region-a"]) in body
    assert world.scheme_a.name in body
    assert world.scheme_b.name not in body
    assert reverse("setup:scheme_edit", args=["scheme-a"]) in body
    assert reverse("setup:scheme_new") in body
    assert reverse("setup:region_new") not in body
    assert "See the post catalogue" in body


def test_a_scheme_administrator_sees_their_schemes_set_up_without_changing_it(world, client_for):
    f.SchemeFactory(region=world.region_a, name="Neighbouring Scheme")
    body = page(client_for(TPD), "setup:home")
    assert world.scheme_a.name in body
    assert "Neighbouring Scheme" not in body
    assert "August 2026" in body
    assert "Not decided" in body
    assert "1 of 1 rotation holds an innovative post; 0 a Deep End practice." in body
    assert reverse("setup:scheme_intakes", args=["scheme-a"]) in body
    assert reverse("setup:scheme_edit", args=["scheme-a"]) not in body
    assert reverse("setup:scheme_new") not in body


@pytest.mark.parametrize("role", NOT_PROGRAMME_TEAMS)
def test_the_hub_is_for_programme_teams(world, client_for, role):
    page(client_for(role), "setup:home", status=403)


def test_the_hub_leaves_a_place_for_the_rest_of_set_up():
    """Posts, rotations, uploads and people are linked from a file of their own that the hub includes."""
    environment = engines["jinja2"].env
    source, _, _ = environment.loader.get_source(environment, "setup/home.jinja")
    assert "setup/_more_setup.jinja" in meta.find_referenced_templates(environment.parse(source))


def test_an_empty_installation_says_where_to_start(db, client):
    admin = f.UserFactory(email="first.admin@example.org")
    f.RoleFactory(user=admin, role=Role.NATIONAL_ADMIN)
    give_totp(admin)
    client.force_login(admin)
    body = page(client, "setup:home")
    assert "No regions yet." in body
    assert "Create the first region" in body
    assert "No schemes yet. Create a region first" in body
    assert "No regions yet." in page(client, "setup:region_list")


# --- regions and schools ----------------------------------------------------------------------------------

REGION = {"code": "north-east", "name": "North East", "summary": "HEFT in the North East."}


def test_a_national_admin_creates_a_region_audited(world, client_for):
    response = post(client_for(NATIONAL), "setup:region_new", data=REGION)
    region = Region.objects.get(code="north-east")
    assert response.status_code == 302
    assert region.name == "North East"
    assert audited("region.created", region).after["summary"] == "HEFT in the North East."


def test_a_region_code_or_name_already_used_is_refused(world, client_for):
    response = post(client_for(NATIONAL), "setup:region_new", data={**REGION, "code": "region-a"})
    assert "Another region already has the code region-a." in errors_of(response)
    response = post(client_for(NATIONAL), "setup:region_new", data={**REGION, "name": "Region B"})
    assert "Another region is already called Region B." in errors_of(response)
    response = post(client_for(NATIONAL), "setup:region_new", data={**REGION, "code": "north east"})
    assert "Use only lower-case letters, numbers and hyphens" in errors_of(response)
    assert not Region.objects.filter(name="North East").exists()


@pytest.mark.parametrize("role", [REGIONAL, TPD, EDUCATOR])
def test_only_national_admins_create_regions(world, client_for, role):
    assert post(client_for(role), "setup:region_new", data=REGION).status_code == 403
    assert not Region.objects.filter(code="north-east").exists()


def test_a_national_admin_changes_every_field_of_a_region(world, client_for):
    data = {**REGION, "code": "region-a-renamed", "name": "Region A renamed"}
    response = post(client_for(NATIONAL), "setup:region_edit", "region-a", data=data)
    assert response.status_code == 302
    world.region_a.refresh_from_db()
    assert (world.region_a.code, world.region_a.name) == ("region-a-renamed", "Region A renamed")
    assert audited("region.changed", world.region_a).before["code"] == "region-a"


CONTACTS = {
    "summary": "Ten schemes across the region.",
    "contact_email": "heft.region-a@example.org",
    "contact_phone": "0117 496 0000",
    "contact_url": "https://example.org/heft",
}


def test_a_regional_lead_changes_only_their_regions_public_details(world, client_for):
    client = client_for(REGIONAL)
    form = page(client, "setup:region_edit", "region-a")
    assert 'name="contact_email"' in form
    assert 'name="code"' not in form
    assert 'name="name"' not in form
    response = post(
        client, "setup:region_edit", "region-a", data={**CONTACTS, "code": "hijacked", "name": "X"}
    )
    assert response.status_code == 302
    world.region_a.refresh_from_db()
    assert (world.region_a.code, world.region_a.name) == ("region-a", "Region A")
    assert world.region_a.contact_email == "heft.region-a@example.org"
    assert audited("region.changed", world.region_a).after["contact_phone"] == "0117 496 0000"


def test_a_regional_lead_cannot_reach_another_region(world, client_for):
    client = client_for(REGIONAL)
    page(client, "setup:region_edit", "region-b", status=404)
    assert post(client, "setup:region_edit", "region-b", data=CONTACTS).status_code == 404
    world.region_b.refresh_from_db()
    assert world.region_b.contact_email == ""
    assert not AuditEvent.objects.filter(verb="region.changed").exists()


def test_contact_details_in_the_wrong_form_are_refused(world, client_for):
    data = {**CONTACTS, "contact_email": "not an address", "contact_url": "not a web page"}
    body = errors_of(post(client_for(REGIONAL), "setup:region_edit", "region-a", data=data))
    assert "Enter an email address like heft.team@example.org" in body
    assert "Enter a web address like https://example.org/heft" in body


@pytest.mark.parametrize(("role", "status"), [(TPD, 404), (EDUCATOR, 403), (TRAINEE, 403)])
def test_others_cannot_change_a_region(world, client_for, role, status):
    page(client_for(role), "setup:region_edit", "region-a", status=status)
    assert post(client_for(role), "setup:region_edit", "region-a", data=CONTACTS).status_code == status


def test_the_regions_list_shows_who_may_change_what(world, client_for):
    School.objects.create(region=world.region_a, name="Fictional Severn")
    body = page(client_for(NATIONAL), "setup:region_list")
    assert "Fictional Severn" in body
    assert reverse("setup:school_new", args=["region-b"]) in body
    lead = page(client_for(REGIONAL), "setup:region_list")
    assert reverse("setup:region_edit", args=["region-a"]) in lead
    assert reverse("setup:region_edit", args=["region-b"]) not in lead
    assert reverse("setup:school_new", args=["region-a"]) not in lead
    page(client_for(MENTOR), "setup:region_list", status=403)


def test_a_national_admin_adds_and_renames_a_school_audited(world, client_for):
    client = client_for(NATIONAL)
    assert post(client, "setup:school_new", "region-a", data={"name": "Peninsula"}).status_code == 302
    school = School.objects.get(region=world.region_a, name="Peninsula")
    assert audited("school.created", school)
    assert (
        post(client, "setup:school_edit", school.pk, data={"name": "Peninsula and Devon"}).status_code == 302
    )
    school.refresh_from_db()
    assert school.name == "Peninsula and Devon"
    assert audited("school.changed", school).before["name"] == "Peninsula"


def test_a_school_name_is_used_once_in_a_region(world, client_for):
    School.objects.create(region=world.region_a, name="Severn")
    response = post(client_for(NATIONAL), "setup:school_new", "region-a", data={"name": "Severn"})
    assert "Region A already has a school called Severn." in errors_of(response)
    assert (
        post(client_for(NATIONAL), "setup:school_new", "region-b", data={"name": "Severn"}).status_code == 302
    )


@pytest.mark.parametrize("role", [REGIONAL, TPD])
def test_only_national_admins_add_or_change_schools(world, client_for, role):
    school = School.objects.create(region=world.region_a, name="Severn")
    assert post(client_for(role), "setup:school_new", "region-a", data={"name": "New"}).status_code == 403
    assert post(client_for(role), "setup:school_edit", school.pk, data={"name": "New"}).status_code == 403
    assert list(School.objects.values_list("name", flat=True)) == ["Severn"]


# --- schemes ----------------------------------------------------------------------------------------------


@pytest.fixture
def severn(world):
    return School.objects.create(region=world.region_a, name="Severn")


def scheme_data(world, **changes) -> dict:
    return {
        "name": "Fictional Bristol",
        "code": "fictional-bristol",
        "region": world.region_a.pk,
        "school": "",
        "localities": "North Bristol\nSouth Bristol\n\n North Bristol ",
        **changes,
    }


def test_a_regional_lead_sets_up_a_scheme_with_its_school_and_localities(world, client_for, severn):
    client = client_for(REGIONAL)
    form = page(client, "setup:scheme_new")
    assert "Severn" in form
    assert world.region_b.name not in form
    response = post(client, "setup:scheme_new", data=scheme_data(world, school=severn.pk))
    scheme = TrainingScheme.objects.get(code="fictional-bristol")
    assert response.url == reverse("setup:scheme_intakes", args=["fictional-bristol"])
    assert (scheme.region, scheme.school) == (world.region_a, severn)
    assert sorted(scheme.localities.values_list("name", flat=True)) == ["North Bristol", "South Bristol"]
    assert audited("scheme.created", scheme)
    assert audited("scheme.localities_changed", scheme).after == {
        "localities": ["North Bristol", "South Bristol"]
    }


def test_a_regional_lead_cannot_set_up_a_scheme_in_another_region(world, client_for):
    response = post(
        client_for(REGIONAL), "setup:scheme_new", data=scheme_data(world, region=world.region_b.pk)
    )
    assert "Choose a region you lead" in errors_of(response)
    assert not TrainingScheme.objects.filter(code="fictional-bristol").exists()


def test_a_school_of_another_region_is_refused(world, client_for):
    elsewhere = School.objects.create(region=world.region_b, name="Elsewhere School")
    data = scheme_data(world, school=elsewhere.pk)
    # A regional lead is not even offered it; a national admin, offered every region's, is told why not.
    assert "Choose one of the region&#39;s schools, or none" in errors_of(
        post(client_for(REGIONAL), "setup:scheme_new", data=data)
    )
    assert "Elsewhere School is not in Region A." in errors_of(
        post(client_for(NATIONAL), "setup:scheme_new", data=data)
    )
    assert not TrainingScheme.objects.filter(code="fictional-bristol").exists()


def test_a_scheme_code_already_used_is_refused(world, client_for):
    response = post(client_for(REGIONAL), "setup:scheme_new", data=scheme_data(world, code="scheme-b"))
    assert "Another scheme already has the code scheme-b." in errors_of(response)


@pytest.mark.parametrize("role", [TPD, EDUCATOR])
def test_scheme_administrators_and_others_do_not_create_schemes(world, client_for, role):
    page(client_for(role), "setup:scheme_new", status=403)
    assert post(client_for(role), "setup:scheme_new", data=scheme_data(world)).status_code == 403


def test_a_regional_lead_changes_a_scheme_and_its_localities_audited(world, client_for, severn):
    world.scheme_a.localities.create(name="Old Town")
    client = client_for(REGIONAL)
    assert "Old Town</textarea>" in page(client, "setup:scheme_edit", "scheme-a")
    data = {"name": "Scheme A renamed", "code": "scheme-a", "school": severn.pk, "localities": "New Town"}
    assert post(client, "setup:scheme_edit", "scheme-a", data=data).status_code == 302
    world.scheme_a.refresh_from_db()
    assert (world.scheme_a.name, world.scheme_a.school) == ("Scheme A renamed", severn)
    assert list(world.scheme_a.localities.values_list("name", flat=True)) == ["New Town"]
    assert audited("scheme.changed", world.scheme_a).before["name"] == "Scheme A"
    assert audited("scheme.localities_changed", world.scheme_a).before == {"localities": ["Old Town"]}


def test_a_scheme_administrator_cannot_change_their_schemes_details(world, client_for):
    client = client_for(TPD)
    page(client, "setup:scheme_edit", "scheme-a", status=403)
    data = {"name": "Renamed", "code": "scheme-a", "school": "", "localities": ""}
    assert post(client, "setup:scheme_edit", "scheme-a", data=data).status_code == 403
    world.scheme_a.refresh_from_db()
    assert world.scheme_a.name == "Scheme A"


@pytest.mark.parametrize("role", [REGIONAL, TPD])
def test_another_regions_scheme_looks_absent(world, client_for, role):
    page(client_for(role), "setup:scheme_edit", "scheme-b", status=404)
    page(client_for(role), "setup:scheme_intakes", "scheme-b", status=404)
    data = {"intake": "2027-08", "offers_heft": "yes"}
    assert post(client_for(role), "setup:scheme_intakes", "scheme-b", data=data).status_code == 404
    assert not SchemeIntake.objects.exists()


# --- each intake's HEFT offer -----------------------------------------------------------------------------


def test_the_intakes_page_shows_the_decision_with_the_hints_beside_it(world, client_for):
    deep_end_post = f.PostFactory(scheme=world.scheme_a, practice=world.practice, site="")
    f.SlotFactory(rotation=world.rotation_a, order=2, post=deep_end_post)
    hospital = f.CategoryFactory(code="paediatrics", name="Paediatrics", kind=PostCategory.Kind.HOSPITAL)
    f.SlotFactory(rotation__scheme=world.scheme_a, rotation__intake="2026-08", post__category=hospital)
    SchemeIntake.objects.create(scheme=world.scheme_a, intake="2026-08", offers_heft=True)
    body = page(client_for(TPD), "setup:scheme_intakes", "scheme-a")
    assert "August 2026" in body
    assert "Offers HEFT" in body
    assert "1 of 2 rotations holds an innovative post; 1 a Deep End practice." in body


def test_a_scheme_administrator_sets_the_heft_offer_for_a_new_intake_audited(world, client_for):
    client = client_for(TPD)
    data = {"intake": "2027-08", "offers_heft": "yes", "note": "Two rotations in inclusion health."}
    response = post(client, "setup:scheme_intakes", "scheme-a", data=data)
    assert response.status_code == 302
    decision = SchemeIntake.objects.get(scheme=world.scheme_a, intake="2027-08")
    assert decision.offers_heft
    assert decision.note == "Two rotations in inclusion health."
    assert audited("scheme.heft_offer_set", decision).after["offers_heft"] is True
    body = page(client, "setup:scheme_intakes", "scheme-a")
    assert "Saved: Scheme A offers HEFT for the August 2027 intake." in body
    assert "No rotations for this intake yet." in body


def test_changing_an_intakes_decision_starts_from_the_one_made(world, client_for):
    SchemeIntake.objects.create(scheme=world.scheme_a, intake="2026-08", offers_heft=True, note="Old note")
    client = client_for(REGIONAL)
    form = page(client, "setup:scheme_intakes", "scheme-a", intake="2026-08")
    assert 'value="2026-08"' in form
    assert 'value="yes" checked' in form
    assert "Old note</textarea>" in form
    data = {"intake": "2026-08", "offers_heft": "no", "note": ""}
    assert post(client, "setup:scheme_intakes", "scheme-a", data=data).status_code == 302
    assert not SchemeIntake.objects.get(scheme=world.scheme_a, intake="2026-08").offers_heft
    assert AuditEvent.objects.get(verb="scheme.heft_offer_set").before == {
        "offers_heft": True,
        "note": "Old note",
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"intake": "2027-13", "offers_heft": "yes"}, "with a month from 01 to 12, for example 2027-08"),
        ({"intake": "August 2027", "offers_heft": "yes"}, "Enter the intake as year and month"),
        ({"intake": "", "offers_heft": "yes"}, "Enter the intake, for example 2027-08"),
        ({"intake": "2027-08"}, "Say whether the scheme offers HEFT for this intake"),
        ({"intake": "2027-08", "offers_heft": "yes", "note": "x" * 301}, "Keep the note to 300 characters"),
    ],
)
def test_a_bad_intake_offer_is_refused_with_a_clear_message(world, client_for, data, message):
    assert message in errors_of(post(client_for(TPD), "setup:scheme_intakes", "scheme-a", data=data))
    assert not SchemeIntake.objects.exists()


@pytest.mark.parametrize("role", NOT_PROGRAMME_TEAMS)
def test_only_programme_teams_set_heft_offers(world, client_for, role):
    data = {"intake": "2027-08", "offers_heft": "yes"}
    assert post(client_for(role), "setup:scheme_intakes", "scheme-a", data=data).status_code == 403


def test_the_hubs_intakes_are_the_programmes_own_reading(world):
    """The hub reads every scheme's intakes at once: the same decisions and hints as scheme_intakes."""
    f.SlotFactory(rotation__scheme=world.scheme_b, rotation__intake="2027-08", post__practice=world.practice)
    SchemeIntake.objects.create(scheme=world.scheme_a, intake="2028-08", offers_heft=False)
    schemes = [world.scheme_a, world.scheme_b]
    batched = intakes_by_scheme(schemes)
    for scheme in schemes:
        assert [
            {k: v for k, v in row.items() if k != "label"} for row in batched[scheme.pk]
        ] == scheme_intakes(scheme)


# --- the post catalogue -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [NATIONAL, REGIONAL, TPD])
def test_programme_teams_read_the_post_catalogue(world, client_for, role):
    body = page(client_for(role), "setup:category_list")
    # The reference catalogue ships with every installation (programmes' data migration).
    assert "Innovative posts" in body
    assert "Inclusion health" in body
    assert "Migrant health" in body
    assert (reverse("setup:category_new") in body) == (role == NATIONAL)


@pytest.mark.parametrize("role", NOT_PROGRAMME_TEAMS)
def test_others_do_not_see_the_post_catalogue_pages(world, client_for, role):
    page(client_for(role), "setup:category_list", status=403)


CATEGORY = {
    "code": "homeless-health",
    "name": "Homeless health",
    "kind": "innovative",
    "description": "Outreach.",
}


def test_a_national_admin_extends_the_catalogue_audited(world, client_for):
    client = client_for(NATIONAL)
    assert post(client, "setup:category_new", data=CATEGORY).status_code == 302
    category = PostCategory.objects.get(code="homeless-health")
    assert audited("category.created", category).after["kind"] == "innovative"
    data = {**CATEGORY, "description": "Street outreach."}
    assert post(client, "setup:category_edit", category.pk, data=data).status_code == 302
    assert audited("category.changed", category).after["description"] == "Street outreach."

    subtype_data = {"code": "rough-sleeping", "name": "Rough sleeping"}
    assert post(client, "setup:subtype_new", category.pk, data=subtype_data).status_code == 302
    subtype = PostSubtype.objects.get(code="rough-sleeping")
    assert subtype.category == category
    assert audited("subtype.created", subtype)
    data = {"code": "rough-sleeping", "name": "People sleeping rough"}
    assert post(client, "setup:subtype_edit", subtype.pk, data=data).status_code == 302
    assert audited("subtype.changed", subtype).after["name"] == "People sleeping rough"


def test_catalogue_duplicates_are_refused(world, client_for):
    client = client_for(NATIONAL)
    body = errors_of(post(client, "setup:category_new", data={**CATEGORY, "code": "inclusion-health"}))
    assert "Another category already has the code inclusion-health." in body
    body = errors_of(post(client, "setup:category_new", data={**CATEGORY, "name": "Inclusion health"}))
    assert "Another category is already called Inclusion health." in body
    inclusion = PostCategory.objects.get(code="inclusion-health")
    body = errors_of(
        post(client, "setup:subtype_new", inclusion.pk, data={"code": "x", "name": "Migrant health"})
    )
    assert "Inclusion health already has a subtype called Migrant health." in body
    body = errors_of(
        post(client, "setup:subtype_new", inclusion.pk, data={"code": "homelessness", "name": "New"})
    )
    assert "Another subtype already has the code homelessness." in body


def test_a_category_holding_posts_keeps_its_kind(world, client_for):
    inclusion = PostCategory.objects.get(code="inclusion-health")
    data = {"code": inclusion.code, "name": inclusion.name, "kind": "hospital", "description": ""}
    body = errors_of(post(client_for(NATIONAL), "setup:category_edit", inclusion.pk, data=data))
    assert "Posts are filed under this category: its kind cannot change." in body


@pytest.mark.parametrize("role", [REGIONAL, TPD, EDUCATOR])
def test_only_national_admins_change_the_catalogue(world, client_for, role):
    client = client_for(role)
    inclusion = PostCategory.objects.get(code="inclusion-health")
    subtype = inclusion.subtypes.first()
    assert post(client, "setup:category_new", data=CATEGORY).status_code == 403
    assert post(client, "setup:category_edit", inclusion.pk, data=CATEGORY).status_code == 403
    assert post(client, "setup:subtype_new", inclusion.pk, data={"code": "a", "name": "A"}).status_code == 403
    assert post(client, "setup:subtype_edit", subtype.pk, data={"code": "a", "name": "A"}).status_code == 403
    assert not AuditEvent.objects.filter(verb__startswith="category.").exists()
    assert not AuditEvent.objects.filter(verb__startswith="subtype.").exists()


def test_absent_catalogue_records_are_404(world, client_for):
    page(client_for(NATIONAL), "setup:category_edit", 999999, status=404)
    page(client_for(NATIONAL), "setup:subtype_edit", 999999, status=404)
    page(client_for(NATIONAL), "setup:school_edit", 999999, status=404)
    page(client_for(NATIONAL), "setup:region_edit", "no-such-region", status=404)


# --- what the public sees ---------------------------------------------------------------------------------


def test_a_regions_public_page_shows_its_contact_details(world, client):
    url = reverse("content:region_detail", args=["region-a"])
    assert "Contact the Region A HEFT team" not in client.get(url).content.decode()
    Region.objects.filter(pk=world.region_a.pk).update(**CONTACTS)
    body = client.get(url).content.decode()
    assert "Contact the Region A HEFT team" in body
    assert 'href="mailto:heft.region-a@example.org"' in body
    assert 'href="tel:01174960000">0117 496 0000</a>' in body
    assert 'href="https://example.org/heft"' in body


def test_a_schemes_public_page_shows_each_intakes_decision_with_the_hints(world, client):
    url = reverse("content:scheme_detail", args=["region-a", "scheme-a"])
    body = client.get(url).content.decode()
    assert (
        "The programme team has not yet said whether this scheme offers HEFT for the August 2026 intake."
        in body
    )
    assert (
        "Of its 1 rotation, 1 holds an innovative post and 0 a GP placement in a Deep End practice." in body
    )

    SchemeIntake.objects.create(
        scheme=world.scheme_a, intake="2026-08", offers_heft=False, note="Posts changed."
    )
    SchemeIntake.objects.create(scheme=world.scheme_a, intake="2027-08", offers_heft=True)
    body = client.get(url).content.decode()
    # The decision is the team's: the hints sit beside it, even where they point the other way.
    assert "This scheme does not offer HEFT for the August 2026 intake." in body
    assert "Posts changed." in body
    assert "1 holds an innovative post" in body
    assert "This scheme offers HEFT rotations for the August 2027 intake." in body
    assert "No rotations are published for this intake yet." in body
    assert body.index("Starting August 2027") < body.index("Starting August 2026")
