"""The public programme site: what each page says, its title and description, and what it links to."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from heft.home.navigation import PUBLIC_NAVIGATION
from heft.programmes.models import PostCategory, Rotation
from tests import factories as f
from tests.content.factories import NewsFactory, PageFactory, TestimonialFactory
from tests.pages import squeezed

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def site(world):
    """Published content for region A, a draft, and a scheme with HEFT, ordinary and withdrawn rotations."""
    school = world.region_a.schools.create(name="Fictional School")
    world.scheme_a.school = school
    world.scheme_a.save()
    hospital = f.CategoryFactory(code="paediatrics", name="Paediatrics", kind=PostCategory.Kind.HOSPITAL)
    ordinary = f.SlotFactory(
        rotation__scheme=world.scheme_a, rotation__code="ROT-PLAIN", rotation__name="Plain rotation",
        post__category=hospital, post__site="Fictional General Hospital",
    ).rotation  # fmt: skip
    # After the rotation's own slots, whose order comes from a sequence that runs on across tests.
    last = max(world.rotation_a.slots.values_list("order", flat=True), default=0)
    f.SlotFactory(
        rotation=world.rotation_a, order=last + 1, training_year="ST3", start_offset_months=24, months=12,
        post__category=f.CategoryFactory(code="gp-practice", name="GP practice", kind=PostCategory.Kind.GP),
        post__practice=world.practice,
    )  # fmt: skip
    withdrawn = f.SlotFactory(
        rotation__scheme=world.scheme_a, rotation__code="ROT-GONE", rotation__name="Withdrawn rotation",
        rotation__availability=Rotation.Availability.WITHDRAWN,
    ).rotation  # fmt: skip
    return {
        "page": PageFactory(region=world.region_a, title="Region A offer", summary="What region A offers."),
        "national_page": PageFactory(region=None, title="Applying", summary="How to apply."),
        "draft": PageFactory(region=world.region_a, title="Unfinished draft", is_published=False),
        "contact": PageFactory(region=None, slug="contact", title="Contact us", body="Email **us**."),
        "testimonial": TestimonialFactory(
            region=world.region_a, attribution="Dr Z. Example (fictional), ST2"
        ),
        "hidden_testimonial": TestimonialFactory(
            region=world.region_a, is_published=False, attribution="Dr Hidden"
        ),
        "news": NewsFactory(region=world.region_a, title="Region A news"),
        "ordinary": ordinary,
        "withdrawn": withdrawn,
    }


def get(client, name, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, name
    return squeezed(response.content.decode())


def title_and_description(body: str) -> tuple[str, str]:
    title = re.search(r"<title>(.*?)</title>", body, re.S).group(1).strip()
    description = re.search(r'<meta name="description" content="([^"]*)"', body).group(1)
    return title, description


def test_what_is_heft_explains_the_programme_and_its_caveats(site, client):
    # The innovative categories ship with every installation (programmes' data migration).
    body = get(client, "content:what_is_heft")
    for text in (
        "three-year", "ST1, ST2 and ST3", "Innovative posts",
        "mental health, public health, substance misuse, psychiatry, prisons, inclusion health, leadership, "
        "education, academic work and emergency medicine",
        "Healthcare in a prison or an immigration removal centre.", "Deep End",
        "Thursdays from 14:00 to 16:00",
        "about every two months, on Fridays from 14:00 to 16:00", "Annual conference",
        "community of practice", "near-peer support",
        "Nothing is guaranteed", "vary by scheme", "change with availability", "interrupt your training",
        "no HEFT rotation available when you return", "Applying",
    ):  # fmt: skip
        assert text in body, text
    assert reverse("teaching:public_timetable") in body
    assert reverse("teaching:feed_national") in body


def test_the_regions_page_lists_every_region_and_its_schemes(site, client, world):
    body = get(client, "content:region_list")
    assert reverse("content:region_detail", args=[world.region_a.code]) in body
    assert reverse("content:region_detail", args=[world.region_b.code]) in body
    assert world.scheme_a.name in body
    assert world.scheme_b.name in body


def test_a_region_page_shows_its_offer(site, client, world):
    body = get(client, "content:region_detail", world.region_a.code)
    assert "Fictional School" in body
    assert reverse("content:scheme_detail", args=[world.region_a.code, world.scheme_a.code]) in body
    assert reverse("teaching:public_region_timetable", kwargs={"region_code": world.region_a.code}) in body
    assert reverse("teaching:feed_region", kwargs={"region_code": world.region_a.code}) in body
    assert "Region A offer" in body
    assert "Region A news" in body
    assert "Dr Z. Example (fictional)" in body
    assert "Unfinished draft" not in body
    assert "Dr Hidden" not in body
    assert "Applying" not in body  # national content is not this region's


def test_a_scheme_page_highlights_heft_rotations_with_posts_and_deprivation(site, client, world):
    body = get(client, "content:scheme_detail", world.region_a.code, world.scheme_a.code)
    heft, other = body.split("HEFT rotations (1)")[1].split("Other rotations (1)")
    assert world.rotation_a.name in heft
    assert "Inclusion health (innovative post)" in heft
    assert "IMD decile 1 of 10 (most deprived) · Deep End" in heft
    assert world.practice.name in heft
    assert "Plain rotation" in other
    assert "Paediatrics" in other
    assert "Withdrawn rotation" not in body
    assert "nothing is guaranteed" in body


def test_a_scheme_is_found_only_under_its_own_region(site, client, world):
    url = reverse("content:scheme_detail", args=[world.region_b.code, world.scheme_a.code])
    assert client.get(url).status_code == 404
    assert client.get(reverse("content:region_detail", args=["no-such-region"])).status_code == 404


def test_testimonials_are_grouped_by_region_and_only_published(site, client, world):
    body = get(client, "content:testimonial_list")
    assert world.region_a.name in body
    assert "Dr Z. Example (fictional), ST2" in body
    assert "Dr Hidden" not in body


def test_pages_show_only_when_published(site, client):
    body = get(client, "content:page_detail", site["page"].slug)
    assert "Region A offer" in body
    assert "<strong>plain</strong>" in body
    assert client.get(reverse("content:page_detail", args=[site["draft"].slug])).status_code == 404


def test_the_contact_page_shows_the_national_contact_page(site, client, world):
    body = get(client, "content:contact")
    assert "Email <strong>us</strong>." in body
    assert reverse("content:region_detail", args=[world.region_a.code]) in body


def test_every_public_page_has_its_own_title_and_description(site, client, world):
    pages = [
        ("home",), ("content:what_is_heft",), ("content:region_list",),
        ("content:region_detail", world.region_a.code),
        ("content:scheme_detail", world.region_a.code, world.scheme_a.code),
        ("content:testimonial_list",), ("content:news_list",), ("content:news_detail", site["news"].slug),
        ("content:page_detail", site["page"].slug), ("content:contact",),
    ]  # fmt: skip
    seen = {}
    for name, *args in pages:
        title, description = title_and_description(get(client, name, *args))
        assert title.endswith("– HEFT Hub"), title
        assert 50 <= len(description) <= 300 or name.endswith("_detail"), (name, description)
        seen[name] = (title, description)
    assert len({title for title, _ in seen.values()}) == len(pages)
    assert seen["content:page_detail"][1] == "What region A offers."
    assert seen["content:news_detail"][1] == site["news"].summary


def test_the_anonymous_header_links_to_the_public_sections(site, client):
    body = get(client, "home")
    for item in PUBLIC_NAVIGATION:
        assert f'href="{reverse(item.url_name)}"' in body, item.label


def test_the_home_page_shows_the_latest_news_in_date_order(site, client, world):
    from tests.content.factories import days_from_today

    for days in (-9, -2, -5):
        NewsFactory(title=f"Dated {-days} days ago", publish_date=days_from_today(days))
    body = get(client, "home")
    positions = [body.index(f"Dated {n} days ago") for n in (2, 5)]
    assert positions == sorted(positions)
    assert "Dated 9 days ago" not in body  # three items: "Region A news" (yesterday), 2 and 5 days ago
    for name in (
        "content:what_is_heft",
        "content:region_list",
        "teaching:public_timetable",
        "content:testimonial_list",
    ):
        assert f'href="{reverse(name)}"' in body


def test_signed_in_users_see_their_roles_and_the_public_content(site, client_for):
    """Their tasks come first (tests/home); the public site stays a link away, with the latest news."""
    body = get(client_for("regional_lead"), "home")
    assert "You are signed in as: Regional programme lead." in body
    assert reverse("content:manage") in body
    assert "Latest news" in body
    assert site["news"].title in body
    for name in ("content:what_is_heft", "content:region_list", "teaching:public_timetable"):
        assert f'href="{reverse(name)}"' in body


def test_the_sitemap_lists_public_pages_and_no_drafts(site, client, world):
    body = get(client, "content:sitemap")
    locations = [
        el.text
        for el in ET.fromstring(body).iter(f"{SITEMAP_NS}loc")  # noqa: S314 (our own sitemap)
    ]
    paths = {loc.removeprefix("http://testserver") for loc in locations}
    assert {
        reverse("home"), reverse("content:what_is_heft"), reverse("content:news_list"),
        reverse("content:contact"),
        reverse("content:region_detail", args=[world.region_b.code]),
        reverse("content:scheme_detail", args=[world.region_a.code, world.scheme_a.code]),
        reverse("content:page_detail", args=[site["page"].slug]),
        reverse("teaching:public_region_timetable", kwargs={"region_code": world.region_a.code}),
    } <= paths  # fmt: skip
    assert reverse("content:page_detail", args=[site["draft"].slug]) not in paths


@pytest.mark.parametrize(
    "name,args",
    [
        ("home", []),
        ("content:region_list", []),
        ("content:region_detail", ["region-a"]),
        ("content:scheme_detail", ["region-a", "scheme-a"]),
        ("content:testimonial_list", []),
        ("content:news_list", []),
        ("content:news_feed", []),
        ("content:sitemap", []),
    ],
)
def test_public_pages_read_the_database_a_fixed_number_of_times(
    site, client, django_assert_max_num_queries, name, args
):
    """More content must not mean more queries (no query per row): 12 more rotations and news items."""
    from tests import factories as f

    world_scheme = site["ordinary"].scheme
    for n in range(12):
        f.SlotFactory(rotation__scheme=world_scheme, rotation__code=f"ROT-MORE-{n}")
        NewsFactory()
        TestimonialFactory(region=world_scheme.region)
    with django_assert_max_num_queries(12):
        assert client.get(reverse(name, args=args)).status_code == 200
