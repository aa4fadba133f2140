"""Who may do what, and over which records. Every access decision in HEFT Hub is made here.

A user holds roles (RoleAssignment), each within a scope: all England, a region or a scheme. A role grants
permissions; the scope of a permission is the union of the scopes of the roles that grant it.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db import connection

from heft.accounts.models import Role, RoleAssignment


class Perm(StrEnum):
    VIEW_PROGRAMMES = "view_programmes"  # regions, schemes, posts and rotations
    MANAGE_PROGRAMMES = "manage_programmes"
    VIEW_PRACTICES = "view_practices"
    MANAGE_PRACTICES = "manage_practices"
    VIEW_TRAINEES = "view_trainees"  # other people's trainee records, within scope
    MANAGE_TRAINEES = "manage_trainees"
    VIEW_OWN_RECORD = "view_own_record"  # a trainee's own record
    VIEW_AUDIT = "view_audit"
    USE_ADMIN_SITE = "use_admin_site"
    USE_API_TOKENS = "use_api_tokens"
    PLAN_TIMETABLE = "plan_timetable"  # national programme (England scope) or a region's sessions
    RUN_SESSIONS = "run_sessions"  # take registers, see their sessions' feedback
    VIEW_ATTENDANCE = "view_attendance"  # attendance within scope
    ATTEND_SESSIONS = "attend_sessions"  # a trainee's check-in, reflections, feedback and calendar
    MANAGE_CONTENT = "manage_content"  # the public site's pages, news and testimonials, within scope
    IMPORT_DATA = "import_data"  # national public data: practices, deprivation, the Deep End rule
    VIEW_REPORTS = "view_reports"  # dashboards and exports, within scope
    MANAGE_ALLOCATIONS = "manage_allocations"  # trainee imports, preference windows, runs, offers
    RANK_ROTATIONS = "rank_rotations"  # a trainee's own preferences and offers
    MANAGE_COMMUNITY = "manage_community"  # communities of practice, mentor matching, opportunities
    JOIN_COMMUNITY = "join_community"  # interests, directory, opportunities, one's group
    EXPORT_PERSONAL_DATA = "export_personal_data"  # subject access exports of trainees, within scope
    MANAGE_RETENTION = "manage_retention"  # approve or reject erasure of records past their retention
    MANAGE_PEOPLE = "manage_people"  # invite staff and change their roles, within scope (see may_grant)
    MANAGE_STRUCTURE = "manage_structure"  # regions, schools and the post catalogue (England)


STAFF = {Perm.VIEW_PROGRAMMES, Perm.VIEW_PRACTICES, Perm.USE_API_TOKENS}
PROGRAMME_TEAM = STAFF | {
    Perm.MANAGE_PROGRAMMES,
    Perm.MANAGE_PRACTICES,
    Perm.VIEW_TRAINEES,
    Perm.MANAGE_TRAINEES,
    Perm.RUN_SESSIONS,
    Perm.VIEW_ATTENDANCE,
    Perm.VIEW_REPORTS,
    Perm.MANAGE_ALLOCATIONS,
    Perm.MANAGE_COMMUNITY,
    Perm.EXPORT_PERSONAL_DATA,
}

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.NATIONAL_ADMIN: frozenset(
        PROGRAMME_TEAM
        | {Perm.USE_ADMIN_SITE, Perm.VIEW_AUDIT, Perm.PLAN_TIMETABLE, Perm.MANAGE_CONTENT, Perm.IMPORT_DATA}
        | {Perm.MANAGE_RETENTION, Perm.MANAGE_PEOPLE, Perm.MANAGE_STRUCTURE}
    ),
    Role.REGIONAL_LEAD: frozenset(
        PROGRAMME_TEAM | {Perm.PLAN_TIMETABLE, Perm.MANAGE_CONTENT, Perm.MANAGE_PEOPLE}
    ),
    Role.SCHEME_ADMIN: frozenset(PROGRAMME_TEAM),
    Role.EDUCATOR: frozenset(STAFF | {Perm.RUN_SESSIONS}),
    Role.MENTOR: frozenset(STAFF | {Perm.VIEW_TRAINEES, Perm.JOIN_COMMUNITY}),
    Role.TRAINEE: frozenset(
        {
            Perm.VIEW_PROGRAMMES,
            Perm.VIEW_PRACTICES,
            Perm.VIEW_OWN_RECORD,
            Perm.ATTEND_SESSIONS,
            Perm.RANK_ROTATIONS,
            Perm.JOIN_COMMUNITY,
        }
    ),
}

# Everyone but trainees sees other people's data: they must use two-factor sign-in.
STAFF_ROLES = frozenset(set(Role) - {Role.TRAINEE})


@dataclass(frozen=True)
class Scope:
    """The records a permission reaches. Empty means none."""

    england: bool = False
    region_ids: frozenset[int] = frozenset()
    scheme_ids: frozenset[int] = frozenset()
    mentees: bool = False  # a mentor reaches the trainees assigned to them
    own: bool = False  # a trainee reaches their own record

    def __bool__(self):
        return self.england or bool(self.region_ids or self.scheme_ids) or self.mentees or self.own

    def covers_scheme(self, scheme) -> bool:
        return self.england or scheme.pk in self.scheme_ids or scheme.region_id in self.region_ids

    def covers_region(self, region_id: int) -> bool:
        return self.england or region_id in self.region_ids


def role_assignments(user) -> list:
    """The user's roles, fetched once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if not hasattr(user, "_heft_roles"):
        user._heft_roles = _fetch_role_assignments(user)
    return user._heft_roles


