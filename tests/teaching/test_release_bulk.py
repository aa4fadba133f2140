"""Release notices for everyone a published timetable affects: one page of placements with their supervisors
(from the placement, a lead's correction, or one typed before), a preview, sending to all or some as a batch
in the background, and the record of what went to whom and when."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from heft.audit.models import AuditEvent
from heft.teaching.models import PlacementSupervisor, ReleaseNotice, ReleaseNoticeBatch
from heft.teaching.release_selectors import release_overview
from heft.teaching.release_services import release_notices_queue
from tests import factories as f
from tests.pages import page_text, squeezed

DAY = datetime.timedelta(days=1)


def placement(trainee, start, end, **supervisors):
    return f.PlacementFactory(
        membership=trainee.memberships.get(), start_date=start, end_date=end, **supervisors
    )


@pytest.fixture
def placements(world, teaching):
    """Trainee A: a placement until after next week's sessions (its clinical supervisor on it), then one with
    only an educational supervisor (the conference). A2: a placement naming nobody, with a supervisor typed
    for an earlier notice. B (region B): a placement with its supervisor."""
    today = timezone.localdate()
    first = placement(
        world.trainee_a,
        today - 30 * DAY,
        today + 10 * DAY,
        clinical_supervisor_name="Dr Cleo Clinical",
        clinical_supervisor_email="cleo.clinical@example.org",
        educational_supervisor_name="Dr Ed Educational",
        educational_supervisor_email="ed.educational@example.org",
    )
    second = placement(
        world.trainee_a,
        today + 11 * DAY,
        today + 200 * DAY,
        educational_supervisor_name="Dr Ed Educational",
        educational_supervisor_email="ed.educational@example.org",
    )
    a2 = placement(world.trainee_a2, today - 30 * DAY, today + 200 * DAY)
    PlacementSupervisor.objects.create(placement=a2, name="Dr Tia Typed", email="tia.typed@example.org")
    b = placement(
        world.trainee_b,
        today - 30 * DAY,
        today + 200 * DAY,
        clinical_supervisor_name="Dr Bo Bee",
        clinical_supervisor_email="bo.bee@example.org",
    )
    return {"first": first, "second": second, "a2": a2, "b": b}


def notices_url(teaching, **query):
    url = reverse("teaching:release_notices", kwargs={"year_id": teaching.year.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def supervisor_url(teaching, placement):
    kwargs = {"year_id": teaching.year.pk, "placement_id": placement.pk}
    return reverse("teaching:release_supervisor", kwargs=kwargs)


def test_each_placement_with_coming_sessions_and_its_supervisor(world, teaching, placements):
    rows = release_overview(world.user("regional_lead"), teaching.year).rows
    by_placement = {row.placement.pk: row for row in rows}
    assert set(by_placement) == {placements["first"].pk, placements["second"].pk, placements["a2"].pk}
    first = by_placement[placements["first"].pk]
    assert [s.pk for s in first.sessions] == [teaching.now.pk, teaching.future.pk, teaching.regional_a.pk]
    assert (first.supervisor.email, first.supervisor.source) == ("cleo.clinical@example.org", "clinical")
    second = by_placement[placements["second"].pk]
    assert [s.pk for s in second.sessions] == [teaching.conference.pk]
    assert (second.supervisor.email, second.supervisor.source) == (
        "ed.educational@example.org",
        "educational",
    )
    a2 = by_placement[placements["a2"].pk]
    assert (a2.supervisor.email, a2.supervisor.source) == ("tia.typed@example.org", "typed")
    assert {row.state for row in rows} == {"not_sent"}


def test_the_page_for_a_lead_and_for_each_region_of_the_country(client_for, world, teaching, placements):
    page = page_text(client_for("regional_lead").get(notices_url(teaching)))
    assert "3 placements coincide with the 5 coming sessions" in page
    assert "Dr Cleo Clinical" in page
    assert "The placement's clinical supervisor" in page
    assert "Typed with an earlier notice" in page
    assert "Dr Bo Bee" not in page
    assert "'s supervisor gets it" in page
    assert "Release from training for HEFT teaching" in page
    preview = page_text(
        client_for("regional_lead").get(notices_url(teaching, preview=placements["first"].pk))
    )
    assert f"The notice as {world.trainee_a.full_name}'s supervisor gets it" in preview
    assert "Dear Dr Cleo Clinical," in preview
    assert teaching.regional_a.title in preview
    admin = client_for("national_admin")
    every_region = page_text(admin.get(notices_url(teaching)))
    assert "Choose one to see its trainees' placements" in every_region
    assert "Dr Bo Bee" not in every_region  # one region at a time, not all of England at once
    only_b = page_text(admin.get(notices_url(teaching, region=world.region_b.code)))
    assert "Dr Bo Bee" in only_b
    assert "Dr Cleo Clinical" not in only_b


def test_a_trainee_in_scope_with_no_placement_is_named(client_for, world, teaching, placements):
    unplaced = f.MembershipFactory(scheme=world.scheme_a).trainee
    page = page_text(client_for("regional_lead").get(notices_url(teaching)))
    assert "1 trainee in your scope with no placement recorded for these dates" in page
    assert unplaced.full_name in page


def test_review_then_send_as_a_batch_in_the_background(
    client_for, world, teaching, placements, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for("regional_lead")
    chosen = [placements["first"].pk, placements["a2"].pk]
    review = client.post(notices_url(teaching), {"placements": chosen, "action": "review"})
    assert review.status_code == 200
    page = page_text(review)
    assert "Send 2 release notices?" in page
    assert "to Dr Tia Typed (tia.typed@example.org), 4 sessions" in page
    assert not ReleaseNotice.objects.exists()
    assert not mailoutbox

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(notices_url(teaching), {"placements": chosen, "action": "send"})
    batch = ReleaseNoticeBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("teaching:release_batch", kwargs={"pk": batch.pk})
    assert sorted(m.to[0] for m in mailoutbox) == ["cleo.clinical@example.org", "tia.typed@example.org"]
    cleo = next(m for m in mailoutbox if m.to == ["cleo.clinical@example.org"])
    assert cleo.cc == [world.trainee_a.email]
    assert "HEFT Hub" in cleo.body
    assert teaching.regional_a.title in cleo.alternatives[0][0]
    notices = ReleaseNotice.objects.filter(batch=batch)
    assert {(n.status, n.sent_by) for n in notices} == {("sent", world.user("regional_lead"))}
    assert all(n.sent_at for n in notices)
    assert AuditEvent.objects.get(verb="release_notices.queued").after["notices"] == 2
    sent = AuditEvent.objects.filter(verb="release_notice.sent")
    assert sent.count() == 2
    assert {e.actor for e in sent} == {world.user("regional_lead")}

    batch_page = page_text(client.get(response["Location"]))
    assert "Finished: 2 of 2 sent." in batch_page
    assert "hx-get" not in batch_page
    page = page_text(client.get(notices_url(teaching)))
    assert "Sent from this page" in page
    assert "2 sent" in page
    assert page.count(">Sent</strong>") == 2


def test_the_selection_starts_with_the_notices_needed(client_for, world, teaching, placements, mailoutbox):
    release_notices_queue(
        year=teaching.year,
        region=None,
        placement_ids=[placements["first"].pk],
        by=world.user("regional_lead"),
    )
    ReleaseNotice.objects.update(status="sent", sent_at=timezone.now())
    html = squeezed(client_for("regional_lead").get(notices_url(teaching)).content.decode())
    assert f'value="{placements["first"].pk}" >' in html  # sent: not ticked
    assert f'value="{placements["a2"].pk}" checked' in html
    everyone = squeezed(client_for("regional_lead").get(notices_url(teaching, select="all")).content.decode())
    assert f'value="{placements["first"].pk}" checked' in everyone

    teaching.future.start += datetime.timedelta(hours=1)  # the sessions changed since the notice
    teaching.future.end += datetime.timedelta(hours=1)
    teaching.future.save()
    html = squeezed(client_for("regional_lead").get(notices_url(teaching)).content.decode())
    assert "Sessions changed since" in html
    assert f'value="{placements["first"].pk}" checked' in html


def test_a_notice_that_cannot_be_sent_is_marked_and_the_rest_go(
    client_for, world, teaching, placements, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.teaching.failing_email.SomeAddressesDownBackend"
    PlacementSupervisor.objects.filter(placement=placements["a2"]).update(email="nobody@unreachable.invalid")
    client = client_for("regional_lead")
    chosen = [placements["first"].pk, placements["a2"].pk, placements["second"].pk]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(notices_url(teaching), {"placements": chosen, "action": "send"})
    statuses = dict(ReleaseNotice.objects.values_list("placement_id", "status"))
    assert statuses == {
        placements["first"].pk: "sent",
        placements["a2"].pk: "failed",
        placements["second"].pk: "sent",
    }
    failed = ReleaseNotice.objects.get(status="failed")
    assert failed.error == "SMTPRecipientsRefused"
    assert failed.sent_at is None
    assert AuditEvent.objects.get(verb="release_notice.failed").after["to"] == "nobody@unreachable.invalid"
    batch_page = page_text(client.get(reverse("teaching:release_batch", kwargs={"pk": failed.batch_id})))
    assert "Finished: 2 of 3 sent, 1 could not be sent." in batch_page
    html = squeezed(client.get(notices_url(teaching)).content.decode())
    assert "Could not be sent" in html
    assert f'value="{placements["a2"].pk}" checked' in html


def test_a_batch_in_progress_polls_with_htmx(client_for, world, teaching, placements):
    batch = release_notices_queue(
        year=teaching.year,
        region=None,
        placement_ids=[placements["first"].pk],
        by=world.user("regional_lead"),
    )  # in a test transaction: queued, not sent
    client = client_for("regional_lead")
    url = reverse("teaching:release_batch", kwargs={"pk": batch.pk})
    page = page_text(client.get(url))
    assert "Sending: 0 of 1 done." in page
    assert f'hx-get="{url}"' in page
    assert "You can leave it" in page
    partial = squeezed(client.get(url, headers={"HX-Request": "true"}).content.decode())
    assert partial.lstrip().startswith('<div id="batch-status"')
    assert "<html" not in partial


def test_a_lead_corrects_the_supervisor_and_the_correction_is_kept(
    client_for, world, teaching, placements, mailoutbox
):
    client = client_for("regional_lead")
    url = supervisor_url(teaching, placements["first"])
    form = page_text(client.get(url))
    assert 'value="Dr Cleo Clinical"' in form
    assert "names its clinical supervisor, Dr Cleo Clinical" in form
    assert client.post(url, {"supervisor_name": "", "supervisor_email": "nope"}).status_code == 400
    response = client.post(url, {"supervisor_name": "Dr Nia New", "supervisor_email": "nia.new@example.org"})
    assert response.status_code == 302
    assert response["Location"] == notices_url(teaching)
    record = PlacementSupervisor.objects.get(placement=placements["first"])
    assert (record.name, record.email, record.corrects_placement) == (
        "Dr Nia New",
        "nia.new@example.org",
        True,
    )
    event = AuditEvent.objects.get(verb="placement_supervisor.corrected")
    assert event.before == {
        "name": "Dr Cleo Clinical",
        "email": "cleo.clinical@example.org",
        "source": "clinical",
    }
    assert event.actor == world.user("regional_lead")
    page = page_text(client.get(notices_url(teaching)))
    assert "Dr Nia New" in page
    assert "Corrected by the programme team" in page
    # The trainee's own page fills it in too.
    trainee_page = page_text(client_for("trainee").get(reverse("teaching:release_notice")))
    assert 'value="nia.new@example.org"' in trainee_page
    # Giving the placement's own supervisor again ends the correction.
    client = client_for("regional_lead")
    client.post(url, {"supervisor_name": "Dr Cleo Clinical", "supervisor_email": "cleo.clinical@example.org"})
    assert not PlacementSupervisor.objects.get(placement=placements["first"]).corrects_placement
    rows = release_overview(world.user("regional_lead"), teaching.year).rows
    row = next(r for r in rows if r.placement == placements["first"])
    assert (row.supervisor.email, row.supervisor.source) == ("cleo.clinical@example.org", "clinical")


def test_a_placement_without_a_supervisor_is_added_before_sending(client_for, world, teaching, placements):
    PlacementSupervisor.objects.filter(placement=placements["a2"]).delete()
    client = client_for("regional_lead")
    page = page_text(client.get(notices_url(teaching)))
    assert "No supervisor yet" in page
    response = client.post(notices_url(teaching), {"placements": [placements["a2"].pk], "action": "send"})
    assert response.status_code == 400
    assert not ReleaseNotice.objects.exists()
    url = supervisor_url(teaching, placements["a2"])
    client.post(url, {"supervisor_name": "Dr Ana Added", "supervisor_email": "ana.added@example.org"})
    record = PlacementSupervisor.objects.get(placement=placements["a2"])
    assert not record.corrects_placement  # nothing on the placement to correct


def test_the_scope_holds(client_for, world, teaching, placements):
    lead = client_for("regional_lead")
    assert lead.get(supervisor_url(teaching, placements["b"])).status_code == 404
    response = lead.post(notices_url(teaching), {"placements": [placements["b"].pk], "action": "send"})
    assert response.status_code == 400
    assert not ReleaseNotice.objects.exists()
    batch = release_notices_queue(
        year=teaching.year, region=None, placement_ids=[placements["b"].pk], by=world.user("national_admin")
    )
    assert lead.get(reverse("teaching:release_batch", kwargs={"pk": batch.pk})).status_code == 404
    assert "Sent from this page" not in page_text(lead.get(notices_url(teaching)))
    assert client_for("educator").get(notices_url(teaching)).status_code == 403
    assert client_for("trainee").get(notices_url(teaching)).status_code == 403


def test_one_trainees_notice_is_filled_in_from_the_placement(
    client_for, world, teaching, placements, mailoutbox
):
    page = page_text(client_for("trainee").get(reverse("teaching:release_notice")))
    assert 'value="Dr Cleo Clinical"' in page
    assert "the placement's clinical supervisor" in page
    client_for("trainee").post(
        reverse("teaching:release_notice"),
        {"supervisor_name": "Dr Cleo Clinical", "supervisor_email": "cleo.clinical@example.org"},
    )
    assert [m.to for m in mailoutbox] == [["cleo.clinical@example.org"]]
    assert not PlacementSupervisor.objects.filter(
        placement=placements["first"]
    ).exists()  # nothing to correct
    notice = ReleaseNotice.objects.get()
    assert (notice.status, notice.batch) == ("sent", None)
    assert notice.sent_at


def test_the_overview_takes_a_few_queries_however_many_trainees(
    world, teaching, placements, django_assert_max_num_queries
):
    today = timezone.localdate()
    for n in range(30):
        trainee = f.MembershipFactory(scheme=world.scheme_a).trainee
        placement(trainee, today - DAY, today + 100 * DAY, clinical_supervisor_email=f"s{n}@example.org")
    with django_assert_max_num_queries(6):
        rows = release_overview(world.user("regional_lead"), teaching.year).rows
    assert len(rows) == 33
