"""Teaching in the REST API: sessions, attendance (own, or staff within scope) and calendar feed tokens."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from heft.accounts.permissions import Perm
from heft.api_common.auth import require, require_any
from heft.api_common.checks import ID_RANGE
from heft.api_common.errors import API_ERRORS, ErrorOut
from heft.api_common.pagination import Pagination
from heft.core.ratelimit import RateLimitThrottle
from heft.teaching import selectors, services
from heft.teaching.perms import TEACHING_PERMS
from heft.trainees.selectors import own_record_or_404

router = Router(tags=["teaching"])
ERRORS = {**API_ERRORS, 400: ErrorOut}


class SessionOut(Schema):
    id: int
    uid: str
    kind: str  # national, regional, conference or community
    region: str | None
    community: int | None  # the community of practice whose meeting this is
    year: str
    title: str
    topic: str
    description: str
    start: datetime
    end: datetime
    venue: str
    online_link: str
    speakers: str
    status: str
    sequence: int

    @staticmethod
    def resolve_uid(obj) -> str:
        return obj.ical_uid

    @staticmethod
    def resolve_region(obj) -> str | None:
        return obj.region.code if obj.region_id else None

    @staticmethod
    def resolve_community(obj) -> int | None:
        return obj.community_group_id

    @staticmethod
    def resolve_year(obj) -> str:
        return obj.year.label


class AttendanceOut(Schema):
    session: int
    session_title: str
    session_start: datetime
    trainee: int
    trainee_name: str
    status: str
    source: str
    recorded_at: datetime

    @staticmethod
    def resolve_session(obj) -> int:
        return obj.session_id

    @staticmethod
    def resolve_session_title(obj) -> str:
        return obj.session.title

    @staticmethod
    def resolve_session_start(obj) -> datetime:
        return obj.session.start

    @staticmethod
    def resolve_trainee(obj) -> int:
        return obj.trainee_id

    @staticmethod
    def resolve_trainee_name(obj) -> str:
        return obj.trainee.full_name


class CheckInIn(Schema):
    code: str


class CalendarTokenOut(Schema):
    active: bool
    created_at: datetime | None = None
    last_used_at: datetime | None = None


class NewCalendarTokenOut(Schema):
    url: str
    webcal: str


@router.get("/teaching/sessions", response={200: list[SessionOut], **ERRORS})
@paginate(Pagination)
def list_teaching_sessions(request, year: str = "", kind: str = "", region: str = ""):
    """Sessions the caller may see: their own (trainees: the programme, their region's and their community
    of practice's meetings), or those they plan, run or report on (staff). `kind` is national, regional,
    conference or community."""
    require_any(request, *TEACHING_PERMS)
    return selectors.sessions_listed_for(request.auth, year=year[:20], kind=kind[:20], region=region[:40])


@router.get("/teaching/sessions/{session_id}", response={200: SessionOut, **ERRORS})
def get_teaching_session(request, session_id: int):
    require_any(request, *TEACHING_PERMS)
    return get_object_or_404(selectors.sessions_visible_to(request.auth), pk=session_id)


@router.post(
    "/teaching/sessions/{session_id}/check-in",
    response={200: AttendanceOut, **ERRORS},
    # Codes are short: guesses count against the same limit as the check-in page's, and the API's.
    throttle=[RateLimitThrottle("api"), RateLimitThrottle("check_in")],
)
def teaching_check_in(request, session_id: int, payload: CheckInIn):
    """Check in to a session under way with its code (trainees)."""
    require(request, Perm.ATTEND_SESSIONS)
    trainee = own_record_or_404(request.auth)
    session = get_object_or_404(selectors.sessions_for_trainee(trainee), pk=session_id)
    try:
        return services.attendance_check_in(session=session, code=payload.code, by=request.auth)
    except ValidationError as error:
        raise HttpError(400, " ".join(error.messages)) from error


@router.get("/teaching/attendance/me", response={200: list[AttendanceOut], **ERRORS})
@paginate(Pagination)
def list_my_attendance(request):
    """The signed-in trainee's own attendance."""
    require(request, Perm.ATTEND_SESSIONS)
    trainee = own_record_or_404(request.auth)
    return selectors.attendance_of(trainee)


@router.get("/teaching/attendance", response={200: list[AttendanceOut], **ERRORS})
@paginate(Pagination)
def list_teaching_attendance(request, session: int | None = None):
    """Attendance the caller may see as staff: trainees in their scope and the registers they take."""
    require_any(request, Perm.VIEW_ATTENDANCE, Perm.RUN_SESSIONS)
    # No session has an id beyond a 64-bit integer, and the databases cannot compare a column with one.
    if session is not None and session not in ID_RANGE:
        return []
    return selectors.attendance_visible_for_session(request.auth, session)


@router.get("/teaching/calendar-token", response={200: CalendarTokenOut, **ERRORS})
def get_calendar_token(request):
    """Whether the trainee has a live private calendar feed. The address itself is shown only when made."""
    require(request, Perm.ATTEND_SESSIONS)
    token = selectors.live_calendar_token(own_record_or_404(request.auth))
    if token is None:
        return {"active": False}
    return {"active": True, "created_at": token.created_at, "last_used_at": token.last_used_at}


@router.post("/teaching/calendar-token", response={201: NewCalendarTokenOut, **ERRORS})
def create_calendar_token(request):
    """A new private feed address (any earlier one stops working). Keep it secret: it is shown once."""
    require(request, Perm.ATTEND_SESSIONS)
    trainee = own_record_or_404(request.auth)
    raw = services.calendar_token_create(trainee=trainee, by=request.auth)
    url = request.build_absolute_uri(reverse("teaching:feed_trainee", kwargs={"token": raw}))
    return Status(201, {"url": url, "webcal": "webcal://" + url.split("://", 1)[1]})


@router.delete("/teaching/calendar-token", response={204: None, **ERRORS})
def revoke_calendar_token(request):
    require(request, Perm.ATTEND_SESSIONS)
    services.calendar_token_revoke(trainee=own_record_or_404(request.auth), by=request.auth)
    return Status(204, None)
