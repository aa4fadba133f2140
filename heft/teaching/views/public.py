"""The public timetable and the calendar feeds (the public site links here)."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods

from heft.accounts.access import public
from heft.core.ratelimit import by_client_address, by_feed_token, rate_limited
from heft.teaching import selectors
from heft.teaching.calendars import CONTENT_TYPE, calendar_for
from heft.teaching.views.common import GET, feed_links


@public
@require_http_methods(GET)
def public_timetable(request):
    year = selectors.current_year()
    context = {
        "year": year,
        "sessions": selectors.public_sessions_in(year),
        "regions": selectors.all_regions(),
        "feed": feed_links(request, "teaching:feed_national"),
    }
    return render(request, "teaching/public_timetable.jinja", context)


@public
@require_http_methods(GET)
def public_region_timetable(request, region_code: str):
    region = selectors.region_or_404(region_code)
    year = selectors.current_year()
    context = {
        "region": region,
        "year": year,
        "sessions": selectors.public_sessions_in(year, region=region),
        "feed": feed_links(request, "teaching:feed_region", region_code=region.code),
        "national_feed": feed_links(request, "teaching:feed_national"),
    }
    return render(request, "teaching/public_region_timetable.jinja", context)


def _calendar_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@public
@require_http_methods(GET)
@rate_limited("public_calendar_feeds", key=by_client_address)
@cache_control(public=True, max_age=900)
def feed_national(request):
    sessions = selectors.feed_sessions()
    return _calendar_response(calendar_for(sessions, name="HEFT national teaching"), "heft-national.ics")


@public
@require_http_methods(GET)
@rate_limited("public_calendar_feeds", key=by_client_address)
@cache_control(public=True, max_age=900)
def feed_region(request, region_code: str):
    region = selectors.region_or_404(region_code)
    sessions = selectors.feed_sessions(region=region)
    data = calendar_for(sessions, name=f"HEFT {region.name} teaching")
    return _calendar_response(data, f"heft-{region.code}.ics")


@public
@require_http_methods(GET)
@rate_limited("calendar_feeds", key=by_feed_token)
@never_cache
def feed_trainee(request, token: str):
    """A trainee's private feed: the secret token in the address is the only key. Revoked or wrong: 404."""
    trainee = selectors.trainee_for_feed_token(token)
    if trainee is None:
        raise Http404
    sessions = selectors.trainee_feed_sessions(trainee)
    return _calendar_response(
        calendar_for(sessions, name="My HEFT teaching", private=True), "my-heft-teaching.ics"
    )
