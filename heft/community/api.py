"""Communities of practice, mentors and their assignments, opportunities and expressions of interest in
the REST API (mounted under /api/v1/). The same permissions and scoped selectors as the pages."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from heft.accounts.permissions import Perm, has_perm
from heft.api_common.auth import require, require_any
from heft.api_common.errors import API_ERRORS
from heft.community import selectors, services
from heft.community.models import Opportunity
from heft.trainees.selectors import own_record, trainees_visible_to

router = Router(tags=["community"])


class Message(Schema):
    detail: str


ERRORS = {**API_ERRORS, 400: Message}


class MeetingOut(Schema):
    """A meeting of the group: a teaching session of kind community (the same id and uid as in
    /teaching/sessions and the calendar feeds)."""

    id: int
    uid: str
    kind: str
    topic: str
    start: datetime
    end: datetime
    venue: str
    online_link: str
    status: str
    sequence: int

    @staticmethod
    def resolve_uid(obj) -> str:
        return obj.ical_uid


class CommunityOut(Schema):
    id: int
    name: str
    region: str
    locality: str | None
    lead: int | None
    members: list[int]
    meetings: list[MeetingOut]
    explanation: str

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_locality(obj) -> str | None:
        return obj.scheme.code if obj.scheme_id else None

    @staticmethod
    def resolve_lead(obj) -> int | None:
        return obj.lead_id

    @staticmethod
    def resolve_members(obj) -> list[int]:
        return [m.trainee_id for m in obj.memberships.all() if m.left_at is None]

    @staticmethod
    def resolve_meetings(obj) -> list:
        return [s for s in obj.sessions.all() if s.published_at is not None]


class FormIn(Schema):
    region: str
    scheme: str | None = None
    min_size: int = 5
    max_size: int = 8


class MentorOut(Schema):
    id: int
    name: str
    kind: str
    region: str
    locality: str | None
    capacity: int
    mentees: int

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.user.get_full_name()

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_locality(obj) -> str | None:
        return obj.scheme.code if obj.scheme_id else None


class AssignmentOut(Schema):
    id: int
    mentor: int
    trainee: int
    start_date: date
    end_date: date | None

    @staticmethod
    def resolve_mentor(obj) -> int:
        return obj.mentor_id

    @staticmethod
    def resolve_trainee(obj) -> int:
        return obj.trainee_id


class AssignmentIn(Schema):
    mentor: int
    trainee: int


class MatchIn(Schema):
    region: str
    scheme: str | None = None


class OpportunityOut(Schema):
    id: int
    title: str
    kind: str
    organisation: str
    region: str
    location: str
    description: str
    link: str
    closes_on: date
    interests: list[str]

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_interests(obj) -> list[str]:
        return [i.code for i in obj.interests.all()]


class OpportunityIn(Schema):
    title: str
    kind: str
    organisation: str
    region: str
    location: str = ""
    description: str
    link: str = ""
    closes_on: date
    interests: list[str] = []


class InterestOut(Schema):
    id: int
    opportunity: int
    trainee: int
    trainee_name: str
    trainee_email: str
    message: str

    @staticmethod
    def resolve_opportunity(obj) -> int:
        return obj.opportunity_id

    @staticmethod
    def resolve_trainee(obj) -> int:
        return obj.trainee_id

    @staticmethod
    def resolve_trainee_name(obj) -> str:
        return obj.trainee.full_name

    @staticmethod
    def resolve_trainee_email(obj) -> str:
        return obj.trainee.email


class InterestIn(Schema):
    message: str = ""


def _patch(request, region: str, scheme: str | None) -> selectors.Patch:
    key = f"scheme:{scheme}" if scheme else f"region:{region}"
    patch = next((p for p in selectors.patches_managed_by(request.auth) if p.key == key), None)
    if patch is None or patch.region.code != region:
        raise HttpError(404, "No such region or scheme in your scope.")
    return patch


# --- communities of practice ------------------------------------------------------------------------------


@router.get("/communities", response={200: list[CommunityOut], **ERRORS})
def list_communities(request):
    """Programme teams: the groups in their scope. Trainees and mentors: the groups they belong to or lead."""
    require_any(request, Perm.MANAGE_COMMUNITY, Perm.JOIN_COMMUNITY)
    return selectors.groups_listed_for(request.auth)


@router.get("/communities/{group_id}", response={200: CommunityOut, **ERRORS})
def get_community(request, group_id: int):
    require_any(request, Perm.MANAGE_COMMUNITY, Perm.JOIN_COMMUNITY)
    if has_perm(request.auth, Perm.MANAGE_COMMUNITY):
        return selectors.group_managed_by(request.auth, group_id)
    return selectors.group_for_member(request.auth, group_id)


@router.post("/communities", response={201: list[CommunityOut], **ERRORS})
def form_communities(request, payload: FormIn):
    """Form a region's (or a scheme's) communities of practice afresh; the current ones are archived."""
    require(request, Perm.MANAGE_COMMUNITY)
    patch = _patch(request, payload.region, payload.scheme)
    try:
        groups = services.groups_form(
            patch=patch, min_size=payload.min_size, max_size=payload.max_size, by=request.auth
        )
    except ValidationError as error:
        return Status(400, {"detail": " ".join(error.messages)})
    return Status(201, groups)


# --- mentors ----------------------------------------------------------------------------------------------


@router.get("/mentors", response={200: list[MentorOut], **ERRORS})
def list_mentors(request):
    require(request, Perm.MANAGE_COMMUNITY)
    return selectors.mentors_managed_by(request.auth)


@router.get("/mentor-assignments", response={200: list[AssignmentOut], **ERRORS})
def list_mentor_assignments(request):
    """Programme teams: current assignments in scope. Mentors: their own mentees."""
    require_any(request, Perm.MANAGE_COMMUNITY, Perm.JOIN_COMMUNITY)
    if has_perm(request.auth, Perm.MANAGE_COMMUNITY):
        return selectors.assignments_managed_by(request.auth)
    return selectors.mentees_of(request.auth)


@router.post("/mentor-assignments", response={201: AssignmentOut, **ERRORS})
def create_mentor_assignment(request, payload: AssignmentIn):
    require(request, Perm.MANAGE_COMMUNITY)
    mentor = selectors.mentor_managed_by(request.auth, payload.mentor)
    trainee = get_object_or_404(trainees_visible_to(request.auth), pk=payload.trainee)
    try:
        return Status(201, services.mentor_assign(mentor=mentor, trainee=trainee, by=request.auth))
    except ValidationError as error:
        return Status(400, {"detail": " ".join(error.messages)})


@router.post("/mentor-assignments/match", response={201: list[AssignmentOut], **ERRORS})
def match_mentors(request, payload: MatchIn):
    """Match every HEFT trainee in the region (or scheme) who has no mentor: capacity respected, fewest
    long journeys."""
    require(request, Perm.MANAGE_COMMUNITY)
    return Status(
        201, services.mentors_match(patch=_patch(request, payload.region, payload.scheme), by=request.auth)
    )


@router.post("/mentor-assignments/{assignment_id}/end", response={200: AssignmentOut, **ERRORS})
def end_mentor_assignment(request, assignment_id: int):
    require(request, Perm.MANAGE_COMMUNITY)
    assignment = get_object_or_404(selectors.assignments_managed_by(request.auth), pk=assignment_id)
    return services.mentor_assignment_end(assignment=assignment, by=request.auth)


# --- opportunities ----------------------------------------------------------------------------------------


@router.get("/opportunities", response={200: list[OpportunityOut], **ERRORS})
def list_opportunities(request):
    """Programme teams: those they posted in scope. Trainees: open ones, once in ST3 or newly qualified."""
    require_any(request, Perm.MANAGE_COMMUNITY, Perm.JOIN_COMMUNITY)
    if has_perm(request.auth, Perm.MANAGE_COMMUNITY):
        return selectors.opportunities_with_interests_managed_by(request.auth)
    trainee = own_record(request.auth)
    rows = selectors.opportunities_for_trainee(trainee, timezone.localdate()) if trainee else None
    return [row["opportunity"] for row in rows or []]


@router.post("/opportunities", response={201: OpportunityOut, **ERRORS})
def create_opportunity(request, payload: OpportunityIn):
    require(request, Perm.MANAGE_COMMUNITY)
    region = get_object_or_404(selectors.regions_managed_by(request.auth), code=payload.region)
    if payload.kind not in Opportunity.Kind.values:
        return Status(400, {"detail": f"kind must be one of {', '.join(Opportunity.Kind.values)}."})
    interests = selectors.interest_areas_with_codes(payload.interests)
    data = payload.dict(exclude={"region", "interests"})
    try:
        return Status(
            201, services.opportunity_post(region=region, interests=interests, by=request.auth, **data)
        )
    except ValidationError as error:
        return Status(400, {"detail": " ".join(error.messages)})


@router.get("/opportunities/{opportunity_id}/interest", response={200: list[InterestOut], **ERRORS})
def list_interest(request, opportunity_id: int):
    require(request, Perm.MANAGE_COMMUNITY)
    return selectors.interest_in(selectors.opportunity_managed_by(request.auth, opportunity_id))


@router.post("/opportunities/{opportunity_id}/interest", response={201: InterestOut, **ERRORS})
def express_interest(request, opportunity_id: int, payload: InterestIn):
    """A trainee in ST3 or a recent graduate tells the programme team they are interested."""
    require(request, Perm.JOIN_COMMUNITY)
    trainee = own_record(request.auth)
    if trainee is None:
        raise HttpError(404, "No trainee record is linked to this account.")
    opportunity = selectors.opportunity_for_trainee(trainee, opportunity_id, timezone.localdate())
    try:
        interest = services.interest_express(
            opportunity=opportunity, message=payload.message, by=request.auth
        )
    except (ValidationError, PermissionDenied) as error:
        return Status(400, {"detail": " ".join(getattr(error, "messages", [str(error)]))})
    return Status(201, interest)
