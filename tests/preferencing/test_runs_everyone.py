"""Everyone in the window is in the run: members without a list, returners after time out, those who take
no part (with why), placing by hand, filling the places left, publication in two steps, and why `stable`
equals serial dictatorship here."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from heft.audit.models import AuditEvent
from heft.preferencing import selectors, services
from heft.preferencing.models import AllocationRun, Offer
from heft.preferencing.problem import window_memberships
from heft.preferencing.services import PreferencingError
from heft.trainees.models import ProgrammeMembership
from tests import factories as f
from tests.preferencing.test_services import close, submit

SOON = timezone.now() + datetime.timedelta(days=7)


def add_members(allocation, ranks):
    """More members of the window, at these national ranks, who submit nothing."""
    return [
        f.MembershipFactory(scheme=allocation.window.scheme, national_rank=rank).trainee for rank in ranks
    ]


def two_ranked_lists(allocation):
    """The two best-ranked trainees submit; the other two members of the four have no list."""
    t = allocation.trainees
    submit(allocation, t[0], ["R2", "ROT-A"])
    submit(allocation, t[1], ["R2"])  # R2 goes to t[0]: no place for t[1]
    close(allocation)


def counts_of(run):
    return selectors.run_counts(selectors.run_outcomes(run))


def run(allocation, mechanism="serial-dictatorship", **kwargs):
    return services.run_create(window=allocation.window, mechanism=mechanism, by=allocation.lead, **kwargs)


# --- everyone in the window is in the run -------------------------------------------------------------------


def test_members_without_a_list_are_in_the_run_and_the_counts_add_up_to_the_members(allocation):
    extra = add_members(allocation, [5, 6, 7])
    allocation.trainees[2].preference_lists.create(window=allocation.window)  # a draft does not count
    two_ranked_lists(allocation)
    made = run(allocation)
    members = window_memberships(allocation.window).count()
    assert members == 7
    assert set(made.assignments) == {str(m.trainee_id) for m in window_memberships(allocation.window)}
    assert made.metrics["members"]["count"] == members
    no_list = {str(t.pk) for t in [allocation.trainees[2], allocation.trainees[3], *extra]}
    assert set(made.metrics["members"]["no_list"]) == no_list
    counts = counts_of(made)
    assert counts["placed"] + counts["not_placed"] == counts["members"] == members
    assert counts["placed"] == 1
    assert counts["reasons"] == [("no list", 5), ("no place", 1)]
    outcomes = selectors.run_outcomes(made)
    assert outcomes[str(extra[0].pk)].label == "Not placed — no list"
    assert outcomes[str(allocation.trainees[1].pk)].label == "Not placed — no place"


def test_members_not_in_training_are_named_with_why_and_still_counted(allocation):
    two_ranked_lists(allocation)
    interrupted = allocation.trainees[3].memberships.get()
    interrupted.status = ProgrammeMembership.Status.INTERRUPTED
    interrupted.save()
    made = run(allocation)
    trainee_id = str(allocation.trainees[3].pk)
    assert trainee_id not in made.assignments
    assert made.metrics["members"]["not_in_run"] == {trainee_id: "training interrupted"}
    counts = counts_of(made)
    assert counts["members"] == 4
    assert counts["placed"] + counts["not_placed"] == 4
    assert ("training interrupted", 1) in counts["reasons"]


def test_a_member_with_neither_a_rank_nor_a_list_is_named_not_a_stumbling_block(allocation):
    unranked = f.MembershipFactory(scheme=allocation.window.scheme, national_rank=None).trainee
    two_ranked_lists(allocation)
    made = run(allocation)
    assert made.metrics["members"]["not_in_run"] == {str(unranked.pk): "no national recruitment rank"}
    assert counts_of(made)["members"] == 5


def test_run_page_compare_page_and_publish_step_show_the_members_not_placed(allocation, client):
    add_members(allocation, [5, 6])
    two_ranked_lists(allocation)
    first, second = run(allocation), run(allocation, "rank-maximal")
    client.force_login(allocation.lead)
    page = client.get(reverse("preferencing:run_detail", args=[first.pk])).content.decode()
    assert "6 members: 1 placed, 5 not placed (4 no list, 1 no place)" in page
    assert "Not placed</strong> — no list" in page
    assert "5</strong> of 6 members not placed (4 no list, 1 no place)" in page
    compare = client.get(
        reverse("preferencing:run_compare", args=[allocation.window.pk]), {"run": [first.pk, second.pk]}
    ).content.decode()
    assert "Not placed: no list" in compare
    assert "Not placed: no place" in compare
    assert "Not placed — no place" in compare  # the trainee ranked 2 under serial dictatorship


def test_a_run_is_refused_at_publication_once_a_member_joins_after_it_was_made(allocation):
    two_ranked_lists(allocation)
    made = run(allocation)
    add_members(allocation, [9])
    assert counts_of(made)["reasons"][-1] == ("not in this run: joined the window after it was made", 1)
    with pytest.raises(PreferencingError, match="Run it again so that everyone is in it"):
        services.run_publish(run=made, respond_by=SOON, by=allocation.lead)
    assert not Offer.objects.exists()


# --- returners after time out -------------------------------------------------------------------------------


def returner(allocation, *, rank=40, status=ProgrammeMembership.Status.ACTIVE):
    """A trainee of the 2025-08 intake returning with the window's (2026-08) after time out."""
    membership = f.MembershipFactory(
        scheme=allocation.window.scheme, intake="2025-08", national_rank=rank, status=status
    )
    membership.returning_to_intake = allocation.window.intake
    membership.returning_heft_not_guaranteed = True
    membership.save()
    membership.trainee.user = f.RoleFactory(role="trainee").user
    membership.trainee.save()
    return membership


