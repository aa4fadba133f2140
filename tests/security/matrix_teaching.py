"""The records named in the teaching routes' addresses in the access matrix (see access_matrix.py):
sessions in region A or national, the signed-in trainee's feed token, trainee A2's placement and a batch of
release notices sent for it. The statuses are in docs/security.md.
"""

import datetime

from django.utils import timezone

from heft.teaching.models import ReleaseNotice, ReleaseNoticeBatch, TeachingSession, TeachingYear
from heft.teaching.services import calendar_token_create
from tests import factories as f

URL_KWARGS: dict[str, dict[str, str]] = {
    "teaching:public_region_timetable": {"region_code": "teaching_region_a_code"},
    "teaching:feed_region": {"region_code": "teaching_region_a_code"},
    "teaching:feed_trainee": {"token": "teaching_feed_token"},
    "teaching:session_detail": {"pk": "teaching_session_pk"},
    "teaching:session_edit": {"pk": "teaching_regional_pk"},
    "teaching:session_publish": {"pk": "teaching_draft_pk"},
    "teaching:session_cancel": {"pk": "teaching_regional_pk"},
    "teaching:register": {"pk": "teaching_session_pk"},
    "teaching:register_import": {"pk": "teaching_session_pk"},
    "teaching:check_in": {"pk": "teaching_session_pk"},
    "teaching:reflection": {"pk": "teaching_session_pk"},
    "teaching:feedback": {"pk": "teaching_session_pk"},
    "teaching:plan_region": {"region_code": "teaching_region_a_code"},
    "teaching:region_online_links": {"region_code": "teaching_region_a_code"},
    "teaching:release_notices": {"year_id": "teaching_year_pk"},
    "teaching:release_supervisor": {"year_id": "teaching_year_pk", "placement_id": "teaching_placement_pk"},
    "teaching:release_batch": {"pk": "teaching_batch_pk"},
    "teaching:trainee_attendance": {"trainee_id": "trainee_a2_pk"},
    "teaching:trainee_release_notice": {"trainee_id": "trainee_a2_pk"},
    "api:get_teaching_session": {"session_id": "teaching_session_pk"},
    "api:teaching_check_in": {"session_id": "teaching_session_pk"},
}

# The API's writes: checking in with the session's own code.
BODIES = {
    "api:teaching_check_in": lambda v: {
        "code": TeachingSession.objects.get(pk=v["teaching_session_pk"]).check_in_code
    },
}


def kwargs(world) -> dict[str, str]:
    """A year with a national session under way, a coming region A session and a region A draft; the signed-in
    trainee's calendar feed token; trainee A2 (scheme A) placed now, with a release notice sent in a batch."""
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
    today = timezone.localdate()
    placement = f.PlacementFactory(
        membership=world.trainee_a2.memberships.get(),
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=60),
        clinical_supervisor_name="Dr Matrix Supervisor",
        clinical_supervisor_email="matrix.supervisor@example.org",
    )
    batch = ReleaseNoticeBatch.objects.create(year=year)
    ReleaseNotice.objects.create(
        trainee=world.trainee_a2,
        placement=placement,
        batch=batch,
        supervisor_name="Dr Matrix Supervisor",
        supervisor_email="matrix.supervisor@example.org",
        sessions=[{"id": national.pk, "title": national.title, "start": national.start.isoformat()}],
        status=ReleaseNotice.Status.SENT,
        sent_at=now,
        sent_by=world.user("regional_lead"),
    )
    return {
        "teaching_year_pk": year.pk,
        "teaching_placement_pk": placement.pk,
        "teaching_batch_pk": batch.pk,
        "teaching_region_a_code": world.region_a.code,
        "teaching_session_pk": national.pk,
        "teaching_regional_pk": regional.pk,
        "teaching_draft_pk": draft.pk,
        "teaching_feed_token": calendar_token_create(trainee=world.trainee_a, by=world.user("trainee")),
    }
