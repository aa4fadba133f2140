"""Login is required by default: a route open to anonymous users must be on the public list."""

import pytest
from django.urls import reverse

from tests.security.access_matrix import MATRIX
from tests.security.urls import all_routes

# Pages anyone may read. Adding a route here is a decision about personal data: say why in review.
PUBLIC_ROUTES = {
    "home",
    "healthz",
    "api:openapi-json",  # the API's schema: no data
    "api:openapi-view",
    # Sign-in, password reset and the pages around them.
    "account_login",
    "account_signup",  # shows that sign-up is closed
    "account_inactive",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    # The teaching programme's public timetable and calendar feeds: dates and topics, no personal data.
    "teaching:public_timetable",
    "teaching:public_region_timetable",
    "teaching:feed_national",
    "teaching:feed_region",
    "teaching:feed_trainee",  # a trainee's own sessions, behind the secret token in its address
    # The public programme site and its content API: published content only, written for the public.
    "content:what_is_heft",
    "content:region_list",
    "content:region_detail",
    "content:scheme_detail",
    "content:testimonial_list",
    "content:news_list",
    "content:news_feed",
    "content:news_feed_atom",
    "content:news_detail",
    "content:page_detail",
    "content:contact",
    "content:sitemap",
    "api:list_pages",
    "api:get_page",
    "api:list_news",
    "api:get_news",
    "api:list_testimonials",
    "api:get_testimonial",
    # The same addresses as the reads above, named for the editors' writes (POST, PATCH) they also take.
    "api:create_page",
    "api:update_page",
    "api:create_news",
    "api:update_news",
    "api:create_testimonial",
    "api:update_testimonial",
}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_only_public_routes_answer_anonymous_users(name, client, kwarg_values):
    entry = MATRIX[name]
    url = reverse(name, kwargs={k: kwarg_values[v] for k, v in entry.kwargs.items()})
    status = client.get(url).status_code
    if name in PUBLIC_ROUTES:
        assert status == 200, url
    else:
        assert status in {302, 401, 404, 405}, f"{url} answered {status} to an anonymous user"


def test_every_project_view_declares_who_may_use_it():
    undeclared = [
        name
        for name, _, view in all_routes()
        if view.__module__.startswith("heft.") and not hasattr(view, "heft_access")
    ]
    assert undeclared == []
