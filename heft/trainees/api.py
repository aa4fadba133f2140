"""Time out of training, LTFT changes and the CCT estimate in the REST API (mounted under /api/v1/).

Reading: programme teams and mentors within scope, and trainees for themselves. Recording: programme
teams (MANAGE_TRAINEES) within scope. A trainee out of scope is 404, as on the pages.
"""

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from heft.accounts.permissions import Perm, has_perm
from heft.api.auth import require
from heft.api.schemas import API_ERRORS
from heft.engines.cct import LtftChange as LtftSpec
from heft.engines.cct import ltft_flags
from heft.trainees import services
from heft.trainees.models import Interruption, LtftChange, Trainee
from heft.trainees.selectors import (
    cct_estimate_for,
    current_membership,
    curriculum_for,
    interruption_managed_by,
    ltft_change_managed_by,
    membership_managed_by,
    progress_for,
    trainee_for,
    training_year_for,
)

router = Router(tags=["trainees"])


class Message(Schema):
    detail: str


ERRORS = {**API_ERRORS, 400: Message}


class InterruptionOut(Schema):
    id: int
    kind: str
    start_date: date
    end_date: date | None
    counts_towards_training: bool
    notes: str


class InterruptionIn(Schema):
    kind: str
    start_date: date
    end_date: date | None = None
    counts_towards_training: bool | None = None  # None: OOPT and sick leave count, the rest does not
    notes: str = ""


class ReturnIn(Schema):
    return_date: date


class LtftChangeOut(Schema):
    id: int
    wte: Decimal
    start_date: date
    requested_on: date
    flags: list[str]
    approved_at: datetime | None = None

    @staticmethod
    def resolve_flags(obj) -> list[str]:
        return [
            f.code for f in ltft_flags(LtftSpec(Fraction(str(obj.wte)), obj.start_date, obj.requested_on))
        ]


class LtftChangeIn(Schema):
    wte: Decimal
    start_date: date
    requested_on: date


class CurriculumOut(Schema):
    gp_months: float
    gp_months_minimum: int
    final_year_gp_months: float | None
    final_year_gp_months_minimum: int
    messages: list[str]


class CctEstimateOut(Schema):
    cct: date
    stored: date | None
    is_estimate: bool = True
    review: bool
    steps: list[str]
    flags: list[str]
    months_done: float
    months_to_go: float
    training_year: str
    curriculum: CurriculumOut


def _visible(request, trainee_id: int) -> Trainee:
    if not (has_perm(request.auth, Perm.VIEW_TRAINEES) or has_perm(request.auth, Perm.VIEW_OWN_RECORD)):
        raise HttpError(403, "You do not have permission to do this.")
    return trainee_for(request.auth, trainee_id)


def _membership(request, trainee_id: int):
    membership = current_membership(_visible(request, trainee_id))
    if membership is None:
        raise HttpError(404, "This trainee has no programme membership.")
    return membership


def _refused(error: ValidationError):
    return Status(400, {"detail": " ".join(error.messages)})


@router.get("/trainees/{trainee_id}/interruptions", response={200: list[InterruptionOut], **ERRORS})
def list_interruptions(request, trainee_id: int):
    return Interruption.objects.filter(membership=_membership(request, trainee_id)).order_by("start_date")


@router.post("/trainees/{trainee_id}/interruptions", response={201: InterruptionOut, **ERRORS})
def record_interruption(request, trainee_id: int, payload: InterruptionIn):
    """Record time out. Unless it is over, the trainee is marked interrupted and any HEFT place released."""
    require(request, Perm.MANAGE_TRAINEES)
    membership = membership_managed_by(request.auth, trainee_id)
    try:
        interruption = services.interruption_record(membership=membership, by=request.auth, **payload.dict())
    except ValidationError as error:
        return _refused(error)
    return Status(201, interruption)


@router.post(
    "/trainees/{trainee_id}/interruptions/{interruption_id}/return", response={200: InterruptionOut, **ERRORS}
)
def return_to_training(request, trainee_id: int, interruption_id: int, payload: ReturnIn):
    require(request, Perm.MANAGE_TRAINEES)
    interruption = interruption_managed_by(request.auth, trainee_id, interruption_id)
    try:
        return services.training_return(
            interruption=interruption, return_date=payload.return_date, by=request.auth
        )
    except ValidationError as error:
        return _refused(error)


@router.get("/trainees/{trainee_id}/ltft-changes", response={200: list[LtftChangeOut], **ERRORS})
def list_ltft_changes(request, trainee_id: int):
    return LtftChange.objects.filter(membership=_membership(request, trainee_id)).order_by("start_date")


@router.post("/trainees/{trainee_id}/ltft-changes", response={201: LtftChangeOut, **ERRORS})
def record_ltft_change(request, trainee_id: int, payload: LtftChangeIn):
    """Record a change of working pattern; non-standard patterns and short notice come back as flags."""
    require(request, Perm.MANAGE_TRAINEES)
    membership = membership_managed_by(request.auth, trainee_id)
    try:
        change = services.ltft_change_record(membership=membership, by=request.auth, **payload.dict())
    except ValidationError as error:
        return _refused(error)
    return Status(201, change)


@router.post(
    "/trainees/{trainee_id}/ltft-changes/{change_id}/approve", response={200: LtftChangeOut, **ERRORS}
)
def approve_ltft_change(request, trainee_id: int, change_id: int):
    """Approve a non-standard working pattern (one flagged `needs_approval`)."""
    require(request, Perm.MANAGE_TRAINEES)
    change = ltft_change_managed_by(request.auth, trainee_id, change_id)
    try:
        return services.ltft_change_approve(change=change, by=request.auth)
    except ValidationError as error:
        return _refused(error)


@router.get("/trainees/{trainee_id}/cct-estimate", response={200: CctEstimateOut, **ERRORS})
def get_cct_estimate(request, trainee_id: int):
    """The estimated CCT date worked out now, the one stored, and how it was worked out."""
    membership = _membership(request, trainee_id)
    result = cct_estimate_for(membership)
    progress = progress_for(membership)
    check = curriculum_for(membership)
    return {
        "cct": result.cct,
        "stored": membership.cct_estimate,
        "review": result.review.needed,
        "steps": [step.text for step in result.steps],
        "flags": list(result.flags),
        "months_done": round(float(progress.months_done), 2),
        "months_to_go": round(float(progress.months_to_go), 2),
        "training_year": training_year_for(membership),
        "curriculum": {
            "gp_months": round(float(check.gp_months), 2),
            "gp_months_minimum": check.requirement.gp_months,
            "final_year_gp_months": None
            if check.final_year_gp_months is None
            else round(float(check.final_year_gp_months), 2),
            "final_year_gp_months_minimum": check.requirement.final_year_gp_months,
            "messages": list(check.messages),
        },
    }
