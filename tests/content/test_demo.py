"""The public site's demo content: every kind of content, plainly fictional, and safe to load twice."""

from heft.content import models
from heft.content.models import NewsItem, Page
from heft.content.selectors import news_visible
from heft.demo import content as demo
from heft.demo.world import DemoWorld, demo_faker
from tests import factories as f


def load_twice(db) -> None:
    world = DemoWorld(
        regions={code: f.RegionFactory(code=code) for code in ("south-west", "east-of-england")}
    )
    for _ in range(2):
        for _label, build in demo.STEPS:
            build(demo_faker(build.__name__), world)


def test_demo_content_is_complete_fictional_and_idempotent(db):
    load_twice(db)
    assert Page.objects.count() == len(demo.PAGES)
    assert NewsItem.objects.count() == len(demo.NEWS)
    assert models.Testimonial.objects.count() == len(demo.TESTIMONIALS)
    assert Page.objects.filter(slug="contact", region=None).exists()
    assert all("(fictional)" in t.attribution for t in models.Testimonial.objects.all())
    assert {t.region.code for t in models.Testimonial.objects.all()} == {"south-west", "east-of-england"}
    assert {p.region.code for p in Page.objects.exclude(region=None)} == {"south-west", "east-of-england"}


def test_demo_news_shows_some_and_hides_the_ended_and_the_scheduled(db):
    load_twice(db)
    shown = set(news_visible().values_list("slug", flat=True))
    assert "last-years-preference-window-closed" not in shown
    assert "rotations-for-next-year-published" not in shown
    assert len(shown) == len(demo.NEWS) - 2


def test_demo_markdown_renders_without_losing_anything(db):
    load_twice(db)
    for page in Page.objects.all():
        html = str(page.body_html)
        assert "<h2>" in html or "<p>" in html
        assert "&lt;" not in html  # no raw HTML was typed in the demo
    assert 'href="mailto:heft-team@heft.invalid"' in str(Page.objects.get(slug="contact").body_html)
