"""Time out, the HEFT place it may put at risk, LTFT applications and decisions, completion, extensions and
the CCT estimate in the REST API (mounted under /api/v1/).

Reading: programme teams and mentors within scope, and trainees for themselves. A trainee applies for LTFT
for themselves only (their signed-in session: trainees hold no tokens). Recording and deciding: programme
teams (MANAGE_TRAINEES) within scope. A trainee out of scope is 404, as on the pages; the services make the
same checks as the pages do.
"""

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from heft.accounts.permissions import Perm
from heft.api_common.auth import require, require_any
from heft.api_common.errors import API_ERRORS
from heft.api_common.pagination import Pagination
from heft.audit.services import audit_view_in_transaction
from heft.engines.cct import STANDARD_WTES
from heft.trainees import services
from heft.trainees.models import Trainee
from heft.trainees.schemas import TraineeOut
from heft.trainees.selectors import (
    cct_estimate_for,
    current_membership,
    curriculum_for,
    heft_place_risk,
    interruption_managed_by,
    interruptions_of,
    ltft_change_managed_by,
    ltft_changes_of,
    ltft_notice,
    membership_managed_by,
    own_membership,
    progress_for,
    trainee_for,
    trainee_list_for,
    trainee_visible_or_none,
    training_year_for,
)

router = Router(tags=["trainees"])


class Message(Schema):
    detail: str


ERRORS = {**API_ERRORS, 400: Message}


@router.get("/trainees", response={200: list[TraineeOut], **API_ERRORS})
@paginate(Pagination)
def list_trainees(request, search: str = "", scheme: str = ""):
    require(request, Perm.VIEW_TRAINEES)
    return trainee_list_for(request.auth, search=search[:100], scheme_code=scheme)


@router.get("/trainees/{trainee_id}", response={200: TraineeOut, **API_ERRORS})
def get_trainee(request, trainee_id: int):
    """A trainee in the caller's scope (or the caller themself); anyone else is 404."""
    trainee = trainee_visible_or_none(request.auth, trainee_id)
    if trainee is None:
        return Status(404, {"detail": "Not found."})
    if trainee.user_id != request.auth.pk:  # someone else's record: the view is audited, as on the page
        audit_view_in_transaction(by=request.auth, target=trainee, page="trainee record (API)")
    return trainee


class InterruptionOut(Schema):
    id: int
    kind: str
    start_date: date
    end_date: date | None
    counts_towards_training: bool
    notes: str
    heft_place_decision: str  # "", "kept" or "released"
    heft_place_at_risk: list[str]  # why the HEFT place is at risk, waiting for a decision; empty if not

    @staticmethod
    def resolve_heft_place_at_risk(obj) -> list[str]:
        risk = heft_place_risk(obj)
        return list(risk.reasons) if risk else []


class InterruptionIn(Schema):
    kind: str
    start_date: date
    end_date: date | None = None
    counts_towards_training: bool | None = None  # None: OOPT and sick leave count, the rest does not
    notes: str = ""


class ReturnIn(Schema):
    return_date: date


class HeftPlaceIn(Schema):
    decision: str  # "kept" or "released"
    reason: str  # emailed to the trainee


class LtftChangeOut(Schema):
    id: int
    wte: Decimal
    start_date: date
    requested_on: date
    status: str  # "applied", "approved" or "declined": only an approved change counts
    reason: str  # NHS England's category: "category_1", "category_2", "category_3", or "" if not recorded
    decision_note: str
    flags: list[str]  # "needs_approval" (not a usual pattern), "short_notice" (under 16 weeks to the slot)
    notice_measured_to: date  # the start of the placement the change falls in, or the change's own start
    approved_at: datetime | None = None

    @staticmethod
    def resolve_flags(obj) -> list[str]:
        notice = ltft_notice(obj.membership, obj.start_date, obj.requested_on)
        pattern = [] if Fraction(str(obj.wte)) in STANDARD_WTES else ["needs_approval"]
        return pattern + (["short_notice"] if notice.short else [])

    @staticmethod
    def resolve_notice_measured_to(obj) -> date:
        return ltft_notice(obj.membership, obj.start_date, obj.requested_on).measured_to


class LtftChangeIn(Schema):
    wte: Decimal
    start_date: date
    requested_on: date
    reason: str = ""


class LtftApplicationIn(Schema):
    wte: Decimal
    start_date: date
    reason: str  # NHS England's category: "category_1", "category_2" or "category_3"


class LtftApprovalIn(Schema):
    note: str = ""


class LtftDeclineIn(Schema):
    note: str  # why: emailed to the trainee


class TrainingCompletionIn(Schema):
    cct_date: date


class TrainingExtensionIn(Schema):
    months: int
    reason: str


class TrainingStatusOut(Schema):
    id: int
    scheme: str
    intake: str
    status: str
    cct_date: date | None
    cct_estimate: date | None
    extension_months: int
    returning_to_intake: str
    returning_heft_not_guaranteed: bool

    @staticmethod
    def resolve_scheme(obj) -> str:
        return obj.scheme.code


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
    require_any(request, Perm.VIEW_TRAINEES, Perm.VIEW_OWN_RECORD)
    return trainee_for(request.auth, trainee_id)


