"""The data migration that turns GroupMeeting rows into teaching sessions of kind community, and back."""

import datetime
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("community", "0004_interest_areas"), ("teaching", "0001_initial")]
AFTER = [("community", "0005_meetings_as_teaching_sessions"), ("teaching", "0002_community_sessions")]
UTC = datetime.UTC


def moment(*parts) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def at_the_end():
    """Whatever happens in the test, the database goes back to the latest migrations for the next test."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_meetings_become_published_community_sessions_with_the_same_uids(at_the_end):
    apps = migrate(BEFORE)
    region = apps.get_model("programmes", "Region").objects.create(code="mig", name="Migration Region")
    group = apps.get_model("community", "CommunityGroup").objects.create(region=region, name="Group M")
    apps.get_model("teaching", "TeachingYear").objects.create(
        label="2026/27", start=datetime.date(2026, 8, 5), end=datetime.date(2027, 8, 3)
    )
    Meeting = apps.get_model("community", "GroupMeeting")
    in_year = Meeting.objects.create(
        group=group, topic="Case discussion", venue="The library", uid=uuid.uuid4(),
        start=moment(2027, 1, 14, 18, 30), end=moment(2027, 1, 14, 20),
    )  # fmt: skip
    # 4 August 2027 is after the planned year: it goes into 2027/28 (from Wednesday 4 August), made for it.
    next_year = Meeting.objects.create(
        group=group, topic="Welcome back", online_link="https://meet.heft.invalid/m", uid=uuid.uuid4(),
        start=moment(2027, 8, 4, 17, 30), end=moment(2027, 8, 4, 19),
    )  # fmt: skip

    apps = migrate(AFTER)
    sessions = {
        s.uid: s for s in apps.get_model("teaching", "TeachingSession").objects.select_related("year")
    }
    first, second = sessions[in_year.uid], sessions[next_year.uid]
    assert (first.kind, first.community_group_id, first.region_id) == ("community", group.pk, None)
    assert (first.title, first.topic, first.venue) == (
        "Group M: Case discussion",
        "Case discussion",
        "The library",
    )
    assert (first.start, first.end) == (in_year.start, in_year.end)
    assert first.status == "published"
    assert first.published_at is not None
    assert first.year.label == "2026/27"
    assert (second.year.label, second.year.start, second.year.end) == (
        "2027/28",
        datetime.date(2027, 8, 4),
        datetime.date(2028, 8, 1),
    )
    assert second.online_link == "https://meet.heft.invalid/m"
    assert len(first.check_in_code) == 6

    apps = migrate(BEFORE)  # and back: the meetings return with their UIDs
    back = apps.get_model("community", "GroupMeeting").objects.order_by("start")
    assert [(m.uid, m.topic, m.start) for m in back] == [
        (in_year.uid, "Case discussion", in_year.start),
        (next_year.uid, "Welcome back", next_year.start),
    ]
    assert not apps.get_model("teaching", "TeachingSession").objects.exists()
