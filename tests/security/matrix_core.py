"""The records named in the addresses of the access matrix's routes outside the apps' own files: sign-in,
API tokens, programme structure, practices, trainees, the API's own pages (see access_matrix.py).

The statuses are in docs/security.md; here is only which record each address names.
"""

from heft.accounts.services import api_token_create
from tests import factories as f

URL_KWARGS: dict[str, dict[str, str]] = {
    "account_confirm_email": {"key": "confirm_key"},
    "account_reset_password_from_key": {"uidb36": "uidb36", "key": "reset_key"},
    "accounts:api_token_revoke": {"pk": "other_token_pk"},
    "programmes:scheme_detail": {"code": "scheme_a_code"},
    "programmes:rotation_detail": {"code": "rotation_a_code"},
    "programmes:rotation_availability": {"code": "rotation_a_code"},
    "practices:practice_detail": {"ods_code": "practice_code"},
    "api:get_rotation": {"code": "rotation_a_code"},
    "api:get_practice": {"ods_code": "practice_code"},
    "api:get_trainee": {"trainee_id": "trainee_a2_pk"},
}


def kwargs(world) -> dict:
    """Scheme A and its rotation, region A's practice, trainee A2 (scheme A, the mentor's mentee), another
    national admin's API token, and keys that match no email confirmation or password reset."""
    someone_else = f.RoleFactory(role="national_admin").user
    token, _ = api_token_create(name="someone else's", by=someone_else)
    return {
        "scheme_a_code": world.scheme_a.code,
        "rotation_a_code": world.rotation_a.code,
        "practice_code": world.practice.ods_code,
        "trainee_a2_pk": world.trainee_a2.pk,
        "other_token_pk": token.pk,
        "confirm_key": "not-a-real-key",
        "uidb36": "0",
        "reset_key": "not-a-real-key",
    }
