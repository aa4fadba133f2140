"""An offer from publication to placement: replies (accept, accept with upgrades, decline), the reminder, the
lapse, giving a rotation up, and upgrades in re-offer runs; through the services, the pages and the API."""

import datetime
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from heft.audit.models import AuditEvent
from heft.core.links import site_url_for
from heft.engines.offers import LONDON
from heft.preferencing import offers, services
from heft.preferencing.models import AllocationRun, Offer
from heft.preferencing.offers import OfferError, Reply
from heft.preferencing.problem import live_offers
from heft.trainees.models import Placement
from tests.pages import squeezed
from tests.preferencing.test_services import close, submit

SOON = timezone.now() + datetime.timedelta(days=7)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def starting_later(allocation):
    """The trainees start their programme in the future, so their rotations have not begun."""
    for trainee in allocation.trainees:
        trainee.memberships.update(start_date=timezone.localdate() + datetime.timedelta(days=120))
    return allocation


def publish(allocation, lists, *, respond_by=SOON, capture=None):
    """Each trainee's list submitted (by position), the window closed, serial dictatorship published."""
    for trainee, codes in zip(allocation.trainees, lists, strict=False):
        if codes is not None:
            submit(allocation, trainee, codes)
    close(allocation)
    run = services.run_create(window=allocation.window, mechanism="serial-dictatorship", by=allocation.lead)
    if capture is None:
        return services.run_publish(run=run, respond_by=respond_by, by=allocation.lead)
    with capture(execute=True):
        return services.run_publish(run=run, respond_by=respond_by, by=allocation.lead)


def offer_of(trainee, **filters) -> Offer:
    return Offer.objects.get(trainee=trainee, **filters)


def placements_of(trainee) -> list[str]:
    placements = Placement.objects.filter(membership__trainee=trainee).order_by("start_date")
    return [p.rotation.code for p in placements]


def reply(trainee, answer: Reply, **filters) -> Offer:
    return offers.offer_reply(offer=offer_of(trainee, **filters), reply=answer, by=trainee.user)


# --- the reply deadline -------------------------------------------------------------------------------------


def test_the_proposed_deadline_skips_the_weekend_and_bank_holidays():
    friday = datetime.datetime(2026, 8, 28, 15, tzinfo=LONDON)  # Monday 31 August is a bank holiday
    assert offers.default_reply_by(friday) == datetime.datetime(2026, 9, 2, 15, tzinfo=LONDON)
    with override_settings(HEFT_OFFER_REPLY_WORKING_HOURS=24):
        assert offers.default_reply_by(friday) == datetime.datetime(2026, 9, 1, 15, tzinfo=LONDON)
    assert offers.default_reply_by() > timezone.now()
    # Rounded up to the hour: trainees read "15:00", not "14:37".
    assert offers.default_reply_by(friday.replace(hour=14, minute=37)) == datetime.datetime(
        2026, 9, 2, 15, tzinfo=LONDON
    )


def test_the_reminder_goes_a_working_day_before():
    monday = datetime.datetime(2026, 6, 8, 15, tzinfo=LONDON)
    assert offers.reminder_due_at(monday) == datetime.datetime(2026, 6, 5, 15, tzinfo=LONDON)


# --- replies ------------------------------------------------------------------------------------------------


def test_accepting_makes_the_placements_in_the_same_transaction(starting_later):
    t = starting_later.trainees
    publish(starting_later, [["R2", "ROT-A"]])
    offer = reply(t[0], Reply.ACCEPT)
    assert (offer.status, offer.upgrades) == ("accepted", False)
    assert placements_of(t[0]) == ["R2"]
    event = AuditEvent.objects.get(verb="offer.accepted")
    assert event.before["status"] == "offered"
    assert event.after == {
        "status": "accepted",
        "upgrades": False,
        "rotation": "R2",
    }
    assert AuditEvent.objects.filter(verb="placement.created").count() == 1


