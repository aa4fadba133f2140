import logging

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from heft.accounts.access import public

logger = logging.getLogger(__name__)
# The home page is heft.home's: it gathers from apps above this one.


@public
@require_http_methods(["GET", "HEAD"])
@never_cache
def healthz(request):
    """For load balancers and monitors: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Health check: the database did not answer")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


ERRORS = {
    400: ("Sorry, there is a problem with the request", "Check the address or the form and try again."),
    403: ("You do not have permission to see this page", "If you think you should, ask your programme team."),
    404: ("Page not found", "If you typed the web address, check it is correct. The page may have moved."),
    500: ("Sorry, there is a problem with the service", "Try again later. Nothing you sent was half-saved."),
}


def _error_page(request, status: int):
    heading, explanation = ERRORS[status]
    context = {"heading": heading, "explanation": explanation}
    return render(request, "core/error.jinja", context, status=status)


def bad_request(request, exception=None):
    return _error_page(request, 400)


def permission_denied(request, exception=None):
    return _error_page(request, 403)


def page_not_found(request, exception=None):
    return _error_page(request, 404)


def server_error(request):
    # The database may be what failed: draw the page without looking anyone up.
    request.user = AnonymousUser()
    return _error_page(request, 500)
