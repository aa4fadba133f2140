"""The records named in the addresses of the people routes in the access matrix (see access_matrix.py): an
invitation waiting in region A (a scheme administrator of scheme A, invited by the regional lead), another
whose link the acceptance page is opened with, and the educator's role in region A. The statuses are in
docs/security.md."""

from heft.accounts.invitations import invitation_token
from heft.accounts.models import Role
from heft.accounts.services import invitation_create

URL_KWARGS: dict[str, dict[str, str]] = {
    "people:invitation_resend": {"pk": "people_invitation_pk"},
    "people:invitation_revoke": {"pk": "people_invitation_pk"},
    "people:role_edit": {"pk": "people_role_pk"},
    "people:role_remove": {"pk": "people_role_pk"},
    "people:invitation_accept": {"token": "people_invitation_token"},
    "api:resend_invitation": {"invitation_id": "people_invitation_pk"},
    "api:revoke_invitation": {"invitation_id": "people_invitation_pk"},
}

# The API's writes, with bodies each role could send: an educator for region A.
BODIES = {
    "api:create_invitation": lambda v: {
        "email": "api.invited.educator@example.org",
        "first_name": "Robin",
        "last_name": "Fictional",
        "role": "educator",
        "region": "region-a",
    },
}


def kwargs(world) -> dict[str, str]:
    lead = world.user("regional_lead")
    waiting = invitation_create(
        email="invited.tpd@example.org", role=Role.SCHEME_ADMIN, scheme=world.scheme_a, by=lead
    ).invitation
    to_accept = invitation_create(
        email="invited.educator@example.org", role=Role.EDUCATOR, region=world.region_a, by=lead
    ).invitation
    return {
        "people_invitation_pk": waiting.pk,
        "people_invitation_token": invitation_token(to_accept.pk, to_accept.nonce),
        "people_role_pk": world.user("educator").role_assignments.get().pk,
    }