def test_a_failed_placement_undoes_the_acceptance(starting_later, monkeypatch):
    t = starting_later.trainees
    publish(starting_later, [["R2"]])

    def broken(**kwargs):
        raise RuntimeError("placements could not be made")

    monkeypatch.setattr(offers, "rotation_placements_create", broken)
    with pytest.raises(RuntimeError):
        reply(t[0], Reply.ACCEPT)
    assert offer_of(t[0]).status == "offered"
    assert not AuditEvent.objects.filter(verb="offer.accepted").exists()


def test_accept_with_upgrades_keeps_the_claim(starting_later):
    t = starting_later.trainees
    publish(starting_later, [["R2", "ROT-A"], ["R2", "R3"]])
    offer = reply(t[1], Reply.ACCEPT_WITH_UPGRADES)
    assert (offer.status, offer.upgrades, offer.choice) == ("accepted", True, 2)
    assert placements_of(t[1]) == ["R3"]


def test_upgrades_need_something_ranked_higher(starting_later):
    t = starting_later.trainees
    publish(starting_later, [["R2", "ROT-A"]])
    with pytest.raises(OfferError, match="nothing to upgrade to"):
        reply(t[0], Reply.ACCEPT_WITH_UPGRADES)
    assert offer_of(t[0]).status == "offered"


def test_declining_frees_the_place_and_makes_no_placements(starting_later):
    t = starting_later.trainees
    publish(starting_later, [["R2"]])
    reply(t[0], Reply.DECLINE)
    assert offer_of(t[0]).status == "declined"
    assert placements_of(t[0]) == []
    assert str(t[0].pk) not in live_offers(starting_later.window)


