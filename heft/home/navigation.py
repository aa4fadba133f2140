"""The header navigation: each item shows only to users whose role grants its permission.

In home, the site's front: it asks accounts' permissions and names pages of every app. Pages get it from
the context processors in heft/home/context_processors.py."""

from dataclasses import dataclass

from django.urls import reverse

from heft.accounts.permissions import Perm, has_any_perm


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perm: Perm | None  # None: every signed-in user
    also: tuple[Perm, ...] = ()  # further permissions, any of which also shows the item

    def shown_for(self, permissions) -> bool:
        """Whether a holder of `permissions` (a set of Perm) sees the item."""
        return self.perm is None or bool({self.perm, *self.also} & set(permissions))


NAVIGATION = [
    NavItem("My training", "trainees:me", Perm.VIEW_OWN_RECORD),
    NavItem("My rotations", "preferencing:my_rotations", Perm.RANK_ROTATIONS),
    NavItem("Rotations", "programmes:rotation_list", Perm.VIEW_PROGRAMMES),
    NavItem("Schemes", "programmes:region_list", Perm.VIEW_PROGRAMMES),
    NavItem("Practices", "practices:practice_list", Perm.VIEW_PRACTICES),
    NavItem("Trainees", "trainees:trainee_list", Perm.VIEW_TRAINEES),
    NavItem("Community", "community:home", Perm.JOIN_COMMUNITY),
    NavItem("Community", "community:manage", Perm.MANAGE_COMMUNITY),
    NavItem("Set up", "setup:home", Perm.MANAGE_PROGRAMMES),
    NavItem("Allocation", "preferencing:window_list", Perm.MANAGE_ALLOCATIONS),
    NavItem("Equity", "reports:equity", Perm.VIEW_REPORTS),
    NavItem("Imports", "practices:import_list", Perm.IMPORT_DATA),
    NavItem("Site content", "content:manage", Perm.MANAGE_CONTENT),
    # Late in the list: on narrower headers the last items fold under More.
    NavItem("Teaching", "teaching:home", Perm.ATTEND_SESSIONS, also=(Perm.RUN_SESSIONS, Perm.PLAN_TIMETABLE)),
    NavItem("People", "people:person_list", Perm.MANAGE_PEOPLE),
    NavItem("Audit", "audit:event_list", Perm.VIEW_AUDIT),
    NavItem("Data protection", "privacy:home", Perm.EXPORT_PERSONAL_DATA),
    NavItem("My data", "privacy:my_data", Perm.VIEW_OWN_RECORD),
    NavItem("API tokens", "accounts:api_tokens", Perm.USE_API_TOKENS),
    NavItem("Admin", "admin:index", Perm.USE_ADMIN_SITE),
    NavItem("About HEFT", "content:what_is_heft", None),
]

# What visitors who are not signed in see: the public programme site.
PUBLIC_NAVIGATION = [
    NavItem("What is HEFT", "content:what_is_heft", None),
    NavItem("Regions and schemes", "content:region_list", None),
    NavItem("Timetables", "teaching:public_timetable", None),
    NavItem("Testimonials", "content:testimonial_list", None),
    NavItem("News", "content:news_list", None),
    NavItem("Contact", "content:contact", None),
]


def navigation_for(request) -> list[dict]:
    """Header items for the signed-in user (the public site's for anyone else), marked current."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    items = [
        {"text": item.label, "href": reverse(item.url_name)}
        for item in (NAVIGATION if signed_in else PUBLIC_NAVIGATION)
        if item.perm is None or has_any_perm(user, item.perm, *item.also)
    ]
    # The current item is the one whose address is the longest start of this page's.
    matches = [item for item in items if request.path.startswith(item["href"])]
    current = max(matches, key=lambda item: len(item["href"]), default=None)
    for item in items:
        item["current"] = item is current
    return items