def test_returners_join_the_window_they_return_to_rank_in_it_and_are_flagged(allocation):
    membership = returner(allocation, status=ProgrammeMembership.Status.INTERRUPTED)
    trainee = membership.trainee
    assert membership in window_memberships(allocation.window)
    assert selectors.window_for_trainee(trainee, allocation.window.pk) == allocation.window
    assert allocation.window in selectors.windows_for_trainee(trainee)
    submit(allocation, trainee, ["R3"])
    rows = {row["trainee"].pk: row for row in selectors.submission_table(allocation.window)}
    assert rows[trainee.pk]["returning"]
    assert not rows[allocation.trainees[0].pk]["returning"]
    close(allocation)
    made = run(allocation)
    assert made.assignments[str(trainee.pk)] == "R3"  # interrupted now, but returning to this window
    row = next(r for r in selectors.run_rows(made) if r["trainee"] == trainee)
    assert row["returning"]


def test_a_returner_leaves_the_window_of_their_first_intake(allocation, world):
    from tests.preferencing.conftest import make_window

    membership = returner(allocation)
    first_window = make_window(allocation.window.scheme)
    first_window.intake = "2025-08"
    first_window.save()
    assert membership not in window_memberships(first_window)
    assert not selectors.window_with_membership(membership.trainee, first_window.pk).trainee_is_member


def test_a_returner_sharing_a_national_rank_is_named(allocation):
    membership = returner(allocation, rank=2)
    close(allocation)
    with pytest.raises(PreferencingError, match=rf"{membership.trainee_id} share national rank 2"):
        run(allocation)


def test_window_page_flags_returners(allocation, client):
    membership = returner(allocation)
    client.force_login(allocation.lead)
    page = client.get(reverse("preferencing:window_detail", args=[allocation.window.pk])).content.decode()
    assert page.count("Returning – HEFT rotation not guaranteed") == 1
    assert f"From the {membership.intake} intake" in page


# --- placing by hand ----------------------------------------------------------------------------------------


def published(allocation, **kwargs):
    made = run(allocation, **kwargs)
    services.run_publish(run=made, respond_by=SOON, by=allocation.lead)
    return made


def place(allocation, trainee, code, reason="Joined late after a deferred start", **kwargs):
    return services.offer_place_by_hand(
        window=allocation.window,
        membership=trainee.memberships.get(),
        rotation_code=code,
        reason=reason,
        respond_by=SOON,
        by=allocation.lead,
        **kwargs,
    )


