"""Planning through the pages: previews explain, saves write drafts with an audit event, scopes hold."""

import datetime

import holidays
import pytest
from django.urls import reverse

from heft.audit.models import AuditEvent
from heft.teaching.models import TeachingSession, TimetablePlan
from heft.teaching.services import calendar_token_create
from tests.pages import squeezed
from tests.teaching.test_timetable_2026_27 import PLAN, REGIONAL_PLAN

NATIONAL = reverse("teaching:plan_national")


def region_url(world, region="region_a"):
    return reverse("teaching:plan_region", kwargs={"region_code": getattr(world, region).code})


def test_the_preview_lists_sessions_and_saves_nothing(client_for):
    response = client_for("national_admin").post(NATIONAL, {**PLAN, "action": "preview"})
    assert response.status_code == 200
    page = squeezed(response.content.decode())
    assert "National session: Street Drugs" in page
    assert "Thu 7 Jan 2027" in page
    assert "Every rule is kept" in page
    assert not TeachingSession.objects.exists()


def test_the_preview_explains_a_rule_it_could_not_keep(client_for):
    blackouts = "2027-02-22 to 2027-02-26 reading week"
    response = client_for("national_admin").post(
        NATIONAL, {**PLAN, "blackouts": blackouts, "action": "preview"}
    )
    page = squeezed(response.content.decode())
    assert "What the planner could not keep" in page
    assert "Gypsies &amp; Traveller Health" in page
    assert "reading week" in page


def test_saving_writes_drafts_a_plan_record_and_an_audit_event(client_for):
    response = client_for("national_admin").post(NATIONAL, {**PLAN, "action": "save"})
    assert response.status_code == 302
    sessions = TeachingSession.objects.order_by("start")
    assert sessions.count() == 7
    assert {s.status for s in sessions} == {"draft"}
    assert sessions.get(kind="conference").venue == "Demo Conference Centre"
    plan = TimetablePlan.objects.get()
    assert plan.region is None
    assert plan.spec["national"]["topics"][0] == "Introduction to Health Inequalities"
    event = AuditEvent.objects.get(verb="timetable.planned")
    assert event.after["sessions"] == 7


def test_saving_again_replaces_the_drafts_but_not_once_published(client_for):
    client = client_for("national_admin")
    client.post(NATIONAL, {**PLAN, "action": "save"})
    first = set(TeachingSession.objects.values_list("pk", flat=True))
    client.post(NATIONAL, {**PLAN, "topics": "Only one topic", "action": "save"})
    assert not first & set(TeachingSession.objects.values_list("pk", flat=True))
    assert TeachingSession.objects.filter(kind="national").count() == 1

    year = TeachingSession.objects.first().year
    client.post(reverse("teaching:publish_drafts"), {"year": year.pk, "region": ""})
    response = client.post(NATIONAL, {**PLAN, "action": "save"})
    assert response.status_code == 400
    assert "already published" in squeezed(response.content.decode())
    assert TeachingSession.objects.filter(kind="national").count() == 1


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"topics": ""}, "This field is required"),
        ({"year_end": "2026-08-01"}, "the end must be after the start"),
        ({"start_time": "16:00", "end_time": "14:00"}, "end time must be after the start time"),
        ({"blackouts": "next tuesday"}, "Line 1: write a date like"),
        ({"conference_date": "2030-01-01"}, "is outside the academic year"),
        ({"topics": "Same\nSame"}, "listed twice"),
    ],
)
def test_bad_plans_show_every_problem_and_save_nothing(client_for, changes, message):
    response = client_for("national_admin").post(NATIONAL, {**PLAN, **changes, "action": "save"})
    assert response.status_code == 400
    assert message in squeezed(response.content.decode())
    assert not TeachingSession.objects.exists()


def test_regional_leads_plan_their_region_around_the_national_programme(client_for, world, before_2026_27):
    client_for("national_admin").post(NATIONAL, {**PLAN, "action": "save"})
    year = TeachingSession.objects.first().year
    lead = client_for("regional_lead")
    assert lead.get(NATIONAL).status_code == 403
    assert lead.get(region_url(world, "region_b")).status_code == 404
    response = lead.post(region_url(world), {**REGIONAL_PLAN, "year": year.pk, "action": "save"})
    assert response.status_code == 302
    regional = TeachingSession.objects.filter(kind="regional").order_by("start")
    assert {s.region for s in regional} == {world.region_a}
    assert regional[0].topic == "Welcome"
    national_days = set(
        TeachingSession.objects.exclude(kind="regional").values_list("start__date", flat=True)
    )
    assert not national_days & {s.start.date() for s in regional}
    # The lead cannot publish the national drafts.
    assert lead.post(reverse("teaching:publish_drafts"), {"year": year.pk, "region": ""}).status_code == 404
    assert (
        lead.post(reverse("teaching:publish_drafts"), {"year": year.pk, "region": "region-a"}).status_code
        == 302
    )
    assert set(regional.values_list("status", flat=True)) == {"published"}
    assert AuditEvent.objects.filter(verb="teaching_session.published").count() == regional.count()


def test_the_plan_page_lists_each_scope_with_its_warnings(client_for, world):
    client_for("national_admin").post(
        NATIONAL, {**PLAN, "blackouts": "2027-02-22 to 2027-02-26 reading week", "action": "save"}
    )
    page = squeezed(client_for("national_admin").get(reverse("teaching:plan_list")).content.decode())
    assert "reading week" in page
    assert "Publish 7 draft sessions" in page
    assert "Region A" in page
    assert "Region B" in page
    lead_page = squeezed(client_for("regional_lead").get(reverse("teaching:plan_list")).content.decode())
    assert "Region A" in lead_page
    assert "Region B" not in lead_page
    assert "reading week" not in lead_page