# Every signed-in request reads the roles (the two-factor middleware, then each permission check), so they
# are read in one plain statement: the ORM spent more CPU building the query than the database answering it.
# created_at is left deferred: no access decision uses it, and it loads on first use as the ORM's would.
_ROLE_FIELDS = ("id", "user_id", "role", "region_id", "scheme_id")
_ROLES_SQL = (
    f"SELECT {', '.join(_ROLE_FIELDS)} FROM {RoleAssignment._meta.db_table} WHERE user_id = %s ORDER BY id"  # noqa: S608
)


def _fetch_role_assignments(user) -> list:
    if "role_assignments" in getattr(user, "_prefetched_objects_cache", {}):
        return list(user.role_assignments.all())  # a list page prefetched them for many users at once
    with connection.cursor() as cursor:
        cursor.execute(_ROLES_SQL, [user.pk])
        rows = cursor.fetchall()
    return [RoleAssignment.from_db(connection.alias, _ROLE_FIELDS, row) for row in rows]


def roles_of(user) -> set[str]:
    return {a.role for a in role_assignments(user)}


def is_staff_member(user) -> bool:
    return bool(roles_of(user) & STAFF_ROLES)


def has_perm(user, perm: Perm) -> bool:
    return any(perm in ROLE_PERMISSIONS[a.role] for a in role_assignments(user))


def has_any_perm(user, *perms: Perm) -> bool:
    """Whether any of the user's roles grants at least one of `perms` (pages and API both ask this)."""
    return any(has_perm(user, perm) for perm in perms)


def scope_for(user, perm: Perm) -> Scope:
    england, regions, schemes, mentees, own = False, set(), set(), False, False
    for assignment in role_assignments(user):
        if perm not in ROLE_PERMISSIONS[assignment.role]:
            continue
        if assignment.role == Role.MENTOR:
            mentees = True
        elif assignment.role == Role.TRAINEE:
            own = True
        elif assignment.scheme_id:
            schemes.add(assignment.scheme_id)
        elif assignment.region_id:
            regions.add(assignment.region_id)
        else:
            england = True
    return Scope(england, frozenset(regions), frozenset(schemes), mentees, own)


# Which roles each role may grant, change and take away. Regional leads only within their own region;
# scheme administrators invite (and re-invite) the trainees of their schemes.
GRANTABLE: dict[str, frozenset[str]] = {
    Role.NATIONAL_ADMIN: frozenset(Role),
    Role.REGIONAL_LEAD: frozenset({Role.SCHEME_ADMIN, Role.EDUCATOR, Role.MENTOR, Role.TRAINEE}),
    Role.SCHEME_ADMIN: frozenset({Role.TRAINEE}),
}


def grantable_roles(user) -> list[str]:
    """The roles `user` may give to others, in the order of Role."""
    held = roles_of(user)
    return [role for role in Role if any(role in GRANTABLE.get(h, ()) for h in held)]


def may_grant(user, role: str, *, region_id: int | None = None, scheme=None) -> bool:
    """Whether `user` may give (or change, or take away) `role` with this scope. A trainee's role has no
    scope of its own: `scheme` is the scheme of their programme."""
    for assignment in role_assignments(user):
        if role not in GRANTABLE.get(assignment.role, ()):
            continue
        if assignment.role == Role.NATIONAL_ADMIN:
            return True
        if assignment.role == Role.REGIONAL_LEAD and assignment.region_id == (
            scheme.region_id if scheme is not None else region_id
        ):
            return True
        if assignment.role == Role.SCHEME_ADMIN and scheme is not None and assignment.scheme_id == scheme.pk:
            return True
    return False
