"""Access matrix entries for the content app's routes (see access_matrix.py).

The public site answers everyone. Its content is edited by national admins (all of it) and regional leads
(their region's): the records named here belong to region A, the regional lead's region. Another region's
lead gets 404 for them: tests/content/test_editing.py checks that.
"""

from tests.content.factories import NewsFactory, PageFactory, TestimonialFactory
from tests.security.matrix_rules import ANON, NATIONAL, REGIONAL, Route, action, page, route, statuses

EDITORS = [NATIONAL, REGIONAL]
PUBLIC = (statuses(200), statuses(405))


def public(**kwargs: str) -> Route:
    return route(PUBLIC, **kwargs)


def api_read() -> tuple[dict, dict]:
    """A public read whose path also takes an editor's POST: 401 without credentials; once signed in, a
    POST with no JSON body is refused as a bad request (400) before any check."""
    return statuses(200), statuses(400, **{ANON: 401})


ROUTES: dict[str, Route] = {
    # The public site.
    "content:what_is_heft": public(),
    "content:region_list": public(),
    "content:region_detail": public(region_code="content_region_code"),
    "content:scheme_detail": public(region_code="content_region_code", scheme_code="scheme_a_code"),
    "content:testimonial_list": public(),
    "content:news_list": public(),
    "content:news_feed": public(),
    "content:news_feed_atom": public(),
    "content:news_detail": public(slug="content_news_slug"),
    "content:page_detail": public(slug="content_page_slug"),
    "content:contact": public(),
    "content:sitemap": public(),
    # Editing the public site's content.
    "content:manage": route(page(EDITORS)),
    **{
        name: entry
        for kind in ("page", "news", "testimonial")
        for name, entry in {
            f"content:{kind}_create": route(page(EDITORS, post_ok=400)),
            f"content:{kind}_manage": route(page(EDITORS), pk=f"content_{kind}_pk"),
            f"content:{kind}_edit": route(page(EDITORS, post_ok=400), pk=f"content_{kind}_pk"),
            f"content:{kind}_publish": route(action(EDITORS, post_ok=400), pk=f"content_{kind}_pk"),
        }.items()
    },
    # The API: reading is public, writing is for editors (tests/content/test_api.py checks who may write).
    # Django names one route per operation; operations on the same path share it.
    **{name: route(api_read()) for name in ("api:list_pages", "api:create_page")},
    **{name: route(PUBLIC, slug="content_page_slug") for name in ("api:get_page", "api:update_page")},
    **{name: route(api_read()) for name in ("api:list_news", "api:create_news")},
    **{name: route(PUBLIC, slug="content_news_slug") for name in ("api:get_news", "api:update_news")},
    **{name: route(api_read()) for name in ("api:list_testimonials", "api:create_testimonial")},
    **{
        name: route(PUBLIC, testimonial_id="content_testimonial_pk")
        for name in ("api:get_testimonial", "api:update_testimonial")
    },
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
