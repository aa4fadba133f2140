"""Community meetings become teaching sessions of kind "community", so that they reach the members' own
calendar feeds, reminders and attendance. Each GroupMeeting row is copied to a published session with the
same UID (calendars that imported the group's file update the event in place), then the model goes.

A meeting on a date no teaching year covers goes into the academic year of its date (first Wednesday of
August to the day before the next one), created if need be, so that no meeting is lost.
"""

import datetime

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

TITLE_LENGTH = 200


def meeting_title(group_name: str, topic: str) -> str:
    title = f"{group_name}: {topic}"
    return title if len(title) <= TITLE_LENGTH else title[: TITLE_LENGTH - 1] + "…"


def first_wednesday_of_august(year: int) -> datetime.date:
    first = datetime.date(year, 8, 1)
    return first + datetime.timedelta(days=(2 - first.weekday()) % 7)


def year_for(TeachingYear, day: datetime.date):
    covering = TeachingYear.objects.filter(start__lte=day, end__gte=day).order_by("start").first()
    if covering:
        return covering
    begins = first_wednesday_of_august(day.year)
    start = begins if day >= begins else first_wednesday_of_august(day.year - 1)
    end = first_wednesday_of_august(start.year + 1) - datetime.timedelta(days=1)
    label = f"{start.year}/{end.year % 100:02d}"
    existing = TeachingYear.objects.filter(Q(label=label) | Q(start=start)).first()
    return existing or TeachingYear.objects.create(label=label, start=start, end=end)


def meetings_to_sessions(apps, schema_editor):
    GroupMeeting = apps.get_model("community", "GroupMeeting")
    TeachingSession = apps.get_model("teaching", "TeachingSession")
    TeachingYear = apps.get_model("teaching", "TeachingYear")
    now = timezone.now()
    for meeting in GroupMeeting.objects.select_related("group").order_by("pk"):
        TeachingSession.objects.create(
            uid=meeting.uid,
            year=year_for(TeachingYear, timezone.localtime(meeting.start).date()),
            kind="community",
            community_group_id=meeting.group_id,
            title=meeting_title(meeting.group.name, meeting.topic),
            topic=meeting.topic,
            start=meeting.start,
            end=meeting.end,
            venue=meeting.venue,
            online_link=meeting.online_link,
            status="published",
            published_at=now,
        )


def sessions_to_meetings(apps, schema_editor):
    """Back to GroupMeeting rows (cancelled meetings are dropped: the old model had no status). Refused
    while trainees have records against a meeting, which the old model could not hold."""
    GroupMeeting = apps.get_model("community", "GroupMeeting")
    TeachingSession = apps.get_model("teaching", "TeachingSession")
    sessions = TeachingSession.objects.filter(kind="community")
    held = sessions.filter(
        Q(attendances__isnull=False) | Q(reflections__isnull=False) | Q(feedback__isnull=False)
    )
    if held.exists():
        raise RuntimeError(
            "Community meetings have attendance, reflections or feedback: undoing this migration would lose them."
        )
    for session in sessions.exclude(status="cancelled").order_by("pk"):
        GroupMeeting.objects.create(
            uid=session.uid,
            group_id=session.community_group_id,
            topic=session.topic[:200],
            start=session.start,
            end=session.end,
            venue=session.venue,
            online_link=session.online_link,
        )
    sessions.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0004_interest_areas"),
        ("teaching", "0002_community_sessions"),
    ]

    operations = [
        migrations.RunPython(meetings_to_sessions, sessions_to_meetings),
        migrations.DeleteModel(name="GroupMeeting"),
    ]
