from heft.core.navigation import navigation_for


def nhs_page(request):
    """What the Django-template pages (sign-in, two-factor) need to draw the same header as the rest."""
    return {"nav_items": navigation_for(request), "service_name": "HEFT Hub"}
