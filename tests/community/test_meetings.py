"""Community of practice meetings are teaching sessions of kind "community": made, moved and cancelled from
the group pages in one audited transaction, in the members' own calendar feeds (and nobody else's), with
reminders, check-in and the group's .ics file built from the same sessions."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from heft.audit.models import AuditEvent
from heft.community import services
from heft.community.models import CommunityGroup, GroupMember
from heft.teaching import selectors as teaching_selectors
from heft.teaching.models import Attendance, CalendarFeedToken, TeachingSession, TeachingYear
from heft.teaching.services import calendar_token_create, reminders_send_due
from heft.trainees.models import Trainee
from tests import factories as f
from tests.engines.timetable.calendars import icalendar_events, vobject_events

LONDON = ZoneInfo("Europe/London")


@dataclass
class Groups:
    a: CommunityGroup  # region A, led by the world's mentor; trainee_a is in it
    a2: CommunityGroup  # region A, no lead; trainee_a2 is in it
    b: CommunityGroup  # region B; trainee_b is in it
    outsider: Trainee  # a HEFT trainee of region A in no group
    year: TeachingYear


@pytest.fixture
def groups(world) -> Groups:
    today = timezone.localdate()
    year = TeachingYear.objects.create(
        label="test", start=today - datetime.timedelta(days=100), end=today + datetime.timedelta(days=265)
    )
    mentor = world.user("mentor").mentor
    made = {}
    for key, region, scheme, lead, trainee in (
        ("a", world.region_a, world.scheme_a, mentor, world.trainee_a),
        ("a2", world.region_a, world.scheme_a, None, world.trainee_a2),
        ("b", world.region_b, world.scheme_b, None, world.trainee_b),
    ):
        made[key] = CommunityGroup.objects.create(
            region=region, scheme=scheme, name=f"Group {key.upper()}", lead=lead
        )
        GroupMember.objects.create(group=made[key], trainee=trainee)
    outsider = f.MembershipFactory(scheme=world.scheme_a).trainee
    return Groups(**made, outsider=outsider, year=year)


def at(days: int, hour: int = 18, minute: int = 30) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour, minute), LONDON)


def add_meeting(group, by, *, days=14, topic="Case discussion", **fields):
    start = at(days)
    return services.meeting_add(
        group=group, topic=topic, start=start, end=start + datetime.timedelta(hours=1, minutes=30), by=by,
        online_link=fields.pop("online_link", "https://meet.heft.invalid/group"), **fields,
    )  # fmt: skip


def private_feed(client, trainee, user) -> bytes:
    token = calendar_token_create(trainee=trainee, by=user)
    response = client.get(reverse("teaching:feed_trainee", kwargs={"token": token}))
    assert response.status_code == 200
    return response.content


def community_uids(data: bytes) -> set[str]:
    return {e["uid"] for e in icalendar_events(data) if e["categories"] == ["community"]}


# --- the session behind a meeting -------------------------------------------------------------------------


def test_a_meeting_is_a_published_community_session_made_in_one_audited_transaction(world, groups):
    meeting = add_meeting(groups.a, world.user("mentor"), venue="  The library  ")
    meeting.refresh_from_db()
    assert meeting.kind == TeachingSession.Kind.COMMUNITY
    assert meeting.community_group == groups.a
    assert meeting.region is None
    assert meeting.year == groups.year
    assert meeting.status == "published"
    assert meeting.published_at is not None
    assert (meeting.title, meeting.topic, meeting.venue) == (
        "Group A: Case discussion",
        "Case discussion",
        "The library",
    )
    verbs = list(
        AuditEvent.objects.filter(target_type="teaching.teachingsession", target_id=str(meeting.pk))
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == ["teaching_session.created", "teaching_session.published"]
    created = AuditEvent.objects.get(verb="teaching_session.created")
    assert created.actor == world.user("mentor")
    assert created.after["community_group"] == groups.a.pk


def test_a_refused_meeting_leaves_nothing_behind(world, groups):
    mentor = world.user("mentor")
    with pytest.raises(ValidationError, match="venue, an online joining link"):
        add_meeting(groups.a, mentor, online_link="")
    with pytest.raises(ValidationError):
        services.meeting_add(group=groups.a, topic="Backwards", start=at(3), end=at(3, 17), by=mentor)
    with pytest.raises(ValidationError, match="No teaching year covers"):
        add_meeting(groups.a, mentor, days=400)
    assert not TeachingSession.objects.exists()
    assert not AuditEvent.objects.exists()


def test_only_the_lead_mentor_and_programme_teams_in_scope_schedule(world, groups):
    add_meeting(groups.a, world.user("regional_lead"))
    add_meeting(groups.a, world.user("scheme_admin"), days=15)
    add_meeting(groups.a, world.user("national_admin"), days=16)
    for role, group in (
        ("trainee", groups.a),  # a member
        ("mentor", groups.a2),  # a mentor, but not this group's
        ("regional_lead", groups.b),  # another region
        ("educator", groups.a),  # runs sessions, not communities
    ):
        with pytest.raises(PermissionDenied):
            add_meeting(group, world.user(role))
    groups.a.archived_at = timezone.now()
    groups.a.save()
    with pytest.raises(PermissionDenied):
        add_meeting(groups.a, world.user("mentor"))
    assert TeachingSession.objects.count() == 3


# --- whose calendars it reaches ---------------------------------------------------------------------------


def test_a_members_feed_holds_their_groups_meetings_and_no_other_groups(client, world, groups):
    mine = add_meeting(groups.a, world.user("mentor"))
    neighbours = add_meeting(groups.a2, world.user("regional_lead"), topic="Quality improvement")
    other_region = add_meeting(groups.b, world.user("national_admin"), topic="Refugee health")
    data = private_feed(client, world.trainee_a, world.user("trainee"))
    assert community_uids(data) == {mine.ical_uid}
    (event,) = [e for e in vobject_events(data) if e["uid"] == mine.ical_uid]  # an independent parser
    assert event["summary"] == "Group A: Case discussion"
    assert event["status"] == "CONFIRMED"
    assert event["start"] == mine.start
    assert event["start"].astimezone(LONDON).hour == 18
    assert b"meet.heft.invalid/group" in data  # the joining link, in the private feed only
    # The other members, the other region and a trainee in no group see only their own, or none.
    in_feed = {t: set(teaching_selectors.sessions_for_trainee(t)) for t in Trainee.objects.all()}
    assert mine not in in_feed[world.trainee_a2]
    assert neighbours in in_feed[world.trainee_a2]
    assert in_feed[world.trainee_b] >= {other_region}
    assert not {mine, neighbours} & in_feed[world.trainee_b]
    assert not {mine, neighbours, other_region} & in_feed[groups.outsider]


def test_the_feed_follows_the_trainee_from_group_to_group(client, world, groups):
    first = add_meeting(groups.a, world.user("mentor"))
    second = add_meeting(groups.a2, world.user("regional_lead"))
    services.group_member_place(group=groups.a2, trainee=world.trainee_a, by=world.user("regional_lead"))
    assert community_uids(private_feed(client, world.trainee_a, world.user("trainee"))) == {second.ical_uid}
    assert set(teaching_selectors.trainees_for_session(first)) == set()
    assert set(teaching_selectors.trainees_for_session(second)) == {world.trainee_a, world.trainee_a2}


def test_public_feeds_and_timetables_leave_community_meetings_out(client, world, groups):
    meeting = add_meeting(groups.a, world.user("mentor"))
    for url in (
        reverse("teaching:feed_national"),
        reverse("teaching:feed_region", kwargs={"region_code": world.region_a.code}),
    ):
        assert meeting.ical_uid not in {e["uid"] for e in icalendar_events(client.get(url).content)}
    assert meeting.title not in client.get(reverse("teaching:public_timetable")).content.decode()


def test_moving_a_meeting_raises_its_sequence_and_tells_subscribed_members_only(
    client, world, groups, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = add_meeting(groups.a, world.user("mentor"))
    for other in (world.trainee_a2, world.trainee_b):  # subscribed, in other groups
        CalendarFeedToken.objects.create(trainee=other, token_hash=str(other.pk).rjust(64, "0"))
    token = calendar_token_create(trainee=world.trainee_a, by=world.user("trainee"))
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(
            meeting=meeting, topic="Continuity of care", start=at(21, 19), end=at(21, 20, 30),
            online_link="https://meet.heft.invalid/group", by=world.user("mentor"),
        )  # fmt: skip
    meeting.refresh_from_db()
    assert (meeting.sequence, meeting.title) == (1, "Group A: Continuity of care")
    data = client.get(reverse("teaching:feed_trainee", kwargs={"token": token})).content
    (event,) = [e for e in icalendar_events(data) if e["uid"] == meeting.ical_uid]
    assert event["sequence"] == 1
    assert event["start"] == at(21, 19)
    assert event["summary"].endswith("care")
    assert [m.to for m in mailoutbox] == [[world.trainee_a.email]]
    assert "community of practice meeting has changed" in mailoutbox[0].body
    updated = AuditEvent.objects.get(verb="teaching_session.updated")
    assert {"start", "end", "topic", "title"} <= set(updated.after)


def test_cancelling_keeps_the_meeting_in_the_feeds_as_cancelled(
    client, client_for, world, groups, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = add_meeting(groups.a, world.user("mentor"))
    token = calendar_token_create(trainee=world.trainee_a, by=world.user("trainee"))
    with pytest.raises(ValidationError, match="Say why"):
        services.meeting_cancel(meeting=meeting, reason=" ", by=world.user("mentor"))
    with pytest.raises(PermissionDenied):
        services.meeting_cancel(meeting=meeting, reason="No room", by=world.user("trainee"))
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting, reason="Mentor unwell", by=world.user("mentor"))
    data = client.get(reverse("teaching:feed_trainee", kwargs={"token": token})).content
    (event,) = [e for e in icalendar_events(data) if e["uid"] == meeting.ical_uid]
    assert (event["status"], event["sequence"]) == ("CANCELLED", 1)
    group_file = client_for("trainee").get(reverse("community:group_calendar", args=[groups.a.pk])).content
    assert [e["status"] for e in icalendar_events(group_file)] == ["CANCELLED"]
    assert mailoutbox[0].subject.startswith("Cancelled:")
    assert "Mentor unwell" in mailoutbox[0].body
    cancelled = AuditEvent.objects.get(verb="teaching_session.cancelled")
    assert cancelled.after == {"status": "cancelled", "reason": "Mentor unwell"}
    with pytest.raises(ValidationError, match="cancelled"):
        services.meeting_update(
            meeting=meeting, topic="x", start=meeting.start, end=meeting.end, online_link="https://a.invalid",
            by=world.user("mentor"),
        )  # fmt: skip


def test_reminders_go_to_the_groups_members_only(world, groups, mailoutbox):
    GroupMember.objects.create(group=groups.a, trainee=groups.outsider)
    meeting = add_meeting(groups.a, world.user("mentor"), days=1)
    add_meeting(groups.b, world.user("national_admin"), days=20)  # not due
    assert reminders_send_due() == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([world.trainee_a.email, groups.outsider.email])
    assert all(meeting.title in m.subject for m in mailoutbox)
    assert "community of practice meeting" in mailoutbox[0].body


# --- the pages --------------------------------------------------------------------------------------------


def meeting_data(**changes) -> dict:
    day = timezone.localdate() + datetime.timedelta(days=30)
    data = {"topic": "Case discussion", "day": day.isoformat(), "starts": "18:30", "ends": "20:00"}
    return {**data, "online_link": "https://meet.heft.invalid/a", **changes}


def test_the_lead_mentor_adds_moves_and_cancels_through_the_group_page(client_for, world, groups):
    client = client_for("mentor")
    add_url = reverse("community:group_meeting_add", args=[groups.a.pk])
    assert client.post(add_url, meeting_data()).status_code == 302
    meeting = TeachingSession.objects.get()
    assert meeting.local_start.strftime("%H:%M") == "18:30"
    assert client.post(add_url, meeting_data(ends="18:00")).status_code == 400
    assert client.post(add_url, meeting_data(online_link="")).status_code == 400
    page = client.get(reverse("community:group_detail", args=[groups.a.pk])).content.decode()
    assert "Case discussion" in page
    assert meeting.check_in_code in page  # the lead shows members the code
    edit_url = reverse("community:group_meeting_edit", args=[groups.a.pk, meeting.pk])
    form = client.get(edit_url).content.decode()
    assert 'value="18:30"' in form
    assert f'value="{meeting.local_start.date().isoformat()}"' in form
    assert client.post(edit_url, meeting_data(starts="19:00", ends="20:30")).status_code == 302
    meeting.refresh_from_db()
    assert meeting.local_start.strftime("%H:%M") == "19:00"
    assert meeting.sequence == 1
    cancel_url = reverse("community:group_meeting_cancel", args=[groups.a.pk, meeting.pk])
    assert client.post(cancel_url, {"reason": ""}).status_code == 400
    assert client.post(cancel_url, {"reason": "Clashes with the conference"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"
    assert "This meeting has been cancelled" in client.get(edit_url).content.decode()


def test_members_see_meetings_but_do_not_schedule_them(client_for, world, groups):
    meeting = add_meeting(groups.a, world.user("mentor"))
    other = add_meeting(groups.a2, world.user("regional_lead"))
    client = client_for("trainee")
    page = client.get(reverse("community:group_detail", args=[groups.a.pk])).content.decode()
    assert "Case discussion" in page
    assert meeting.check_in_code not in page
    assert reverse("teaching:session_detail", kwargs={"pk": meeting.pk}) in page
    for name in ("community:group_meeting_edit", "community:group_meeting_cancel"):
        assert client.post(reverse(name, args=[groups.a.pk, meeting.pk]), meeting_data()).status_code == 404
    assert (
        client.post(reverse("community:group_meeting_add", args=[groups.a.pk]), meeting_data()).status_code
        == 404
    )
    # Another group's meeting cannot be reached through this group, nor its session page opened.
    mentor = client_for("mentor")
    assert (
        mentor.get(reverse("community:group_meeting_edit", args=[groups.a.pk, other.pk])).status_code == 404
    )
    trainee = client_for("trainee")
    assert trainee.get(reverse("teaching:session_detail", kwargs={"pk": other.pk})).status_code == 404
    assert trainee.get(reverse("teaching:session_detail", kwargs={"pk": meeting.pk})).status_code == 200


def test_programme_teams_manage_meetings_in_scope(client_for, world, groups):
    lead = client_for("regional_lead")
    add = reverse("community:manage_group_meeting", args=[groups.a2.pk])
    assert lead.post(add, meeting_data()).status_code == 302
    meeting = TeachingSession.objects.get(community_group=groups.a2)
    page = lead.get(reverse("community:manage_group", args=[groups.a2.pk])).content.decode()
    assert reverse("community:manage_group_meeting_edit", args=[groups.a2.pk, meeting.pk]) in page
    edit = reverse("community:manage_group_meeting_edit", args=[groups.a2.pk, meeting.pk])
    assert lead.get(edit).status_code == 200
    assert lead.post(edit, meeting_data(topic="Journal club")).status_code == 302
    assert TeachingSession.objects.get(pk=meeting.pk).title == "Group A2: Journal club"
    cancel = reverse("community:manage_group_meeting_cancel", args=[groups.a2.pk, meeting.pk])
    assert lead.post(cancel, {"reason": "Too few could come"}).status_code == 302
    other = add_meeting(groups.b, world.user("national_admin"))
    assert (
        lead.get(reverse("community:manage_group_meeting_edit", args=[groups.b.pk, other.pk])).status_code
        == 404
    )


def test_planners_neither_edit_nor_count_community_meetings(client_for, world, groups):
    meeting = add_meeting(groups.a, world.user("mentor"))
    admin = client_for("national_admin")
    assert admin.get(reverse("teaching:session_edit", kwargs={"pk": meeting.pk})).status_code == 404
    page = admin.get(reverse("teaching:session_detail", kwargs={"pk": meeting.pk})).content.decode()
    assert "Community of practice" in page
    assert "Group A" in page
    assert "Edit this session" not in page
    assert "Take the register" in page  # programme teams in scope can still take its register
    assert meeting not in set(teaching_selectors.sessions_plannable_by(world.user("national_admin")))


def test_a_member_checks_in_to_a_meeting_under_way(client_for, world, groups):
    start = timezone.now() - datetime.timedelta(minutes=10)
    meeting = services.meeting_add(
        group=groups.a, topic="Now", start=start, end=start + datetime.timedelta(hours=1),
        venue="Room 2", by=world.user("mentor"),
    )  # fmt: skip
    client = client_for("trainee")
    response = client.post(
        reverse("teaching:check_in", kwargs={"pk": meeting.pk}), {"code": meeting.check_in_code}
    )
    assert response.status_code == 302
    record = Attendance.objects.get()
    assert (record.session, record.trainee, record.source) == (meeting, world.trainee_a, "check_in")
    assert AuditEvent.objects.filter(verb="attendance.checked_in").exists()
    home = client.get(reverse("teaching:home")).content.decode()
    assert "Group A: Now" in home


def test_the_group_calendar_file_is_built_from_the_same_sessions(client_for, world, groups):
    meeting = add_meeting(groups.a, world.user("mentor"))
    add_meeting(groups.a2, world.user("regional_lead"))
    for role in ("trainee", "mentor"):
        response = client_for(role).get(reverse("community:group_calendar", args=[groups.a.pk]))
        assert response["Content-Type"].startswith("text/calendar")
        (event,) = icalendar_events(response.content)
        assert (event["uid"], event["categories"], event["summary"]) == (
            meeting.ical_uid,
            ["community"],
            "Group A: Case discussion",
        )


# --- the API ----------------------------------------------------------------------------------------------


def test_the_apis_show_meetings_as_community_sessions(client_for, world, groups):
    meeting = add_meeting(groups.a, world.user("mentor"))
    add_meeting(groups.a2, world.user("regional_lead"))
    trainee = client_for("trainee")
    sessions = trainee.get("/api/v1/teaching/sessions", {"kind": "community"}).json()["items"]
    assert [(s["id"], s["kind"], s["community"], s["region"]) for s in sessions] == [
        (meeting.pk, "community", groups.a.pk, None)
    ]
    (mine,) = client_for("mentor").get("/api/v1/communities").json()
    assert [(m["id"], m["uid"], m["kind"]) for m in mine["meetings"]] == [
        (meeting.pk, meeting.ical_uid, "community")
    ]
    schema = trainee.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "community" in schema["SessionOut"]["properties"]
    assert "meetings" in schema["CommunityOut"]["properties"]
