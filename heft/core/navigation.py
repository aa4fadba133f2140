"""The header navigation: each item shows only to users whose role grants its permission."""

from dataclasses import dataclass

from django.urls import reverse

from heft.accounts.permissions import Perm, has_perm


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perm: Perm | None  # None: every signed-in user


NAVIGATION = [
    NavItem("My training", "trainees:me", Perm.VIEW_OWN_RECORD),
    NavItem("My rotations", "preferencing:my_rotations", Perm.RANK_ROTATIONS),
    NavItem("Rotations", "programmes:rotation_list", Perm.VIEW_PROGRAMMES),
    NavItem("Schemes", "programmes:region_list", Perm.VIEW_PROGRAMMES),
    NavItem("Practices", "practices:practice_list", Perm.VIEW_PRACTICES),
    NavItem("Trainees", "trainees:trainee_list", Perm.VIEW_TRAINEES),
    NavItem("Allocation", "preferencing:window_list", Perm.MANAGE_ALLOCATIONS),
    NavItem("Equity", "reports:equity", Perm.VIEW_REPORTS),
    NavItem("Imports", "practices:import_list", Perm.IMPORT_DATA),
    NavItem("Audit", "audit:event_list", Perm.VIEW_AUDIT),
    NavItem("API tokens", "accounts:api_tokens", Perm.USE_API_TOKENS),
    NavItem("Admin", "admin:index", Perm.USE_ADMIN_SITE),
]


def navigation_for(request) -> list[dict]:
    """Header items for the signed-in user, marked current where the path matches."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = [
        {"text": item.label, "href": reverse(item.url_name)}
        for item in NAVIGATION
        if item.perm is None or has_perm(user, item.perm)
    ]
    # The current item is the one whose address is the longest start of this page's.
    matches = [item for item in items if request.path.startswith(item["href"])]
    current = max(matches, key=lambda item: len(item["href"]), default=None)
    for item in items:
        item["current"] = item is current
    return items