def _membership(request, trainee_id: int):
    membership = current_membership(_visible(request, trainee_id))
    if membership is None:
        raise HttpError(404, "This trainee has no programme membership.")
    return membership


def _refused(error: ValidationError):
    return Status(400, {"detail": " ".join(error.messages)})


# --- time out and the HEFT place ---------------------------------------------------------------------------


@router.get("/trainees/{trainee_id}/interruptions", response={200: list[InterruptionOut], **ERRORS})
def list_interruptions(request, trainee_id: int):
    return interruptions_of(_membership(request, trainee_id))


@router.post("/trainees/{trainee_id}/interruptions", response={201: InterruptionOut, **ERRORS})
def record_interruption(request, trainee_id: int, payload: InterruptionIn):
    """Record time out. Unless it is over or within the allowance the trainee is marked interrupted. It
    never releases a HEFT place: `heft_place_at_risk` says why a decision is needed (see the heft-place
    operation)."""
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


@router.post(
    "/trainees/{trainee_id}/interruptions/{interruption_id}/heft-place",
    response={200: InterruptionOut, **ERRORS},
)
def decide_heft_place(request, trainee_id: int, interruption_id: int, payload: HeftPlaceIn):
    """Keep or release the HEFT place this time out puts at risk, with the reason the trainee is emailed.
    Releasing withdraws their live offers and flags them 'returning — HEFT rotation not guaranteed'."""
    require(request, Perm.MANAGE_TRAINEES)
    interruption = interruption_managed_by(request.auth, trainee_id, interruption_id)
    try:
        return services.heft_place_decide(interruption=interruption, by=request.auth, **payload.dict())
    except ValidationError as error:
        return _refused(error)


# --- less than full time -----------------------------------------------------------------------------------


@router.get("/trainees/{trainee_id}/ltft-changes", response={200: list[LtftChangeOut], **ERRORS})
def list_ltft_changes(request, trainee_id: int):
    return ltft_changes_of(_membership(request, trainee_id))


@router.post("/trainees/{trainee_id}/ltft-applications", response={201: LtftChangeOut, **ERRORS})
def apply_for_ltft(request, trainee_id: int, payload: LtftApplicationIn):
    """A trainee applies to change their own working pattern from a date (asked for today). It waits for the
    programme team's decision; `flags` says if the notice is short."""
    require(request, Perm.VIEW_OWN_RECORD)
    membership = own_membership(request.auth)
    if membership.trainee_id != trainee_id:
        raise HttpError(404, "Not found.")
    try:
        change = services.ltft_apply(membership=membership, by=request.auth, **payload.dict())
    except ValidationError as error:
        return _refused(error)
    except PermissionDenied as error:
        raise HttpError(404, "Not found.") from error
    return Status(201, change)


@router.post("/trainees/{trainee_id}/ltft-changes", response={201: LtftChangeOut, **ERRORS})
def record_ltft_change(request, trainee_id: int, payload: LtftChangeIn):
    """Record a change of working pattern agreed outside HEFT Hub: approved at once. Non-standard patterns
    and short notice come back as flags."""
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
def approve_ltft_change(request, trainee_id: int, change_id: int, payload: LtftApprovalIn):
    """Approve an application (one with status `applied`): placements and the CCT estimate follow, and the
    trainee is emailed."""
    require(request, Perm.MANAGE_TRAINEES)
    change = ltft_change_managed_by(request.auth, trainee_id, change_id)
    try:
        return services.ltft_change_approve(change=change, by=request.auth, note=payload.note)
    except ValidationError as error:
        return _refused(error)


@router.post(
    "/trainees/{trainee_id}/ltft-changes/{change_id}/decline", response={200: LtftChangeOut, **ERRORS}
)
def decline_ltft_change(request, trainee_id: int, change_id: int, payload: LtftDeclineIn):
    """Decline an application with a note for the trainee, who is emailed."""
    require(request, Perm.MANAGE_TRAINEES)
    change = ltft_change_managed_by(request.auth, trainee_id, change_id)
    try:
        return services.ltft_change_decline(change=change, by=request.auth, note=payload.note)
    except ValidationError as error:
        return _refused(error)


# --- the end of training -----------------------------------------------------------------------------------


@router.post("/trainees/{trainee_id}/completion", response={200: TrainingStatusOut, **ERRORS})
def complete_training(request, trainee_id: int, payload: TrainingCompletionIn):
    """Record completion of training on its CCT date: the trainee becomes an alumnus."""
    require(request, Perm.MANAGE_TRAINEES)
    membership = membership_managed_by(request.auth, trainee_id)
    try:
        return services.training_complete(membership=membership, by=request.auth, cct_date=payload.cct_date)
    except ValidationError as error:
        return _refused(error)


@router.post("/trainees/{trainee_id}/extensions", response={200: TrainingStatusOut, **ERRORS})
def extend_training(request, trainee_id: int, payload: TrainingExtensionIn):
    """Add months of training (e.g. after an ARCP outcome 3): the CCT estimate moves by them."""
    require(request, Perm.MANAGE_TRAINEES)
    membership = membership_managed_by(request.auth, trainee_id)
    try:
        return services.training_extend(membership=membership, by=request.auth, **payload.dict())
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
