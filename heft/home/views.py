"""The home page ("/"): the public front page for visitors, each person's tasks once signed in; and the
chase list of a preference window, for its programme team to download from there."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from heft.accounts.access import public, requires
from heft.accounts.permissions import Perm
from heft.content.selectors import news_visible
from heft.core.ratelimit import rate_limited
from heft.home import selectors
from heft.home.signals import previous_sign_in
from heft.preferencing import selectors as preferencing
from heft.preferencing.exports import as_csv

HOME_NEWS_ITEMS = 3
# How the parts of the page say dates, intakes and content, one way everywhere.
FORMATS = {
    "day": selectors.day,
    "moment": selectors.moment,
    "days_left": selectors.days_left,
    "intake_label": selectors.intake_label,
    "draft_link": selectors.draft_link,
    "add_rotations_href": selectors.add_rotations_href,
    "listed": selectors.LISTED,
}
CHASE_HEADER = ["Surname", "Forenames", "Email", "GMC number", "Their list"]


@public
@require_http_methods(["GET", "HEAD"])
def home(request):
    news = news_visible()[:HOME_NEWS_ITEMS]
    if not request.user.is_authenticated:
        return render(request, "core/home.jinja", {"news": news})
    now = timezone.now()
    context = {
        "sections": selectors.home_for(request.user, since=previous_sign_in(request.session), now=now),
        "roles": selectors.role_labels(request.user),
        "news": news,
        "now": now,
        **FORMATS,
    }
    return render(request, "home/home.jinja", context)


@requires(Perm.MANAGE_ALLOCATIONS)
@require_http_methods(["GET", "HEAD"])
@rate_limited("exports")
def window_chase_csv(request, pk: int):
    """Who has not submitted a list for the window, with their email addresses, as a spreadsheet."""
    window = preferencing.window_managed_by(request.user, pk)
    rows = [
        [t.surname, t.forenames, t.email, t.gmc_number, "Draft saved" if t.has_draft else "Nothing saved"]
        for t in preferencing.chase_list(window)
    ]
    response = HttpResponse(as_csv(CHASE_HEADER, rows), content_type="text/csv; charset=utf-8")
    name = f"{window.scheme.code}-{window.intake}-not-submitted.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