def test_a_member_without_a_place_is_placed_by_hand_audited_and_emailed(
    allocation, django_capture_on_commit_callbacks
):
    two_ranked_lists(allocation)
    published(allocation)
    trainee = allocation.trainees[3]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        offer = place(allocation, trainee, "R3")
    assert offer.run is None
    assert offer.status == Offer.Status.OFFERED
    assert offer.respond_by == SOON
    assert offer.by_hand_reason == "Joined late after a deferred start"
    assert offer.explanation == "Placed by your programme team: Joined late after a deferred start"
    event = AuditEvent.objects.get(verb="offer.placed_by_hand")
    assert event.target_id == str(offer.pk)
    assert event.after["rotation"] == "R3"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [trainee.email]
    assert "Placed by your programme team: Joined late after a deferred start" in mail.outbox[0].body
    assert selectors.places_left(allocation.window)["R3"] == 0


def test_placing_by_hand_is_refused_when_the_rotation_is_full(allocation):
    two_ranked_lists(allocation)
    published(allocation)  # R2 holds the first trainee
    with pytest.raises(PreferencingError, match="R2 is full"):
        place(allocation, allocation.trainees[3], "R2")
    assert not Offer.objects.filter(run__isnull=True).exists()


def test_placing_by_hand_is_refused_when_the_trainee_holds_a_live_offer(allocation):
    two_ranked_lists(allocation)
    published(allocation)
    with pytest.raises(PreferencingError, match="already holds R2"):
        place(allocation, allocation.trainees[0], "R3")


def test_placing_by_hand_needs_a_reason_and_a_closed_window(allocation):
    with pytest.raises(PreferencingError, match="still open"):
        place(allocation, allocation.trainees[3], "R3")
    close(allocation)
    with pytest.raises(PreferencingError, match="Say why"):
        place(allocation, allocation.trainees[3], "R3", reason="  ")


def test_a_place_given_by_hand_is_kept_by_later_runs(allocation):
    close(allocation)
    offer = place(allocation, allocation.trainees[3], "R3")
    stale = run(allocation)  # made before the second placement below
    place(allocation, allocation.trainees[2], "R2")
    with pytest.raises(PreferencingError, match="changed since this run was made"):
        services.run_publish(run=stale, respond_by=SOON, by=allocation.lead)
    made = run(allocation)
    assert made.input_snapshot["fixed"] == {
        str(allocation.trainees[3].pk): "R3",
        str(allocation.trainees[2].pk): "R2",
    }
    services.run_publish(run=made, respond_by=SOON, by=allocation.lead)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OFFERED


def test_the_placing_page_checks_then_confirms(allocation, client, django_capture_on_commit_callbacks):
    two_ranked_lists(allocation)
    published(allocation)
    membership = allocation.trainees[3].memberships.get()
    url = reverse("preferencing:place_by_hand", args=[allocation.window.pk, membership.pk])
    client.force_login(allocation.lead)
    page = client.get(url).content.decode()
    assert "R3: " in page
    assert 'value="R2"' not in page  # only rotations with a place left
    respond_by = timezone.localtime(SOON).strftime("%Y-%m-%dT%H:%M")
    data = {"rotation": "R3", "reason": "Returned from a deferral", "respond_by": respond_by}
    checked = client.post(url, data)
    assert checked.status_code == 200
    assert "Placed by your programme team: Returned from a deferral" in (checked.content.decode())
    assert not Offer.objects.filter(run__isnull=True).exists()
    assert client.post(url, {**data, "reason": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**data, "confirm": "yes"})
    assert done.status_code == 302
    assert Offer.objects.get(run__isnull=True).rotation.code == "R3"


# --- filling the places left --------------------------------------------------------------------------------


