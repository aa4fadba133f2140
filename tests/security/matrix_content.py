"""The records named in the content routes' addresses in the access matrix (see access_matrix.py):
published content in region A, the regional lead's region. The statuses are in docs/security.md.
"""

from tests.content.factories import NewsFactory, PageFactory, TestimonialFactory

URL_KWARGS: dict[str, dict[str, str]] = {
    "content:region_detail": {"region_code": "content_region_code"},
    "content:scheme_detail": {"region_code": "content_region_code", "scheme_code": "scheme_a_code"},
    "content:news_detail": {"slug": "content_news_slug"},
    "content:page_detail": {"slug": "content_page_slug"},
    "content:page_manage": {"pk": "content_page_pk"},
    "content:page_edit": {"pk": "content_page_pk"},
    "content:page_publish": {"pk": "content_page_pk"},
    "content:news_manage": {"pk": "content_news_pk"},
    "content:news_edit": {"pk": "content_news_pk"},
    "content:news_publish": {"pk": "content_news_pk"},
    "content:testimonial_manage": {"pk": "content_testimonial_pk"},
    "content:testimonial_edit": {"pk": "content_testimonial_pk"},
    "content:testimonial_publish": {"pk": "content_testimonial_pk"},
    "api:get_page": {"slug": "content_page_slug"},
    "api:update_page": {"slug": "content_page_slug"},
    "api:get_news": {"slug": "content_news_slug"},
    "api:update_news": {"slug": "content_news_slug"},
    "api:get_testimonial": {"testimonial_id": "content_testimonial_pk"},
    "api:update_testimonial": {"testimonial_id": "content_testimonial_pk"},
}

# The API's writes, with bodies each role could send.
TEXT = {"summary": "A summary.", "body": "Text.", "region": "region-a"}
BODIES = {
    "api:create_page": lambda v: {"title": "New page", **TEXT},
    "api:update_page": lambda v: {"title": "A new title"},
    "api:create_news": lambda v: {
        "title": "News",
        **TEXT,
        "publish_date": "2026-11-01",
        "show_from": "2026-11-01",
        "show_until": "2099-01-01",
    },
    "api:update_news": lambda v: {"title": "A new title"},
    "api:create_testimonial": lambda v: {
        "quote": "Words.",
        "attribution": "Dr A. Example",
        "region": "region-a",
    },
    "api:update_testimonial": lambda v: {"quote": "Other words."},
}


def kwargs(world) -> dict[str, str]:
    """Published content in region A, and the codes its public pages need."""
    page_ = PageFactory(region=world.region_a)
    news = NewsFactory(region=world.region_a)
    testimonial = TestimonialFactory(region=world.region_a)
    return {
        "content_region_code": world.region_a.code,
        "content_page_slug": page_.slug,
        "content_page_pk": page_.pk,
        "content_news_slug": news.slug,
        "content_news_pk": news.pk,
        "content_testimonial_pk": testimonial.pk,
    }
