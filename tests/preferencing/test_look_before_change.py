"""Consequential actions show what they will do and ask first: closing a window early (and reopening it
until a run is made), publishing a run, withdrawing a rotation. And the places left never go below none."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from heft.audit.models import AuditEvent
from heft.preferencing import services
from heft.preferencing.models import AllocationRun, Offer, PreferenceWindow
from heft.preferencing.services import PreferencingError
from tests.pages import page_text
from tests.preferencing.test_services import SOON, close, ranked_everyone, submit


def window_page(client, allocation) -> str:
    return page_text(client.get(reverse("preferencing:window_detail", args=[allocation.window.pk])))


def draft(allocation, trainee, codes):
    services.preferences_save(
        window_id=allocation.window.pk, trainee=trainee, rotation_codes=codes, submit=False, by=trainee.user
    )


# --- closing early ------------------------------------------------------------------------------------------


def test_closing_early_shows_who_has_not_submitted_and_closes_only_once_confirmed(allocation, client):
    t = allocation.trainees
    submit(allocation, t[0], ["R2"])
    draft(allocation, t[1], ["R3"])
    window = allocation.window
    closes = window.closes_at
    client.force_login(allocation.lead)
    url = reverse("preferencing:window_close", args=[window.pk])

    # The window's page leads to the question; it has no button that closes the window in one press.
    page = window_page(client, allocation)
    assert f'<form method="get" action="{url}">' in page
    assert f'<form method="post" action="{url}">' not in page

    asked = page_text(client.get(url))
    assert "3 of 4 trainees have not submitted" in asked
    assert "1 of them has a draft, which does not count" in asked
    assert all(trainee.full_name in asked for trainee in t[1:])
    assert t[0].full_name not in asked
    assert "you can reopen it with a new closing date until a run is made from it" in asked

    not_confirmed = client.post(url)
    assert not_confirmed["Location"] == url
    window.refresh_from_db()
    assert window.closes_at == closes
    assert window.is_open()

    closed = client.post(url, {"confirm": "yes"})
    assert closed["Location"] == reverse("preferencing:window_detail", args=[window.pk])
    window.refresh_from_db()
    assert window.has_closed()


# --- reopening ----------------------------------------------------------------------------------------------


def test_a_closed_window_reopens_with_a_new_date_and_lists_can_change_again(allocation):
    window = allocation.window
    services.window_close_now(window=window, by=allocation.lead)
    next_week = timezone.now() + datetime.timedelta(days=7)

    reopened = services.window_reopen(window=window, closes_at=next_week, by=allocation.lead)

    assert reopened.is_open()
    assert reopened.closes_at == next_week
    submit(allocation, allocation.trainees[0], ["R3"])  # lists can change again
    event = AuditEvent.objects.get(verb="window.reopened", target_id=str(window.pk))
    assert event.after["closes_at"] == next_week.isoformat()
    assert event.actor == allocation.lead


def test_a_window_cannot_be_reopened_once_a_run_is_made_from_it(allocation, client):
    ranked_everyone(allocation)
    window = allocation.window
    run = services.run_create(window=window, mechanism="serial-dictatorship", by=allocation.lead)

    with pytest.raises(PreferencingError, match=f"Run {run.pk} has been made from this window's lists"):
        services.window_reopen(window=window, closes_at=SOON, by=allocation.lead)
    window.refresh_from_db()
    assert window.has_closed()

    client.force_login(allocation.lead)
    url = reverse("preferencing:window_reopen", args=[window.pk])
    page = page_text(client.get(url))
    assert f"Run {run.pk} has been made from this window's lists, so it can no longer be reopened" in page
    assert "<form" not in page.split("<main", 1)[1]  # nothing to fill in
    assert url not in window_page(client, allocation)  # the window's page no longer offers it
    refused = client.post(url, {"closes_at": timezone.localtime(SOON).strftime("%Y-%m-%dT%H:%M")})
    assert refused.status_code == 400
    assert "can no longer be reopened" in page_text(refused)


def test_the_reopen_page_proposes_the_date_the_window_was_due_to_close(allocation, client):
    window = allocation.window
    due = timezone.localtime(window.closes_at).strftime("%Y-%m-%dT%H:%M")
    client.force_login(allocation.lead)
    client.post(reverse("preferencing:window_close", args=[window.pk]), {"confirm": "yes"})
    url = reverse("preferencing:window_reopen", args=[window.pk])
    assert url in window_page(client, allocation)

    page = page_text(client.get(url))
    assert f'value="{due}"' in page
    assert "<strong>0</strong> of 4 trainees had submitted a list" in page

    done = client.post(url, {"closes_at": due})
    assert done.status_code == 302
    window.refresh_from_db()
    assert window.is_open()


def test_a_reopening_date_in_the_past_is_refused(allocation, client):
    close(allocation)
    client.force_login(allocation.lead)
    url = reverse("preferencing:window_reopen", args=[allocation.window.pk])
    yesterday = timezone.localtime() - datetime.timedelta(days=1)
    response = client.post(url, {"closes_at": yesterday.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 400
    assert "The new closing date must be in the future" in page_text(response)
    assert allocation.window.has_closed()


# --- publishing ---------------------------------------------------------------------------------------------


def test_the_publish_check_names_who_is_offered_who_is_not_placed_and_the_emails(allocation, client):
    t = allocation.trainees
    for trainee, codes in zip(t[:3], (["R2", "ROT-A"], ["R2", "R3"], ["R2"]), strict=True):
        submit(allocation, trainee, codes)
    close(allocation)
    run = services.run_create(window=allocation.window, mechanism="serial-dictatorship", by=allocation.lead)
    client.force_login(allocation.lead)
    url = reverse("preferencing:run_detail", args=[run.pk])
    respond_by = timezone.localtime(SOON).strftime("%Y-%m-%dT%H:%M")

    page = page_text(client.post(url, {"respond_by": respond_by}))

    assert "Emails sent at once: <strong>2</strong>" in page
    offered = section(page, "Who is offered a rotation (2)")
    assert f"{t[0].full_name}: R2 (choice 1)" in offered
    assert f"{t[1].full_name}: R3 (choice 2)" in offered
    not_placed = section(page, "Who is not placed (2)")
    assert f"{t[2].full_name}: no place" in not_placed
    assert f"{t[3].full_name}: no list" in not_placed
    assert not Offer.objects.exists()


def section(page: str, summary: str) -> str:
    """The text of the details element whose summary is `summary`."""
    match = re.search(re.escape(summary) + r"</span></summary>(.*?)</details>", page, re.S)
    assert match, f"no section “{summary}”"
    return match.group(1)


def test_the_proposed_reply_deadline_publishes_at_the_first_attempt(allocation, client):
    ranked_everyone(allocation)
    run = services.run_create(window=allocation.window, mechanism="serial-dictatorship", by=allocation.lead)
    client.force_login(allocation.lead)
    url = reverse("preferencing:run_detail", args=[run.pk])
    proposed = re.search(
        r'name="respond_by" type="datetime-local" value="([^"]+)"', page_text(client.get(url))
    )
    assert proposed, "the page proposes no reply deadline"

    checked = client.post(url, {"respond_by": proposed.group(1)})
    assert checked.status_code == 200
    assert "Publish run" in page_text(checked)
    published = client.post(url, {"respond_by": proposed.group(1), "confirm": "yes"})
    assert published.status_code == 302
    run.refresh_from_db()
    assert run.status == "published"


def test_the_api_publishes_with_the_usual_deadline_when_none_is_given(allocation, client):
    ranked_everyone(allocation)
    run = services.run_create(window=allocation.window, mechanism="serial-dictatorship", by=allocation.lead)
    client.force_login(allocation.lead)
    response = client.post(f"/api/v1/runs/{run.pk}/publish", {}, content_type="application/json")
    assert response.status_code == 200, response.content
    offer = Offer.objects.filter(run=run).first()
    assert offer.respond_by > timezone.now() + datetime.timedelta(hours=24)


# --- withdrawing a rotation ---------------------------------------------------------------------------------


def withdraw(client, code: str, **extra):
    url = reverse("programmes:rotation_availability", args=[code])
    return client.post(url, {"availability": "withdrawn", "reason": "The practice has closed.", **extra})


def test_withdrawing_a_rotation_shows_who_ranked_it_its_offers_and_public_page_then_asks(allocation, client):
    ranked_everyone(allocation)
    published = services.run_create(
        window=allocation.window, mechanism="serial-dictatorship", by=allocation.lead
    )
    services.run_publish(run=published, respond_by=SOON, by=allocation.lead)
    t = allocation.trainees
    r2 = allocation.rotations[1]
    client.force_login(allocation.lead)

    asked = withdraw(client, "R2")

    assert asked.status_code == 200
    page = page_text(asked)
    assert "Withdraw " + r2.name + "?" in page
    assert "4 trainees have ranked it" in page
    assert f"{t[0].full_name}: choice 1, submitted" in page
    assert f"{t[3].full_name}: choice 2, submitted" in page
    assert "1 offer is held in it" in page
    assert f"{t[0].full_name}: offered, reply due by" in page
    assert reverse("preferencing:window_detail", args=[allocation.window.pk]) + "#reallocate" in page
    assert f"The public page for {r2.scheme.name} stops listing it" in page
    assert "The reason trainees will see: “The practice has closed.”" in page
    r2.refresh_from_db()
    assert r2.availability == "available"

    done = withdraw(client, "R2", confirm="yes")
    assert done.status_code == 302
    r2.refresh_from_db()
    assert r2.availability == "withdrawn"


def test_other_availability_changes_are_made_at_once(allocation, client):
    client.force_login(allocation.lead)
    url = reverse("programmes:rotation_availability", args=["R3"])
    response = client.post(url, {"availability": "subject_to_change", "reason": "A post may move."})
    assert response.status_code == 302
    allocation.rotations[2].refresh_from_db()
    assert allocation.rotations[2].availability == "subject_to_change"


# --- places left --------------------------------------------------------------------------------------------


def test_places_left_never_go_below_none_and_say_what_happened(allocation, client):
    ranked_everyone(allocation)
    window = allocation.window
    run = services.run_create(window=window, mechanism="serial-dictatorship", by=allocation.lead)
    services.run_publish(run=run, respond_by=SOON, by=allocation.lead)
    rot_a, r2 = allocation.rotations[0], allocation.rotations[1]
    r2.availability = "withdrawn"
    r2.save()
    rot_a.capacity = 0  # its places cut after publication: its offers are held still
    rot_a.save()
    assert Offer.objects.filter(rotation=rot_a, status="offered").count() == 1

    client.force_login(allocation.lead)
    places = section_after(window_page(client, allocation), "<h3>Places left</h3>")

    assert "−" not in places
    assert not re.search(r":\s*-\d", places)
    assert re.search(r"R2:\s*withdrawn, no places; 1 trainee still holds an offer in it", places)
    assert re.search(r"ROT-A:\s*none left: 1 offer held for 0 places; reallocate to move 1 trainee", places)
    assert re.search(r"R3:\s*0 of 1 left", places)


def section_after(page: str, heading: str) -> str:
    return page.split(heading, 1)[1].split("</ul>", 1)[0]


def test_the_window_is_locked_against_reopening_while_a_run_is_being_made(allocation):
    ranked_everyone(allocation)
    window = allocation.window
    services.run_request(
        window=window, kind=AllocationRun.Kind.INITIAL, mechanism="stable", by=allocation.lead
    )
    # In this test's transaction the worker has not run yet: the run is under way.
    with pytest.raises(PreferencingError, match="A run is being made from this window's lists"):
        services.window_reopen(window=window, closes_at=SOON, by=allocation.lead)
    assert PreferenceWindow.objects.get(pk=window.pk).has_closed()
