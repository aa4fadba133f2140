"""Login is required by default: a route open to anonymous users must be on the public list.

The access matrix in docs/security.md says what anonymous users get from every route (and
test_access_matrix.py checks that against real responses); here the table is held to the list below.
"""

from tests.security.access_matrix import MATRIX
from tests.security.matrix_rules import ANON
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
    "people:invitation_accept",  # the link in an invitation email, behind the signed token in its address
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
}
# What an anonymous user may get from a route that is not public: sent to sign in, 401 from the API,
# or nothing there (404, or 405 for a method the route does not take).
CLOSED = {302, 401, 404, 405}


def anonymous_statuses(name: str) -> set[int]:
    entry = MATRIX[name]
    return {entry.statuses[ANON]} if entry.method else {entry.get[ANON], entry.post[ANON]}


def test_only_public_routes_answer_anonymous_users():
    answering = sorted(name for name in MATRIX if anonymous_statuses(name) - CLOSED)
    not_public = [name for name in answering if name not in PUBLIC_ROUTES]
    assert not_public == [], (
        "The access matrix has these routes answer anonymous users, but they are not on PUBLIC_ROUTES:"
        f" {not_public}"
    )


def test_every_public_route_answers_anonymous_users():
    silent = sorted(name for name in PUBLIC_ROUTES if not anonymous_statuses(name) - CLOSED)
    assert silent == [], f"On PUBLIC_ROUTES, but closed to anonymous users in the access matrix: {silent}"


def test_every_project_view_declares_who_may_use_it():
    undeclared = [
        name
        for name, _, view in all_routes()
        if view.__module__.startswith("heft.") and not hasattr(view, "heft_access")
    ]
    assert undeclared == []
