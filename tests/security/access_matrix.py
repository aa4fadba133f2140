"""The access matrix: for every route, the status each role gets for GET and for POST.

Every URL pattern of the project must be listed here (the Django admin's generated model routes are
covered by one rule below). A new route without an entry fails `test_every_route_is_in_the_matrix`.

Statuses: 200 shown, 302 redirected (to sign-in for anonymous users, or after a successful action),
400 refused input, 401 API without credentials, 403 role lacks the permission, 405 wrong method.
"""

from dataclasses import dataclass, field

ANON = "anonymous"
NATIONAL, REGIONAL, TPD, EDUCATOR, MENTOR, TRAINEE = (
    "national_admin",
    "regional_lead",
    "scheme_admin",
    "educator",
    "mentor",
    "trainee",
)
ROLES = [NATIONAL, REGIONAL, TPD, EDUCATOR, MENTOR, TRAINEE]
EVERYONE = [ANON, *ROLES]
PROGRAMME_TEAM = [NATIONAL, REGIONAL, TPD]
STAFF = [NATIONAL, REGIONAL, TPD, EDUCATOR, MENTOR]


def statuses(default: int, **by_role: int) -> dict[str, int]:
    return {role: by_role.get(role, default) for role in EVERYONE}


def page(allowed: list[str], *, ok: int = 200, post_ok: int = 405) -> tuple[dict, dict]:
    """A page for signed-in users holding a permission: sign-in redirect, 403, or the page."""
    get = statuses(403, anonymous=302, **dict.fromkeys(allowed, ok))
    post = statuses(403, anonymous=302, **dict.fromkeys(allowed, post_ok))
    return get, post


def action(allowed: list[str], *, post_ok: int) -> tuple[dict, dict]:
    """A POST-only action: GET is 405 for those allowed."""
    return page(allowed, ok=405, post_ok=post_ok)


def api(allowed: list[str]) -> tuple[dict, dict]:
    """A read-only API operation: 401 without credentials, 403 without the permission."""
    get = statuses(403, anonymous=401, **dict.fromkeys(allowed, 200))
    post = statuses(405)
    return get, post


@dataclass(frozen=True)
class Route:
    get: dict[str, int]
    post: dict[str, int]
    kwargs: dict[str, str] = field(default_factory=dict)  # names of World attributes, see test


def route(pair: tuple[dict, dict], **kwargs: str) -> Route:
    return Route(pair[0], pair[1], kwargs)


SIGNED_IN_REDIRECT = statuses(302)  # e.g. allauth's sign-in page sends signed-in users home

MATRIX: dict[str, Route] = {
    # Public pages.
    "home": route((statuses(200), statuses(405))),
    "healthz": route((statuses(200), statuses(405))),
    # Sign-in and two-factor (django-allauth). Sign-up is closed: accounts are made by programme teams.
    "account_login": route((statuses(302, anonymous=200), statuses(302, anonymous=200))),
    "account_logout": route((statuses(200, anonymous=302), statuses(302))),
    "account_inactive": route((statuses(200), statuses(405))),
    "account_signup": route((statuses(302, anonymous=200), statuses(302, anonymous=200))),
    "account_reauthenticate": route((statuses(200, anonymous=302), statuses(200, anonymous=302))),
    "account_email": route((statuses(200, anonymous=302), statuses(302))),
    "account_email_verification_sent": route((statuses(200), statuses(405))),
    "account_change_password": route((statuses(200, anonymous=302), statuses(200, anonymous=302))),
    "account_set_password": route((statuses(302), statuses(302))),
    "account_reset_password": route((statuses(200), statuses(200))),
    "account_confirm_login_code": route((statuses(302), statuses(302))),
    "account_confirm_email": route((statuses(200), statuses(404)), key="confirm_key"),
    "account_reset_password_from_key_done": route((statuses(200), statuses(405))),
    "account_reset_password_from_key": route(
        (statuses(200), statuses(200)), uidb36="uidb36", key="reset_key"
    ),
    "account_reset_password_done": route((statuses(200), statuses(405))),
    # Changing two-factor settings asks for the password again first (302 to re-authenticate).
    "mfa_index": route((statuses(200, anonymous=302), statuses(405, anonymous=302))),
    "mfa_authenticate": route((statuses(302), statuses(302))),
    "mfa_reauthenticate": route(
        (statuses(200, anonymous=302, trainee=302), statuses(200, anonymous=302, trainee=302))
    ),
    "mfa_activate_totp": route((statuses(302), statuses(302))),
    "mfa_deactivate_totp": route((statuses(302, trainee=404), statuses(302, trainee=404))),
    "mfa_view_recovery_codes": route((statuses(404, anonymous=302), statuses(405, anonymous=302))),
    "mfa_generate_recovery_codes": route((statuses(302), statuses(302))),
    "mfa_download_recovery_codes": route((statuses(404, anonymous=302), statuses(404, anonymous=302))),
    # API tokens.
    "accounts:api_tokens": route(page(STAFF, post_ok=400)),
    "accounts:api_token_revoke": route(action(STAFF, post_ok=404), pk="other_token_pk"),
    # Programme structure: every signed-in user reads it; programme teams change it within scope.
    "programmes:region_list": route(page(ROLES)),
    "programmes:scheme_detail": route(page(ROLES), code="scheme_a_code"),
    "programmes:rotation_list": route(page(ROLES)),
    "programmes:rotation_detail": route(page(ROLES), code="rotation_a_code"),
    "programmes:rotation_availability": route(action(PROGRAMME_TEAM, post_ok=400), code="rotation_a_code"),
    # Practices.
    "practices:practice_list": route(page(ROLES)),
    "practices:practice_detail": route(page(ROLES), ods_code="practice_code"),
    # Trainee records: personal data, within scope.
    "trainees:trainee_list": route(page([*PROGRAMME_TEAM, MENTOR])),
    "trainees:trainee_detail": route(page([*PROGRAMME_TEAM, MENTOR]), pk="trainee_a2_pk"),
    "trainees:me": route(page([TRAINEE])),
    # Audit trail.
    "audit:event_list": route(page([NATIONAL])),
    # The API. The schema and its docs are public; every operation checks its permission.
    "api:openapi-json": route((statuses(200), statuses(200))),
    "api:openapi-view": route((statuses(200), statuses(200))),
    "api:api-root": route((statuses(404), statuses(404))),
    "api:list_regions": route(api(ROLES)),
    "api:list_schemes": route(api(ROLES)),
    "api:list_posts": route(api(ROLES)),
    "api:list_rotations": route(api(ROLES)),
    "api:get_rotation": route(api(ROLES), code="rotation_a_code"),
    "api:list_practices": route(api(ROLES)),
    "api:get_practice": route(api(ROLES), ods_code="practice_code"),
    "api:list_trainees": route(api([*PROGRAMME_TEAM, MENTOR])),
    "api:get_trainee": route(
        (
            statuses(404, anonymous=401, national_admin=200, regional_lead=200, scheme_admin=200, mentor=200),
            statuses(405),
        ),
        trainee_id="trainee_a2_pk",
    ),
}

# The Django admin: only national admins. Anyone else is sent to the admin sign-in, which sends
# signed-in users without the permission a 403 and anonymous users to the two-factor sign-in.
ADMIN_LOGIN = "admin:login"
ADMIN_ALLOWED = [NATIONAL]
