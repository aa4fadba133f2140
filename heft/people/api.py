"""Invitations to staff roles in the REST API (mounted under /api/v1/): list those in scope, invite someone
(a mentor with their details), send one again, revoke one. National admins and regional leads
(MANAGE_PEOPLE), with the same checks as the pages: only roles one may give, within one's scope; an
invitation out of scope, or to a role one may not give, is 404."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from heft.accounts import services as accounts
from heft.accounts.models import Role
from heft.accounts.permissions import Perm
from heft.api_common.auth import require
from heft.api_common.errors import API_ERRORS
from heft.api_common.pagination import Pagination
from heft.people import selectors, services
from heft.people.services import MentorDetails

router = Router(tags=["people"])


class Message(Schema):
    detail: str


ERRORS = {**API_ERRORS, 400: Message}


class InvitationOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    role: str
    region: str | None = Field(None, description="Region code, for a role held in a region")
    scheme: str | None = Field(None, description="Scheme code, for a role held in a scheme")
    status: str = Field(description="sent, expired, accepted or revoked")
    sent_at: datetime
    times_sent: int
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None
    invited_by: str | None = Field(None, description="Email of who sent it")
    mentor: dict = Field(default_factory=dict, description="A mentor's details until they accept")

    @staticmethod
    def resolve_email(obj) -> str:
        return obj.user.email

    @staticmethod
    def resolve_first_name(obj) -> str:
        return obj.user.first_name

    @staticmethod
    def resolve_last_name(obj) -> str:
        return obj.user.last_name

    @staticmethod
    def resolve_region(obj) -> str | None:
        return obj.region.code if obj.region_id else None

    @staticmethod
    def resolve_scheme(obj) -> str | None:
        return obj.scheme.code if obj.scheme_id else None

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.status(timezone.now())

    @staticmethod
    def resolve_invited_by(obj) -> str | None:
        return obj.invited_by.email if obj.invited_by_id else None

    @staticmethod
    def resolve_mentor(obj) -> dict:
        return obj.details if obj.role == Role.MENTOR else {}


class RoleOut(Schema):
    id: int
    email: str
    role: str
    region: str | None
    scheme: str | None

    @staticmethod
    def resolve_email(obj) -> str:
        return obj.user.email

    @staticmethod
    def resolve_region(obj) -> str | None:
        return obj.region.code if obj.region_id else None

    @staticmethod
    def resolve_scheme(obj) -> str | None:
        return obj.scheme.code if obj.scheme_id else None


class InviteOut(Schema):
    """`invited`: an email with a link went (a new sign-in, or a waiting invitation sent again); `granted`:
    they already sign in and hold the role now."""

    outcome: str
    invitation: InvitationOut | None = None
    role: RoleOut | None = None


class MentorIn(Schema):
    kind: str = Field(description="deprivation_fellow, trailblazer_fellow, pcn_lead or near_peer")
    scheme: str = Field(description="Code of the scheme they work in: the role is held in its region")
    locality: int | None = Field(None, description="Id of a locality of that scheme")
    capacity: int = Field(6, ge=1, le=30, description="How many trainees they can support")


class InviteIn(Schema):
    email: str
    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)
    role: str = Field(description="national_admin, regional_lead, scheme_admin, educator or mentor")
    region: str | None = Field(None, description="Region code: for a regional lead or an educator")
    scheme: str | None = Field(None, description="Scheme code: for a scheme administrator")
    mentor: MentorIn | None = None


@router.get("/invitations", response={200: list[InvitationOut], **ERRORS})
@paginate(Pagination)
def list_invitations(request, status: str = "", search: str = ""):
    """Invitations to staff roles in the caller's scope, newest first; `status` one of sent, expired,
    accepted, revoked."""
    require(request, Perm.MANAGE_PEOPLE)
    return selectors.invitations_visible_to(request.auth, search=search[:100], status=status)


@router.post("/invitations", response={201: InviteOut, **ERRORS})
def create_invitation(request, payload: InviteIn):
    """Invite someone to a staff role the caller may give. Someone who already signs in gets the role at
    once (`granted`); a waiting invitation to the same role is sent again with a new link."""
    require(request, Perm.MANAGE_PEOPLE)
    try:
        arguments = _invite_arguments(request, payload)
        outcome = services.person_invite(by=request.auth, **arguments)
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "You cannot give this role with this scope.") from error
    except ValidationError as error:
        return Status(400, {"detail": " ".join(error.messages)})
    if outcome.granted is not None:
        return Status(201, {"outcome": "granted", "role": outcome.granted})
    return Status(201, {"outcome": "invited", "invitation": outcome.invitation})


@router.post("/invitations/{invitation_id}/resend", response={200: InvitationOut, **ERRORS})
def resend_invitation(request, invitation_id: int):
    """Send the invitation again with a new link, valid for another 7 days; the earlier link stops working."""
    require(request, Perm.MANAGE_PEOPLE)
    invitation = selectors.invitation_managed_by(request.auth, invitation_id)
    try:
        return accounts.invitation_resend(invitation=invitation, by=request.auth)
    except ValidationError as error:
        return Status(400, {"detail": " ".join(error.messages)})


@router.post("/invitations/{invitation_id}/revoke", response={200: InvitationOut, **ERRORS})
def revoke_invitation(request, invitation_id: int):
    """The link stops working at once. Revoking a revoked invitation changes nothing."""
    require(request, Perm.MANAGE_PEOPLE)
    invitation = selectors.invitation_managed_by(request.auth, invitation_id)
    try:
        return accounts.invitation_revoke(invitation=invitation, by=request.auth)
    except ValidationError as error:
        return Status(400, {"detail": " ".join(error.messages)})


def _invite_arguments(request, payload: InviteIn) -> dict:
    """The service's arguments, with codes and ids turned into the caller's regions, schemes and
    localities (one they cannot give a role in is refused, as the service would)."""
    choices = selectors.grant_choices(request.auth)
    arguments = payload.dict(include={"email", "first_name", "last_name", "role"})
    arguments["region"] = _find(choices.region, payload.region, "region")
    arguments["scheme"] = _find(choices.scheme, payload.scheme, "scheme")
    if payload.role == Role.MENTOR and payload.mentor is not None:
        mentor = payload.mentor
        scheme = _find(choices.scheme, mentor.scheme, "scheme")
        locality = _find(choices.locality, mentor.locality, "locality")
        arguments["mentor"] = MentorDetails(mentor.kind, scheme, locality, mentor.capacity)
    return arguments


def _find(lookup, value, what: str):
    """The record `value` names among those the caller may give roles in; None when none is named."""
    if value is None or value == "":
        return None
    found = lookup(value)
    if found is None:
        raise PermissionDenied(f"You cannot give a role in the {what} {value}, or there is none.")
    return found