def test_only_the_trainee_replies_once_before_the_deadline(starting_later):
    t = starting_later.trainees
    publish(starting_later, [["R2"], ["R3"]])
    offer = offer_of(t[0])
    with pytest.raises(OfferError, match="Only the trainee"):
        offers.offer_reply(offer=offer, reply=Reply.ACCEPT, by=t[1].user)
    reply(t[0], Reply.ACCEPT)
    with pytest.raises(OfferError, match="already accepted"):
        reply(t[0], Reply.DECLINE)
    Offer.objects.filter(trainee=t[1]).update(respond_by=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(OfferError, match="deadline"):
        reply(t[1], Reply.ACCEPT)


# --- reminders and lapses -----------------------------------------------------------------------------------


def deadline_in(hours: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=hours)


def test_the_reminder_goes_once_at_its_moment(starting_later, django_capture_on_commit_callbacks):
    t = starting_later.trainees
    respond_by = datetime.datetime(2030, 6, 11, 15, tzinfo=LONDON)  # a Tuesday: reminded Monday 15:00
    publish(starting_later, [["R2"], ["R3"]], respond_by=respond_by)
    reply(t[1], Reply.ACCEPT)  # answered: no reminder
    mail.outbox.clear()
    monday = datetime.datetime(2030, 6, 10, 15, tzinfo=LONDON)
    with django_capture_on_commit_callbacks(execute=True):
        assert offers.offers_remind_due(now=monday - datetime.timedelta(seconds=1)) == 0
        assert offers.offers_remind_due(now=monday) == 1
        assert offers.offers_remind_due(now=monday + HOUR) == 0  # never twice
    offer = offer_of(t[0])
    assert offer.reminded_at == monday
    assert offer.status == "offered"
    assert AuditEvent.objects.filter(verb="offer.reminded", target_id=str(offer.pk)).count() == 1
    [email] = mail.outbox
    assert email.to == [t[0].email]
    assert "Reminder" in email.subject
    assert "HEFT Hub" in email.body
    assert "15:00 on Tuesday 11 June 2030" in email.body
    assert site_url_for("preferencing:offer_detail", offer.pk) in email.body


def test_no_reminder_for_an_offer_made_after_its_reminder_moment(starting_later):
    publish(starting_later, [["R2"]], respond_by=deadline_in(2))  # a deadline two hours away
    assert offers.offers_remind_due() == 0


def test_an_unanswered_offer_lapses_at_the_deadline_and_not_before(
    starting_later, django_capture_on_commit_callbacks
):
    t = starting_later.trainees
    publish(starting_later, [["R2"], ["R3"]])
    reply(t[1], Reply.ACCEPT)
    offer = offer_of(t[0])
    before = services.places_left(starting_later.window)["R2"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert offers.offers_lapse_due(now=offer.respond_by - datetime.timedelta(seconds=1)) == 0
        assert offer_of(t[0]).status == "offered"
        assert offers.offers_lapse_due(now=offer.respond_by) == 1
        assert offers.offers_lapse_due(now=offer.respond_by + HOUR) == 0
    offer.refresh_from_db()
    assert offer.status == "lapsed"
    assert "deadline" in offer.status_reason
    assert offer_of(t[1]).status == "accepted"  # an answered offer never lapses
    assert services.places_left(starting_later.window)["R2"] == before + 1
    event = AuditEvent.objects.get(verb="offer.lapsed")
    assert (event.target_id, event.actor_label, event.after["status"]) == (str(offer.pk), "system", "lapsed")
    [email] = mail.outbox
    assert email.to == [t[0].email]
    assert "lapsed" in email.subject
    assert "HEFT Hub" in email.body
    assert site_url_for("preferencing:offer_detail", offer.pk) in email.body


def test_a_lapsed_offer_cannot_be_accepted(starting_later):
    t = starting_later.trainees
    publish(starting_later, [["R2"]])
    Offer.objects.update(respond_by=timezone.now() - HOUR)
    offers.offers_lapse_due()
    with pytest.raises(OfferError, match="already lapsed"):
        reply(t[0], Reply.ACCEPT)


def test_the_command_reminds_and_lapses(starting_later, capsys):
    t = starting_later.trainees
    publish(starting_later, [["R2"], ["R3"]])
    Offer.objects.filter(trainee=t[0]).update(respond_by=timezone.now() - HOUR)
    Offer.objects.filter(trainee=t[1]).update(
        respond_by=offers.default_reply_by() - datetime.timedelta(hours=30),
        created_at=timezone.now() - datetime.timedelta(days=5),
    )
    call_command("lapse_offers")
    assert "Reminded 1 unanswered offer(s); lapsed 1 past their deadline." in capsys.readouterr().out
    assert offer_of(t[0]).status == "lapsed"
    assert offer_of(t[1]).reminded_at is not None
    call_command("lapse_offers")
    assert "Reminded 0 unanswered offer(s); lapsed 0" in capsys.readouterr().out


# The worker closes a connection left in a transaction, as a test case keeps it: commit for real.
@pytest.mark.django_db(transaction=True)
def test_publication_queues_the_reminder_and_the_lapse_at_their_moments(starting_later, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    respond_by = timezone.now() + datetime.timedelta(days=10)
    publish(starting_later, [["R2"], ["R3"]], respond_by=respond_by)
    queued = {r.task_path.rsplit(".", 1)[1]: r.run_after for r in DBTaskResult.objects.all()}
    assert queued["remind_offers_due"] == offers.reminder_due_at(respond_by)
    assert queued["lapse_offers_due"] == respond_by
    # When the deadline comes the worker lapses the offers on time.
    Offer.objects.update(respond_by=timezone.now() - HOUR)
    DBTaskResult.objects.update(run_after=timezone.now() - HOUR)
    Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
    ).run()  # fmt: skip
    assert set(Offer.objects.values_list("status", flat=True)) == {"lapsed"}


# --- giving a rotation up -----------------------------------------------------------------------------------


def test_giving_up_before_the_start_frees_the_place_and_takes_back_placements(
    starting_later, django_capture_on_commit_callbacks
):
    t = starting_later.trainees
    publish(starting_later, [["R2"]])
    reply(t[0], Reply.ACCEPT)
    assert placements_of(t[0]) == ["R2"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        offer = offers.offer_give_up(offer=offer_of(t[0]), by=t[0].user)
    assert offer.status == "given_up"
    assert placements_of(t[0]) == []
    assert str(t[0].pk) not in live_offers(starting_later.window)
    assert AuditEvent.objects.filter(verb="offer.given_up", target_id=str(offer.pk)).exists()
    assert AuditEvent.objects.filter(verb="placement.removed").count() == 1
    [email] = mail.outbox
    assert "gave up" in email.subject
    assert "HEFT Hub" in email.body
    assert site_url_for("preferencing:my_rotations") in email.body


def test_a_rotation_that_has_started_cannot_be_given_up(starting_later):
    t = starting_later.trainees
    publish(starting_later, [["R2"]])
    reply(t[0], Reply.ACCEPT)
    start = offers.rotation_start(offer_of(t[0]))
    with pytest.raises(OfferError, match="started"):
        offers.offer_give_up(offer=offer_of(t[0]), by=t[0].user, today=start)
    assert offer_of(t[0]).status == "accepted"
    assert placements_of(t[0]) == ["R2"]
    assert offers.can_give_up(offer_of(t[0]), start - datetime.timedelta(days=1))
    assert not offers.can_give_up(offer_of(t[0]), start)


def test_only_an_accepted_rotation_of_one_s_own_can_be_given_up(starting_later):
    t = starting_later.trainees
    publish(starting_later, [["R2"], ["R3"]])
    with pytest.raises(OfferError, match="accepted"):
        offers.offer_give_up(offer=offer_of(t[0]), by=t[0].user)
    reply(t[1], Reply.ACCEPT)
    with pytest.raises(OfferError, match="Only the trainee"):
        offers.offer_give_up(offer=offer_of(t[1]), by=t[0].user)


# --- upgrades in re-offer runs ------------------------------------------------------------------------------

# ROT-A has 2 places, R2 and R3 one each. Serial dictatorship gives t0 R2, t1 R3 (2nd choice), t2 ROT-A (2nd
# choice) and t3 ROT-A.
CASCADE_LISTS = [["R2"], ["R2", "R3"], ["R3", "ROT-A"], ["ROT-A"]]


def cascade(allocation, capture=None):
    """t1 and t2 accept with upgrades, t3 accepts, t0 declines R2: a re-offer run moves t1 up to R2, which
    frees R3 for t2."""
    t = allocation.trainees
    publish(allocation, CASCADE_LISTS)
    reply(t[1], Reply.ACCEPT_WITH_UPGRADES)
    reply(t[2], Reply.ACCEPT_WITH_UPGRADES)
    reply(t[3], Reply.ACCEPT)
    reply(t[0], Reply.DECLINE)
    refill = services.refill_run_create(window=allocation.window, by=allocation.lead)
    if capture is None:
        services.run_publish(run=refill, respond_by=SOON, by=allocation.lead)
    else:
        with capture(execute=True):
            services.run_publish(run=refill, respond_by=SOON, by=allocation.lead)
    refill.refresh_from_db()
    return refill


def test_a_re_offer_run_moves_upgraders_up_in_a_cascade(starting_later, django_capture_on_commit_callbacks):
    t = starting_later.trainees
    publish_mail_before = len(mail.outbox)
    refill = cascade(starting_later, django_capture_on_commit_callbacks)
    assert refill.assignments[str(t[1].pk)] == "R2"
    assert refill.assignments[str(t[2].pk)] == "R3"
    assert str(t[0].pk) not in refill.assignments  # declined: not offered another
    for trainee, old, new in [(t[1], "R3", "R2"), (t[2], "ROT-A", "R3")]:
        upgraded = offer_of(trainee, status="upgraded")
        assert upgraded.rotation.code == old
        assert "moved up" in upgraded.status_reason
        current = offer_of(trainee, status="accepted")
        assert (current.rotation.code, current.upgrades, current.choice, current.run) == (
            new,
            True,
            1,
            refill,
        )
        assert placements_of(trainee) == [new]
        assert "with upgrades" in current.explanation
        assert old in current.explanation
        assert refill.explanations[str(trainee.pk)] == current.explanation  # shown on the run page
    assert offer_of(t[3]).status == "accepted"
    # ROT-A's place freed by t2 is left: nobody without a place ranked it.
    assert services.places_left(starting_later.window) == {"ROT-A": 1, "R2": 0, "R3": 0}
    assert AuditEvent.objects.filter(verb="offer.upgraded").count() == 2
    assert (
        AuditEvent.objects.get(verb="run.published", target_id=str(refill.pk)).after["offers_upgraded"] == 2
    )
    moved = [m for m in mail.outbox[publish_mail_before:] if "moved up" in m.subject]
    assert sorted(m.to[0] for m in moved) == sorted([t[1].email, t[2].email])
    for email in moved:
        new = Offer.objects.get(trainee__email=email.to[0], status="accepted")
        assert "HEFT Hub" in email.body
        assert site_url_for("preferencing:offer_detail", new.pk) in email.body


def test_the_run_page_explains_each_move(starting_later, client):
    refill = cascade(starting_later)
    client.force_login(starting_later.lead)
    page = squeezed(client.get(reverse("preferencing:run_detail", args=[refill.pk])).content.decode())
    assert "moved up to it" in page
    assert "R3 (your 2nd choice)" in page


def test_upgrades_serve_before_new_offers_and_never_move_down(starting_later):
    # t1 holds R3 (2nd choice) with upgrades; t0 gives up R2. t3, unplaced, ranked R2 first too: the upgrader
    # moves up, and t3 is offered R3, the place t1 left.
    t = starting_later.trainees
    publish(starting_later, [["R2"], ["R2", "R3"], None, ["R2", "R3"]])
    reply(t[0], Reply.ACCEPT)
    reply(t[1], Reply.ACCEPT_WITH_UPGRADES)
    offers.offer_give_up(offer=offer_of(t[0]), by=t[0].user)
    refill = services.refill_run_create(window=starting_later.window, by=starting_later.lead)
    services.run_publish(run=refill, respond_by=SOON, by=starting_later.lead)
    assert offer_of(t[1], status="accepted").rotation.code == "R2"
    assert offer_of(t[3], status="offered").rotation.code == "R3"
    assert str(t[0].pk) not in refill.assignments  # gave it up: not offered another


def test_an_upgrader_whose_rotation_has_begun_stays_put(starting_later):
    t = starting_later.trainees
    publish(starting_later, [["R2"], ["R2", "R3"]])
    reply(t[1], Reply.ACCEPT_WITH_UPGRADES)
    reply(t[0], Reply.DECLINE)
    started = offers.rotation_start(offer_of(t[1]))
    moves, _ = offers.upgrades_plan(starting_later.window, today=started)
    assert moves == []


def test_a_lapsed_trainee_is_not_offered_again(starting_later):
    t = starting_later.trainees
    publish(starting_later, [["R2"], ["R3"], ["R2", "R3"]])
    Offer.objects.filter(trainee=t[0]).update(respond_by=timezone.now() - HOUR)
    offers.offers_lapse_due()
    refill = services.refill_run_create(window=starting_later.window, by=starting_later.lead)
    assert str(t[0].pk) not in refill.assignments
    assert refill.assignments[str(t[2].pk)] == "R2"


def test_a_re_offer_run_overtaken_by_replies_is_not_published(starting_later):
    t = starting_later.trainees
    publish(starting_later, [["R2"], ["R2", "R3"], ["R3"]])
    reply(t[1], Reply.ACCEPT_WITH_UPGRADES)
    reply(t[0], Reply.DECLINE)
    refill = services.refill_run_create(window=starting_later.window, by=starting_later.lead)
    offers.offer_give_up(offer=offer_of(t[1]), by=t[1].user)  # after the run was made
    with pytest.raises(services.PreferencingError, match="changed since this run was made"):
        services.run_publish(run=refill, respond_by=SOON, by=starting_later.lead)
    assert AllocationRun.objects.get(pk=refill.pk).status == "draft"
    assert not Offer.objects.filter(run=refill).exists()


def test_a_reallocation_that_moves_an_accepted_trainee_takes_back_their_placements(starting_later):
    t = starting_later.trainees
    publish(starting_later, [["R2", "ROT-A"]])
    reply(t[0], Reply.ACCEPT)
    starting_later.rotations[1].availability = "withdrawn"  # R2
    starting_later.rotations[1].save()
    realloc = services.reallocation_run_create(
        window=starting_later.window, reason="R2's practice closed", by=starting_later.lead
    )
    services.run_publish(run=realloc, respond_by=SOON, by=starting_later.lead)
    assert offer_of(t[0], status="withdrawn").rotation.code == "R2"
    assert placements_of(t[0]) == []


# --- the trainee's pages ------------------------------------------------------------------------------------


def signed_in(client, trainee):
    client.force_login(trainee.user)
    return client


def test_the_offer_page_shows_the_three_replies_and_the_deadline(starting_later, client):
    t = starting_later.trainees
    respond_by = datetime.datetime(2030, 6, 11, 15, tzinfo=LONDON)
    publish(starting_later, [["R2", "ROT-A"], ["R2", "R3"]], respond_by=respond_by)
    page = signed_in(client, t[1]).get(reverse("preferencing:offer_detail", args=[offer_of(t[1]).pk]))
    text = squeezed(page.content.decode())
    assert "Accept this rotation" in text
    assert "Accept with upgrades" in text
    assert "Decline it" in text
    assert "moved up to the highest one automatically" in text
    assert "choice 1" in text
    assert "Reply by 15:00 on Tuesday 11 June 2030" in text
    assert "lapses" in text
    first = signed_in(client, t[0]).get(reverse("preferencing:offer_detail", args=[offer_of(t[0]).pk]))
    assert "Accept with upgrades" not in squeezed(first.content.decode())  # their 1st choice: nothing higher


def test_replying_without_a_choice_shows_the_error(starting_later, client):
    t = starting_later.trainees
    publish(starting_later, [["R2", "ROT-A"], ["R2", "R3"]])
    url = reverse("preferencing:offer_respond", args=[offer_of(t[1]).pk])
    response = signed_in(client, t[1]).post(url, {})
    assert response.status_code == 400
    text = squeezed(response.content.decode())
    assert "There is a problem" in text
    assert 'href="#decision"' in text
    assert 'id="decision"' in text
    assert "accept it with upgrades" in text


def test_accepting_with_upgrades_from_the_page(starting_later, client):
    t = starting_later.trainees
    publish(starting_later, [["R2", "ROT-A"], ["R2", "R3"]])
    offer = offer_of(t[1])
    url = reverse("preferencing:offer_respond", args=[offer.pk])
    response = signed_in(client, t[1]).post(url, {"decision": "accept_upgrades"}, follow=True)
    text = squeezed(response.content.decode())
    assert f"You have accepted {offer.rotation.name} with upgrades." in text
    assert "Accepted with upgrades" in text
    assert "Give up this rotation" in text
    assert placements_of(t[1]) == ["R3"]


def test_a_refused_reply_is_shown_on_the_page(starting_later, client):
    t = starting_later.trainees
    publish(starting_later, [["R2", "ROT-A"]])
    offer = offer_of(t[0])
    Offer.objects.filter(pk=offer.pk).update(respond_by=timezone.now() - datetime.timedelta(seconds=1))
    response = signed_in(client, t[0]).post(
        reverse("preferencing:offer_respond", args=[offer.pk]), {"decision": "accept"}
    )
    assert response.status_code == 409
    assert "deadline" in squeezed(response.content.decode())


def test_giving_up_asks_first_and_the_destructive_button_is_never_the_enter_default(starting_later, client):
    t = starting_later.trainees
    publish(starting_later, [["R2"]])
    reply(t[0], Reply.ACCEPT)
    offer = offer_of(t[0])
    url = reverse("preferencing:offer_give_up", args=[offer.pk])
    page = squeezed(signed_in(client, t[0]).get(url).content.decode())
    assert "You cannot undo this" in page
    assert "nhsuk-button--warning" in page
    assert "No, keep it" in page
    form = page[page.index("<form") : page.index("</form>")]
    # No field to press Enter in: the button is pressed on purpose or not at all.
    assert "<input" not in form.replace('type="hidden"', "").split("csrfmiddlewaretoken")[-1]
    assert "<textarea" not in form
    response = client.post(url, follow=True)
    assert f"You have given up {offer.rotation.name}." in squeezed(response.content.decode())
    assert offer_of(t[0]).status == "given_up"
    # Now there is nothing to give up: the page sends them back to the offer.
    assert client.get(url).status_code == 302


def test_another_trainee_s_offer_is_not_found(starting_later, client):
    t = starting_later.trainees
    publish(starting_later, [["R2"], ["R3"]])
    reply(t[0], Reply.ACCEPT)
    offer = offer_of(t[0])
    client = signed_in(client, t[1])
    for name in ("preferencing:offer_detail", "preferencing:offer_give_up"):
        assert client.get(reverse(name, args=[offer.pk])).status_code == 404
    assert client.post(reverse("preferencing:offer_give_up", args=[offer.pk])).status_code == 404
    assert client.post(reverse("api:give_up_offer", args=[offer.pk])).status_code == 404
    assert offer_of(t[0]).status == "accepted"


def test_my_rotations_says_what_each_offer_is_waiting_for(starting_later, client):
    t = starting_later.trainees
    publish(
        starting_later,
        [["R2", "ROT-A"], ["R2", "R3"]],
        respond_by=datetime.datetime(2030, 6, 11, 15, tzinfo=LONDON),
    )
    reply(t[1], Reply.ACCEPT_WITH_UPGRADES)
    text = squeezed(signed_in(client, t[1]).get(reverse("preferencing:my_rotations")).content.decode())
    assert "Accepted with upgrades" in text
    text = squeezed(signed_in(client, t[0]).get(reverse("preferencing:my_rotations")).content.decode())
    assert "reply by 15:00 on Tuesday 11 June 2030" in text


# --- the API ------------------------------------------------------------------------------------------------


def api_post(client, name, offer, body=None):
    return client.post(
        reverse(name, args=[offer.pk]),
        json.dumps(body) if body is not None else "",
        content_type="application/json",
    )


def test_the_api_replies_with_upgrades_and_gives_up(starting_later, client):
    t = starting_later.trainees
    publish(starting_later, [["R2", "ROT-A"], ["R2", "R3"]])
    client = signed_in(client, t[1])
    offer = offer_of(t[1])
    refused = api_post(client, "api:respond_to_offer", offer, {"accept": False, "upgrades": True})
    assert refused.status_code == 400
    response = api_post(client, "api:respond_to_offer", offer, {"accept": True, "upgrades": True})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["upgrades"]) == ("accepted", True)
    assert placements_of(t[1]) == ["R3"]
    again = api_post(client, "api:respond_to_offer", offer, {"accept": False})
    assert again.status_code == 409
    assert "already accepted" in again.json()["detail"]
    given_up = api_post(client, "api:give_up_offer", offer)
    assert given_up.status_code == 200
    assert given_up.json()["status"] == "given_up"
    assert placements_of(t[1]) == []
    assert api_post(client, "api:give_up_offer", offer).status_code == 409
