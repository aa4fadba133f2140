"""The preferencing pages, driven as a browser would without JavaScript (and with htmx headers)."""

import datetime

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from heft.preferencing import services
from heft.preferencing.models import AllocationRun, Offer, Preference, PreferenceWindow
from tests.preferencing.test_services import close, ranked_everyone

SOON = timezone.now() + datetime.timedelta(days=7)


def rank_url(allocation):
    return reverse("preferencing:rank", args=[allocation.window.pk])


def test_ranking_page_shows_rotations_and_caveats(allocation, client):
    client.force_login(allocation.trainees[0].user)
    body = client.get(rank_url(allocation)).content.decode()
    assert "We cannot guarantee the specific HEFT rotation" in body
    assert "R2" in body
    assert "ROT-A" in body
    assert "HEFT" in body


def test_add_move_and_submit_without_javascript(allocation, client, django_capture_on_commit_callbacks):
    trainee = allocation.trainees[0]
    client.force_login(trainee.user)
    url = rank_url(allocation)
    client.post(url, {"version": 0, "action": "add:R2"})
    client.post(url, {"version": 1, "ranked": ["R2"], "action": "add:ROT-A"})
    response = client.post(url, {"version": 2, "ranked": ["R2", "ROT-A"], "action": "up:ROT-A"})
    assert "ROT-A moved to number 1" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"version": 3, "ranked": ["ROT-A", "R2"], "action": "submit"})
    assert "was submitted" in response.content.decode()
    ranked = (
        Preference.objects.filter(trainee=trainee).order_by("rank").values_list("rotation__code", flat=True)
    )
    assert list(ranked) == ["ROT-A", "R2"]
    assert len(mail.outbox) == 1