def test_fill_gives_places_in_national_rank_order_with_explanations(allocation):
    t = allocation.trainees
    extra = add_members(allocation, [5, 6])  # 4 places: R2, R3 and two in ROT-A
    submit(allocation, t[0], ["R2"])
    submit(allocation, t[2], ["R2"])  # no place left in R2 for the trainee ranked 3
    close(allocation)
    made = run(allocation, fill_places_left=True)
    assert made.fill_places_left
    # After every ranked trainee, the places left (R3, then ROT-A's two, in code order) go in national
    # rank order: ranks 2, 3 (who ranked only the full R2) and 4; ranks 5 and 6 find none.
    expected = {t[0]: "R2", t[1]: "R3", t[2]: "ROT-A", t[3]: "ROT-A", extra[0]: None, extra[1]: None}
    assert made.assignments == {str(trainee.pk): code for trainee, code in expected.items()}
    assert made.metrics["filled"] == 3
    assert made.explanations[str(t[1].pk)] == (
        "Placed in R3 after every ranked trainee: you had no list; places left are given in "
        "recruitment-rank order. You are ranked 2 nationally."
    )
    assert made.explanations[str(t[2].pk)].startswith(
        "Placed in ROT-A after every ranked trainee: none of your choices had a place left; places left are "
        "given in recruitment-rank order. Your 1st choice, R2, was already full when your turn came"
    )
    assert "No places were left" in made.explanations[str(extra[0].pk)]
    outcome = selectors.run_outcomes(made)[str(t[1].pk)]
    assert outcome.filled
    assert outcome.label.endswith("(a place left)")
    services.run_publish(run=made, respond_by=SOON, by=allocation.lead)
    assert Offer.objects.get(trainee=t[1]).explanation.startswith("Placed in ")


def test_a_re_offer_run_fills_as_the_run_in_force_did(allocation):
    t = allocation.trainees
    submit(allocation, t[0], ["R2"])
    close(allocation)
    published(allocation, fill_places_left=True)
    services.offer_respond(offer=Offer.objects.get(trainee=t[0]), accept=False, by=t[0].user)
    refill = services.refill_run_create(window=allocation.window, by=allocation.lead)
    assert refill.fill_places_left
    assert refill.metrics["members"]["not_in_run"] == {str(t[0].pk): "declined their offer"}
    counts = counts_of(refill)
    assert counts["members"] == 4
    assert counts["placed"] + counts["not_placed"] == 4


# --- stable, explained --------------------------------------------------------------------------------------


def test_run_and_compare_pages_say_stable_equals_serial_dictatorship_here(allocation, client):
    two_ranked_lists(allocation)
    stable, serial = run(allocation, "stable"), run(allocation)
    assert stable.assignments == serial.assignments
    assert selectors.stable_equals_serial_dictatorship(stable)
    assert not selectors.stable_equals_serial_dictatorship(serial)
    client.force_login(allocation.lead)
    message = "Stable matching gives the same allocation as serial dictatorship here, by design."
    assert message in client.get(reverse("preferencing:run_detail", args=[stable.pk])).content.decode()
    assert message not in client.get(reverse("preferencing:run_detail", args=[serial.pk])).content.decode()
    compare = client.get(
        reverse("preferencing:run_compare", args=[allocation.window.pk]), {"run": [stable.pk, serial.pk]}
    ).content.decode()
    assert message in compare
    assert "one priority order common to every rotation" in compare
    assert f"Run {stable.pk} (stable) and Run {serial.pk} (serial-dictatorship) give every trainee" in compare


def test_the_run_form_says_it_before_anyone_runs_stable(allocation, client):
    close(allocation)
    client.force_login(allocation.lead)
    page = client.get(reverse("preferencing:window_detail", args=[allocation.window.pk])).content.decode()
    assert "Here the same allocation as by national recruitment rank, by design" in page
    assert "Fill the places left" in page


# --- publication in two steps -------------------------------------------------------------------------------


def test_the_publish_form_proposes_the_usual_deadline_and_asks_once_more(allocation, client):
    from heft.preferencing.offers import default_reply_by

    two_ranked_lists(allocation)
    made = run(allocation)
    url = reverse("preferencing:run_detail", args=[made.pk])
    client.force_login(allocation.lead)
    proposed = timezone.localtime(default_reply_by()).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{proposed}"' in client.get(url).content.decode()
    checked = client.post(url, {"respond_by": proposed}).content.decode()
    assert "Offers made: <strong>1</strong>" in checked
    assert "Offers withdrawn: <strong>0</strong>" in checked
    assert "Members not placed: <strong>3</strong> of 4 (2 no list, 1 no place)" in checked
    assert 'name="confirm"' in checked
    assert made.status == AllocationRun.Status.DRAFT
    assert client.post(url, {"respond_by": proposed, "confirm": "yes"}).status_code == 302
    made.refresh_from_db()
    assert made.status == AllocationRun.Status.PUBLISHED
