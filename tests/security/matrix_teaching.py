"""Access matrix entries for teaching: the public timetable and feeds; planners, session runners, attendance
viewers and trainees each on their own pages. Sessions in the URLs are in region A (see kwargs)."""

import datetime

from django.utils import timezone

from heft.teaching.models import TeachingSession, TeachingYear
from heft.teaching.services import calendar_token_create
from tests.security.matrix_rules import (
    EDUCATOR,
    NATIONAL,
    PROGRAMME_TEAM,
    REGIONAL,
    TRAINEE,
    Route,
    action,
    api,
    page,
    route,
    statuses,
)

PUBLIC_PAGE = (statuses(200), statuses(405))
PLANNERS = [NATIONAL, REGIONAL]
RUNNERS = [*PROGRAMME_TEAM, EDUCATOR]
EVERY_TEACHING_ROLE = [*RUNNERS, TRAINEE]
SESSION = {"pk": "teaching_session_pk"}  # national, under way
REGIONAL_SESSION = {"pk": "teaching_regional_pk"}  # region A, next week
CALENDAR_TOKEN = (api([TRAINEE])[0], statuses(403, anonymous=401, trainee=201))  # POST makes a new one

ROUTES: dict[str, Route] = {
    # Public: the national and regional programmes and their calendar feeds; a trainee's secret feed.
    "teaching:public_timetable": route(PUBLIC_PAGE),
    "teaching:public_region_timetable": route(PUBLIC_PAGE, region_code="teaching_region_a_code"),
    "teaching:feed_national": route(PUBLIC_PAGE),
    "teaching:feed_region": route(PUBLIC_PAGE, region_code="teaching_region_a_code"),
    "teaching:feed_trainee": route(PUBLIC_PAGE, token="teaching_feed_token"),
    # Every teaching role.
    "teaching:home": route(page(EVERY_TEACHING_ROLE)),
    "teaching:session_detail": route(page(EVERY_TEACHING_ROLE), **SESSION),
    # Planning: national admins (England) and regional leads (their region).
    "teaching:plan_list": route(page(PLANNERS)),
    "teaching:plan_national": route(page([NATIONAL], post_ok=400)),  # regional leads: 403
    "teaching:plan_region": route(page(PLANNERS, post_ok=400), region_code="teaching_region_a_code"),
    "teaching:publish_drafts": route(action(PLANNERS, post_ok=404)),
    "teaching:session_edit": route(page(PLANNERS, post_ok=400), **REGIONAL_SESSION),
    "teaching:session_publish": route(action(PLANNERS, post_ok=302), pk="teaching_draft_pk"),
    "teaching:session_cancel": route(action(PLANNERS, post_ok=400), **REGIONAL_SESSION),
    # Running sessions: educators and programme teams.
    "teaching:register": route(page(RUNNERS, post_ok=302), **SESSION),
    "teaching:feedback_summary": route(page(RUNNERS)),
    # Trainees.
    "teaching:check_in": route(action([TRAINEE], post_ok=302), **SESSION),
    "teaching:reflection": route(page([TRAINEE], post_ok=400), **SESSION),
    "teaching:feedback": route(page([TRAINEE], post_ok=400), **SESSION),
    "teaching:calendar": route(page([TRAINEE], post_ok=200)),
    "teaching:calendar_revoke": route(action([TRAINEE], post_ok=302)),
    "teaching:release_notice": route(page([TRAINEE], post_ok=400)),
    # Attendance: programme teams, within scope.
    "teaching:attendance": route(page(PROGRAMME_TEAM)),
    "teaching:attendance_chart": route(page(PROGRAMME_TEAM)),
    "teaching:trainee_attendance": route(page(PROGRAMME_TEAM), trainee_id="trainee_a2_pk"),
    "teaching:trainee_release_notice": route(page(PROGRAMME_TEAM, post_ok=400), trainee_id="trainee_a2_pk"),
    # The API. A POST with no body is refused as malformed once signed in, before any other check.
    "api:list_teaching_sessions": route(api(EVERY_TEACHING_ROLE)),
    "api:get_teaching_session": route(api(EVERY_TEACHING_ROLE), session_id="teaching_session_pk"),
    "api:teaching_check_in": route(
        (statuses(405), statuses(400, anonymous=401)), session_id="teaching_session_pk"
    ),
    "api:list_my_attendance": route(api([TRAINEE])),
    "api:list_teaching_attendance": route(api(RUNNERS)),
    "api:get_calendar_token": route(CALENDAR_TOKEN),
    "api:create_calendar_token": route(CALENDAR_TOKEN),  # the same address
    "api:revoke_calendar_token": route(CALENDAR_TOKEN),
}


def kwargs(world) -> dict[str, str]:
    """A year with a national session under way, a coming region A session and a region A draft; the signed-in
    trainee's calendar feed token."""
    now = timezone.now()
    year = TeachingYear.objects.create(
        label="matrix",
        start=now.date() - datetime.timedelta(days=60),
        end=now.date() + datetime.timedelta(days=300),
    )
    common = {"year": year, "title": "Session", "topic": "Topic", "published_at": now, "status": "published"}
    hour = datetime.timedelta(hours=1)
    national = TeachingSession.objects.create(kind="national", start=now - hour, end=now + hour, **common)
    regional = TeachingSession.objects.create(
        kind="regional", region=world.region_a, start=now + 150 * hour, end=now + 152 * hour, **common
    )
    draft = TeachingSession.objects.create(
        **{**common, "status": "draft", "published_at": None},
        kind="regional",
        region=world.region_a,
        start=now + 300 * hour,
        end=now + 302 * hour,
    )
    return {
        "teaching_region_a_code": world.region_a.code,
        "teaching_session_pk": national.pk,
        "teaching_regional_pk": regional.pk,
        "teaching_draft_pk": draft.pk,
        "teaching_feed_token": calendar_token_create(trainee=world.trainee_a, by=world.user("trainee")),
    }