# --- editing, publishing and cancelling one session -------------------------------------------------------


def edit_data(session, **changes):
    """The edit form's fields as the session stands, with `changes`. A session that ends on a later day (one
    made late in the evening) keeps ending that many days after its date."""
    start, end = session.local_start, session.local_end
    date = datetime.date.fromisoformat(changes.get("date", start.date().isoformat()))
    days_over = (end.date() - start.date()).days
    data = {
        "title": session.title,
        "topic": session.topic,
        "date": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_time": end.strftime("%H:%M"),
        "end_date": (date + datetime.timedelta(days=days_over)).isoformat() if days_over else "",
        "online_link": session.online_link,
        "venue": session.venue,
        "speakers": session.speakers,
        "description": session.description,
    }
    return {**data, **changes}


def free_day(after: datetime.date) -> datetime.date:
    """A weekday that is not a bank holiday or in the Christmas break."""
    england = holidays.country_holidays("GB", subdiv="ENG", years=[after.year, after.year + 1])
    day = after
    while (
        day in england
        or day.weekday() > 4
        or (day.month, day.day) >= (12, 24)
        or (day.month, day.day) == (1, 1)
    ):
        day += datetime.timedelta(days=1)
    return day


def test_a_change_after_publication_raises_the_sequence_and_tells_subscribers(
    client_for, world, teaching, mailoutbox, django_capture_on_commit_callbacks
):
    calendar_token_create(trainee=world.trainee_a, by=world.user("trainee"))  # trainee_a subscribes
    session = teaching.future
    new_day = free_day(session.local_start.date() + datetime.timedelta(days=1))
    client = client_for("national_admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("teaching:session_edit", kwargs={"pk": session.pk}),
            edit_data(session, date=new_day.isoformat(), speakers="Dr Example Speaker"),
        )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.sequence == 1
    assert session.local_start.date() == new_day
    event = AuditEvent.objects.get(verb="teaching_session.updated")
    assert set(event.after) == {"start", "end", "speakers"}
    # Only the subscriber (trainee_a has a live feed; trainee_a2 and trainee_b do not) is emailed.
    assert [m.to for m in mailoutbox] == [[world.trainee_a.email]]
    message = mailoutbox[0]
    assert message.subject.startswith("Changed:")
    assert "Speakers: now Dr Example Speaker" in message.body
    name, content, mimetype = message.attachments[0]
    assert name == "invitation.ics"
    assert mimetype.startswith("text/calendar")
    assert b"SEQUENCE:1" in (content if isinstance(content, bytes) else content.encode())


def test_an_unchanged_save_changes_nothing(client_for, teaching):
    session = teaching.future
    client_for("national_admin").post(
        reverse("teaching:session_edit", kwargs={"pk": session.pk}), edit_data(session)
    )
    session.refresh_from_db()
    assert session.sequence == 0
    assert not AuditEvent.objects.filter(verb="teaching_session.updated").exists()


def test_a_session_cannot_be_moved_onto_a_bank_holiday(client_for, teaching):
    session = teaching.future
    response = client_for("national_admin").post(
        reverse("teaching:session_edit", kwargs={"pk": session.pk}),
        edit_data(session, date="2026-12-25", start_time="14:00", end_time="16:00", end_date=""),
    )
    assert response.status_code == 400
    assert "is a blackout (bank holiday: Christmas Day)" in squeezed(response.content.decode())
    session.refresh_from_db()
    assert session.sequence == 0


def test_leads_plan_only_their_region(client_for, teaching):
    lead = client_for("regional_lead")
    assert (
        lead.get(reverse("teaching:session_edit", kwargs={"pk": teaching.regional_a.pk})).status_code == 200
    )
    for session in (teaching.regional_b, teaching.future, teaching.conference):
        assert lead.get(reverse("teaching:session_edit", kwargs={"pk": session.pk})).status_code == 404


def test_cancelling_a_published_session_tells_subscribers_and_keeps_it_in_the_feed(
    client_for, world, teaching, mailoutbox, django_capture_on_commit_callbacks
):
    calendar_token_create(trainee=world.trainee_a, by=world.user("trainee"))
    session = teaching.regional_a
    client = client_for("regional_lead")
    url = reverse("teaching:session_cancel", kwargs={"pk": session.pk})
    assert client.post(url, {"reason": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"reason": "Speaker unwell"}).status_code == 302
    session.refresh_from_db()
    assert (session.status, session.sequence) == ("cancelled", 1)
    assert mailoutbox[0].subject.startswith("Cancelled:")
    assert "Speaker unwell" in mailoutbox[0].body
    feed = client.get(reverse("teaching:feed_region", kwargs={"region_code": world.region_a.code})).content
    assert b"STATUS:CANCELLED" in feed
    assert str(session.uid).encode() in feed
    assert client.post(url, {"reason": "again"}).status_code == 400


def test_cancelling_a_draft_deletes_it(client_for, teaching):
    url = reverse("teaching:session_cancel", kwargs={"pk": teaching.draft.pk})
    assert client_for("regional_lead").post(url, {"reason": "Not needed"}).status_code == 302
    assert not TeachingSession.objects.filter(pk=teaching.draft.pk).exists()
    assert AuditEvent.objects.filter(verb="teaching_session.draft_deleted").exists()


def test_publishing_one_draft(client_for, teaching):
    url = reverse("teaching:session_publish", kwargs={"pk": teaching.draft.pk})
    client_for("regional_lead").post(url)
    teaching.draft.refresh_from_db()
    assert teaching.draft.status == "published"
    assert teaching.draft.published_at
