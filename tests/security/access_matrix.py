"""The access matrix: for every route, the status each role gets for GET and for POST.

Every URL pattern of the project must be listed here or in an app's `matrix_<app>.py` beside this file
(the Django admin's generated model routes are covered by one rule below). A new route without an entry
fails `test_every_route_is_in_the_matrix`. The vocabulary is in matrix_rules.py.
"""

from tests.security import (
    matrix_community,
    matrix_content,
    matrix_practices,
    matrix_preferencing,
    matrix_reports,
    matrix_teaching,
    matrix_trainees,
)
from tests.security.matrix_rules import (
    MENTOR,
    NATIONAL,
    PROGRAMME_TEAM,
    ROLES,
    STAFF,
    Route,
    action,
    api,
    page,
    route,
    statuses,
)

# Each app's own routes, and a function making the records their URLs name (see conftest.py).
APP_MATRICES = [
    matrix_preferencing,
    matrix_teaching,
    matrix_practices,
    matrix_trainees,
    matrix_community,
    matrix_content,
    matrix_reports,
]

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
    # Trainee records: see matrix_trainees.py.
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

for _matrix in APP_MATRICES:
    MATRIX.update(_matrix.ROUTES)

# The Django admin: only national admins. Anyone else is sent to the admin sign-in, which sends
# signed-in users without the permission a 403 and anonymous users to the two-factor sign-in.
ADMIN_LOGIN = "admin:login"
ADMIN_ALLOWED = [NATIONAL]
