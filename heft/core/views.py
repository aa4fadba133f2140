"""The error pages, which Django calls itself (the handlers in heft/urls.py). The home page and the health
check, which declare who may use them through heft.accounts.access, are heft.home's."""

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import render

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