def test_htmx_request_gets_only_the_ranking_block(allocation, client):
    client.force_login(allocation.trainees[0].user)
    response = client.post(rank_url(allocation), {"version": 0, "action": "add:R3"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    # The block itself, and the announcement for the live region that stays in the page (out of band).
    assert '<div id="ranking">' in body
    assert "<html" not in body
    announcement = "R3 added at number 1. Not submitted yet."
    assert f'<span hx-swap-oob="innerHTML:#ranking-status">{announcement}</span>' in body


def test_stale_page_is_told_to_reload(allocation, client):
    client.force_login(allocation.trainees[0].user)
    client.post(rank_url(allocation), {"version": 0, "action": "add:R3"})
    response = client.post(rank_url(allocation), {"version": 0, "action": "add:R2"})
    assert response.status_code == 409
    assert "changed elsewhere" in response.content.decode()


def test_closed_window_refuses_changes(allocation, client):
    close(allocation)
    client.force_login(allocation.trainees[0].user)
    response = client.post(rank_url(allocation), {"version": 0, "action": "add:R3"})
    assert response.status_code == 409
    assert not Preference.objects.exists()


def test_another_trainees_window_is_404(allocation, client, world):
    client.force_login(world.user("trainee"))  # trainee_a is in scheme A: allowed
    assert client.get(rank_url(allocation)).status_code == 200
    other_window = PreferenceWindow.objects.create(
        scheme=world.scheme_b, intake="2026-08", opens_at=timezone.now(), closes_at=SOON
    )
    assert client.get(reverse("preferencing:rank", args=[other_window.pk])).status_code == 404


def test_staff_run_compare_publish_and_export(allocation, client, django_capture_on_commit_callbacks):
    ranked_everyone(allocation)
    client.force_login(allocation.lead)
    window_url = reverse("preferencing:run_create", args=[allocation.window.pk])
    with django_capture_on_commit_callbacks(execute=True):  # the worker makes each run once asked
        first = client.post(window_url, {"mechanism": "serial-dictatorship"})
        second = client.post(window_url, {"mechanism": "rank-maximal"})
    assert first.status_code == second.status_code == 302
    runs = list(AllocationRun.objects.order_by("pk"))
    compare = client.get(
        reverse("preferencing:run_compare", args=[allocation.window.pk]), {"run": [r.pk for r in runs]}
    )
    assert "HEFT places filled" in compare.content.decode()
    chart = client.get(
        reverse("preferencing:run_compare_chart", args=[allocation.window.pk]), {"run": [r.pk for r in runs]}
    )
    assert chart["Content-Type"] == "image/svg+xml"
    assert b"<svg" in chart.content
    respond_by = timezone.localtime(SOON).strftime("%Y-%m-%dT%H:%M")
    run_url = reverse("preferencing:run_detail", args=[runs[0].pk])
    checked = client.post(run_url, {"respond_by": respond_by})  # first the numbers, to confirm
    assert checked.status_code == 200
    assert "Offers made: <strong>3</strong>" in checked.content.decode()
    assert not Offer.objects.exists()
    published = client.post(run_url, {"respond_by": respond_by, "confirm": "yes"})
    assert published.status_code == 302
    assert Offer.objects.count() == 3
    export = client.get(
        reverse(
            "preferencing:window_export", kwargs={"pk": allocation.window.pk, "what": "offers", "fmt": "csv"}
        )
    )
    assert export.status_code == 200
    assert "attachment" in export["Content-Disposition"]


def test_trainee_accepts_an_offer(allocation, client):
    ranked_everyone(allocation)
    run = services.run_create(window=allocation.window, mechanism="serial-dictatorship", by=allocation.lead)
    services.run_publish(run=run, respond_by=SOON, by=allocation.lead)
    trainee = allocation.trainees[0]
    offer = Offer.objects.get(trainee=trainee)
    client.force_login(trainee.user)
    page = client.get(reverse("preferencing:offer_detail", args=[offer.pk])).content.decode()
    assert "Why you received this offer" in page
    client.post(reverse("preferencing:offer_respond", args=[offer.pk]), {"decision": "accept"})
    offer.refresh_from_db()
    assert offer.status == "accepted"


def test_lead_of_another_region_cannot_see_the_window(allocation, client, world):
    from tests import factories as f

    outsider = f.RoleFactory(role="regional_lead", region=world.region_b).user
    from tests.conftest import give_totp

    give_totp(outsider)
    client.force_login(outsider)
    assert client.get(reverse("preferencing:window_detail", args=[allocation.window.pk])).status_code == 404


def test_interruption_from_the_window_page_releases_the_place(allocation, client):
    ranked_everyone(allocation)
    run = services.run_create(window=allocation.window, mechanism="serial-dictatorship", by=allocation.lead)
    services.run_publish(run=run, respond_by=SOON, by=allocation.lead)
    membership = allocation.trainees[0].memberships.get()
    client.force_login(allocation.lead)
    url = reverse("preferencing:membership_interrupt", args=[allocation.window.pk, membership.pk])
    client.post(url, {"kind": "parental", "start_date": "2026-12-01", "confirm": "yes"})
    membership.refresh_from_db()
    assert membership.status == "interrupted"
    assert membership.returning_heft_not_guaranteed
    assert Offer.objects.get(trainee=allocation.trainees[0]).status == "withdrawn"


def test_releasing_the_place_from_the_window_page_asks_first_with_what_it_changes(allocation, client):
    ranked_everyone(allocation)
    run = services.run_create(window=allocation.window, mechanism="serial-dictatorship", by=allocation.lead)
    services.run_publish(run=run, respond_by=SOON, by=allocation.lead)
    trainee = allocation.trainees[0]
    membership = trainee.memberships.get()
    offer = Offer.objects.get(trainee=trainee)
    client.force_login(allocation.lead)
    url = reverse("preferencing:membership_interrupt", args=[allocation.window.pk, membership.pk])
    response = client.post(url, {"kind": "parental", "start_date": "2026-12-01"})
    page = response.content.decode()
    assert f"Release {trainee.full_name}" in page
    assert f"the offer of {offer.rotation.code}" in page
    # The confirmation has no field in which Enter submits: only the button releases the place.
    confirm_form = page[page.index('name="confirm"') - 600 : page.index("Record and release HEFT place")]
    assert 'type="date"' not in confirm_form
    assert 'type="text"' not in confirm_form
    membership.refresh_from_db()
    assert membership.status == "active"
    assert Offer.objects.get(pk=offer.pk).status == "offered"


def test_the_window_page_links_to_the_interruption_page_rather_than_releasing_there(allocation, client):
    client.force_login(allocation.lead)
    membership = allocation.trainees[0].memberships.get()
    page = client.get(reverse("preferencing:window_detail", args=[allocation.window.pk])).content.decode()
    assert reverse("preferencing:membership_interrupt", args=[allocation.window.pk, membership.pk]) in page
    assert "Record and release HEFT place" not in page


def test_an_impossible_interruption_is_explained_not_a_500(allocation, client):
    membership = allocation.trainees[0].memberships.get()
    client.force_login(allocation.lead)
    url = reverse("preferencing:membership_interrupt", args=[allocation.window.pk, membership.pk])
    response = client.post(url, {"kind": "sick", "start_date": "1990-01-01", "confirm": "yes"})
    assert response.status_code == 400
    assert "Time out cannot start before training did." in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == "active"
