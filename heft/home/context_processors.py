"""The header menu for every page. Core's Jinja2 environment sits below accounts, so the menu, which asks
accounts' permissions, reaches the pages through these context processors (named in settings.TEMPLATES)."""

from heft.home.navigation import navigation_for


def navigation(request):
    """For the Jinja2 pages: `navigation_for(request)`, called only by the pages that draw the header."""
    return {"navigation_for": navigation_for}


def nhs_page(request):
    """What the Django-template pages (sign-in, two-factor) need to draw the same header as the rest."""
    return {"nav_items": navigation_for(request), "service_name": "HEFT Hub"}
