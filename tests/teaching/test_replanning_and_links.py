"""A region planned again once its year is under way: what is published or past stays, only the future is
planned, the national sessions are shown beside it. One joining link for many sessions. "Join online" is a
link, not markup shown as text."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from heft.audit.models import AuditEvent
from heft.engines.timetable import parse_spec, plan_regional
from heft.teaching.models import TeachingSession, TimetablePlan
from heft.teaching.services import calendar_token_create, timetable_save_plan
from tests.pages import page_text
from tests.teaching.test_timetable_2026_27 import PLAN, REGIONAL_PLAN


def region_url(world, region="region_a"):
    return reverse("teaching:plan_region", kwargs={"region_code": getattr(world, region).code})


@pytest.fixture
def year_under_way(client_for, world, monkeypatch, before_2026_27):
    """The 2026/27 national programme published, and region A's sessions planned before the year began;
    those before today published, with the first one to come; the rest still drafts. Then today comes."""
    admin = client_for("national_admin")
    admin.post(reverse("teaching:plan_national"), {**PLAN, "action": "save"})
    year = TeachingSession.objects.get(kind="conference").year
    admin.post(reverse("teaching:publish_drafts"), {"year": year.pk, "region": ""})
    lead = client_for("regional_lead")
    assert (
        lead.post(region_url(world), {**REGIONAL_PLAN, "year": year.pk, "action": "save"}).status_code == 302
    )
    now = timezone.now()
    regional = TeachingSession.objects.filter(region=world.region_a).order_by("start")
    first_to_come = regional.filter(start__gt=now).first()
    published = [s for s in regional if s.start < now] + [first_to_come]
    TeachingSession.objects.filter(pk__in=[s.pk for s in published]).update(
        status="published", published_at=now
    )
    monkeypatch.undo()  # back to today's clock
    return year, published, first_to_come


def test_a_replan_keeps_what_is_published_or_past_and_plans_only_the_future(
    client_for, world, year_under_way
):
    year, published, first_to_come = year_under_way
    drafts_before = set(
        TeachingSession.objects.filter(region=world.region_a, status="draft").values_list("pk", flat=True)
    )
    lead = client_for("regional_lead")
    response = lead.post(region_url(world), {**REGIONAL_PLAN, "year": year.pk, "action": "preview"})
    assert response.status_code == 200
    page = page_text(response)
    first_day = timezone.localtime(first_to_come.end).date() + datetime.timedelta(days=1)
    assert f"{len(published)} of the region's sessions are published or past: they stay as they are" in page
    assert f"The new plan starts on {first_day:%a} {first_day.day} {first_day:%b %Y}" in page
    assert f"replaces the {len(drafts_before)} draft sessions after it" in page
    assert "National: stays" in page
    assert "National session: Street Drugs" in page  # beside the regional ones
    assert "Published: stays" in page
    assert "Past: stays" in page
    assert "New draft" in page
    assert "regional welcome" not in page.split("The planned sessions")[1].split("Past: stays")[-1]

    response = lead.post(region_url(world), {**REGIONAL_PLAN, "year": year.pk, "action": "save"})
    assert response.status_code == 302
    regional = TeachingSession.objects.filter(region=world.region_a)
    assert {s.pk for s in published} <= set(regional.values_list("pk", flat=True))  # untouched
    assert not drafts_before & set(regional.values_list("pk", flat=True))  # replaced
    new = regional.filter(status="draft")
    assert new.exists()
    assert all(timezone.localtime(s.start).date() >= first_day for s in new)
    assert not new.filter(topic="Welcome").exists()
    event = AuditEvent.objects.filter(verb="timetable.planned").latest("pk")
    assert event.after["planned_from"] == first_day.isoformat()
    assert sorted(event.after["replaced_drafts"]) == sorted(drafts_before)
    assert TimetablePlan.objects.filter(region=world.region_a).count() == 2


def test_a_region_planned_for_the_first_time_mid_year_plans_no_past_dates(client_for, world):
    admin = client_for("national_admin")
    admin.post(reverse("teaching:plan_national"), {**PLAN, "action": "save"})
    year = TeachingSession.objects.get(kind="conference").year
    admin.post(reverse("teaching:publish_drafts"), {"year": year.pk, "region": ""})
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    preview = admin.post(
        region_url(world, "region_b"), {**REGIONAL_PLAN, "year": year.pk, "action": "preview"}
    )
    assert "National session: Introduction to Health Inequalities" in page_text(preview)  # past, shown
    response = admin.post(region_url(world, "region_b"), {**REGIONAL_PLAN, "year": year.pk, "action": "save"})
    assert response.status_code == 302
    planned = TeachingSession.objects.filter(region=world.region_b)
    assert planned.exists()
    assert all(timezone.localtime(s.start).date() >= tomorrow for s in planned)
    assert planned.order_by("start").first().topic == "Welcome"  # before the next national session
    next_national = TeachingSession.objects.filter(kind="national", start__date__gte=tomorrow).order_by(
        "start"
    )
    assert planned.order_by("start").first().end <= next_national.first().start


def test_a_stale_plan_that_reaches_into_the_kept_part_is_refused(world, year_under_way):
    year, _, _ = year_under_way
    spec_data = {
        "academic_year": {"start": year.start.isoformat(), "end": year.end.isoformat()},
        "national": {"topics": ["x"]},
        "regional": {"name": "Region A", "weekday": "friday", "every_weeks": 8},
    }
    spec = parse_spec(spec_data)
    result = plan_regional(spec, [])  # from the start of the year, past dates included
    with pytest.raises(ValidationError, match="preview it again"):
        timetable_save_plan(
            spec=spec,
            spec_data=spec_data,
            result=result,
            region=world.region_a,
            by=world.user("regional_lead"),
        )


def test_the_national_programme_is_still_refused_once_published(client_for, year_under_way):
    response = client_for("national_admin").post(
        reverse("teaching:plan_national"), {**PLAN, "action": "save"}
    )
    assert response.status_code == 400
    assert "already published" in page_text(response)


# --- one joining link for many sessions -------------------------------------------------------------------

LINK = "https://meet.heft.invalid/region-a-series"


def links_url(world=None, region="region_a"):
    if world is None:
        return reverse("teaching:national_online_links")
    return reverse("teaching:region_online_links", kwargs={"region_code": getattr(world, region).code})


def test_a_link_for_many_sessions_is_reviewed_then_set_and_audited(
    client_for, world, teaching, mailoutbox, django_capture_on_commit_callbacks
):
    calendar_token_create(trainee=world.trainee_a, by=world.user("trainee"))  # trainee A subscribes
    lead = client_for("regional_lead")
    page = page_text(lead.get(links_url(world)))
    assert teaching.regional_a.title in page
    assert "Draft" in page  # the region's coming sessions, drafts too
    assert teaching.regional_b.title not in page
    assert "National session" not in page
    chosen = [teaching.regional_a.pk, teaching.draft.pk]

    review = lead.post(links_url(world), {"sessions": chosen, "online_link": LINK})
    assert review.status_code == 200
    assert "Set this link for 2 sessions?" in page_text(review)
    assert "1 of them is published" in page_text(review)
    teaching.regional_a.refresh_from_db()
    assert teaching.regional_a.online_link == ""

    with django_capture_on_commit_callbacks(execute=True):
        response = lead.post(links_url(world), {"sessions": chosen, "online_link": LINK, "action": "set"})
    assert response.status_code == 302
    teaching.regional_a.refresh_from_db()
    teaching.draft.refresh_from_db()
    assert (teaching.regional_a.online_link, teaching.regional_a.sequence) == (LINK, 1)
    assert (teaching.draft.online_link, teaching.draft.sequence) == (LINK, 0)
    events = AuditEvent.objects.filter(verb="teaching_session.updated")
    assert {e.target_id for e in events} == {str(pk) for pk in chosen}
    assert all(e.before == {"online_link": ""} and e.after["online_link"] == LINK for e in events)
    (message,) = mailoutbox  # trainee A only: the draft is nobody's yet
    assert message.to == [world.trainee_a.email]
    assert LINK in message.body
    assert message.attachments[0][0] == "invitations.ics"


def test_each_subscriber_is_told_once_for_many_sessions(
    client_for, world, teaching, mailoutbox, django_capture_on_commit_callbacks
):
    calendar_token_create(trainee=world.trainee_a, by=world.user("trainee"))
    admin = client_for("national_admin")
    chosen = [teaching.future.pk, teaching.conference.pk]
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(links_url(), {"sessions": chosen, "online_link": LINK, "action": "set"})
    (message,) = mailoutbox
    assert message.subject == "New joining link: 2 sessions"
    assert teaching.future.title in message.body
    assert teaching.conference.title in message.body


def test_the_link_pages_keep_to_the_planners_scope(client_for, world, teaching):
    lead = client_for("regional_lead")
    assert lead.get(links_url()).status_code == 403
    assert lead.get(links_url(world, "region_b")).status_code == 404
    response = lead.post(links_url(world), {"sessions": [teaching.regional_b.pk], "online_link": LINK})
    assert response.status_code == 400  # not one of the choices
    response = lead.post(
        links_url(world), {"sessions": [teaching.regional_a.pk], "online_link": "not a link"}
    )
    assert response.status_code == 400
    assert "Enter a valid URL" in page_text(response)


# --- "Join online" ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["trainee", "educator", "national_admin"])
def test_join_online_is_a_link_not_markup_shown_as_text(client_for, teaching, role):
    html = (
        client_for(role)
        .get(reverse("teaching:session_detail", kwargs={"pk": teaching.now.pk}))
        .content.decode()
    )
    assert (
        '<a class="heft-break-anywhere" href="https://meet.heft.invalid/now">https://meet.heft.invalid/now</a>'
        in html
    )
    assert "&lt;a href" not in html
    assert "&lt;/a&gt;" not in html
