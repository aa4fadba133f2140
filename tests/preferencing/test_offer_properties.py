"""Properties of the offer lifecycle over the real services and the test database: any sequence of replies,
lapses, rotations given up and re-offer runs (with their upgrades) keeps every rotation within its places,
gives each accepted rotation its placements and nothing else, and never moves an upgrader down.

A small window: three rotations (1, 1 and 2 places) and five trainees whose lists hypothesis draws. Each
example runs inside a savepoint that is rolled back, so examples do not see each other's offers.
"""

from collections import Counter
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from heft.accounts.models import Role
from heft.preferencing import offers, services
from heft.preferencing.models import Offer, Preference, PreferenceList, PreferenceWindow
from heft.preferencing.offers import OfferError, Reply
from heft.preferencing.problem import live_offers
from heft.trainees.models import Placement
from tests import factories as f
from tests.preferencing.conftest import make_window

CODES = ["P1", "P2", "P3"]
PLACES = {"P1": 1, "P2": 1, "P3": 2}
TRAINEES = 5
FAR = timezone.timedelta(days=30)


@dataclass
class Small:
    window: PreferenceWindow
    trainees: list
    memberships: list
    slots: dict  # rotation id -> how many slots
    lead: object


@pytest.fixture
def small(db) -> Small:
    scheme = f.SchemeFactory()
    rotations = []
    for code in CODES:
        rotation = f.RotationFactory(scheme=scheme, code=code, capacity=PLACES[code])
        f.SlotFactory(rotation=rotation, start_offset_months=0, months=6)
        f.SlotFactory(rotation=rotation, start_offset_months=6, months=6)
        rotations.append(rotation)
    start = timezone.localdate() + timezone.timedelta(days=200)
    memberships = [
        f.MembershipFactory(scheme=scheme, national_rank=rank, start_date=start)
        for rank in range(1, TRAINEES + 1)
    ]
    for membership in memberships:
        membership.trainee.user = f.RoleFactory(role=Role.TRAINEE).user
        membership.trainee.save()
    return Small(
        window=make_window(scheme, open_now=False),
        trainees=[m.trainee for m in memberships],
        memberships=memberships,
        slots={r.pk: 2 for r in rotations},
        lead=f.UserFactory(),
    )


# Five lists for four places: most trainees rank two or three rotations, a few none; P1 is often the
# favourite, so that many hold a lower choice and have something to move up to.
ranking = st.one_of(st.just(CODES), st.permutations(CODES))
lists = st.lists(
    ranking.flatmap(lambda p: st.sampled_from([0, 1, 2, 3, 3]).map(lambda n: list(p[:n]))),
    min_size=TRAINEES,
    max_size=TRAINEES,
)
# Accepting with upgrades is drawn more often: it is what the cascade needs. None: no reply yet.
answers = st.sampled_from(
    [Reply.ACCEPT_WITH_UPGRADES, Reply.ACCEPT, Reply.ACCEPT_WITH_UPGRADES, None, Reply.DECLINE]
)
who = st.integers(0, TRAINEES - 1)


class OfferLifecycle(RuleBasedStateMachine):
    world: Small  # set by the test

    def __init__(self):
        super().__init__()
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        self.draft = None
        self.held_at_draft = None

    def teardown(self):
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)

    # --- steps ---

    @initialize(ranked=lists, replies=st.lists(answers, min_size=TRAINEES, max_size=TRAINEES))
    def publish_the_allocation_and_reply(self, ranked, replies):
        window = self.world.window
        for trainee, codes in zip(self.world.trainees, ranked, strict=True):
            if not codes:
                continue
            PreferenceList.objects.create(window=window, trainee=trainee, status="submitted", version=1)
            rotations = {r.code: r for r in window.scheme.rotations.all()}
            Preference.objects.bulk_create(
                Preference(window=window, trainee=trainee, rotation=rotations[c], rank=i)
                for i, c in enumerate(codes, 1)
            )
        self.lists = {str(t.pk): list(codes) for t, codes in zip(self.world.trainees, ranked, strict=True)}
        run = services.run_create(window=window, mechanism="serial-dictatorship", by=self.world.lead)
        services.run_publish(run=run, respond_by=timezone.now() + FAR, by=self.world.lead)
        self.reply_to_the_offers(replies)

    @rule(replies=st.lists(answers, min_size=TRAINEES, max_size=TRAINEES))
    def reply_to_the_offers(self, replies):
        """Each open offer in turn gets the reply drawn for it, or none yet."""
        open_offers = Offer.objects.filter(window=self.world.window, status=Offer.Status.OFFERED).order_by(
            "pk"
        )
        for offer, answer in zip(list(open_offers), replies, strict=False):
            if answer is None:
                continue
            if answer is Reply.ACCEPT_WITH_UPGRADES and not offers.upgrades_possible(offer):
                with pytest.raises(OfferError, match="nothing to upgrade to"):
                    offers.offer_reply(offer=offer, reply=answer, by=offer.trainee.user)
                answer = Reply.ACCEPT
            offers.offer_reply(offer=offer, reply=answer, by=offer.trainee.user)

    @rule(i=who)
    def let_it_lapse(self, i):
        offer = self._offer(i, Offer.Status.OFFERED)
        if offer is None:
            return
        Offer.objects.filter(pk=offer.pk).update(respond_by=timezone.now())
        assert offers.offers_lapse_due() == 1

    @rule(i=who)
    def a_place_an_upgrader_wants_is_turned_down(self, i):
        """What sets off upgrades: whoever holds a rotation an upgrader ranked higher declines it or gives it
        up (a random walk rarely lines this up)."""
        window = self.world.window
        wanted = set()
        for claim in Offer.objects.filter(window=window, status=Offer.Status.ACCEPTED, upgrades=True):
            ranked = self.lists[str(claim.trainee_id)]
            wanted |= set(ranked[: ranked.index(claim.rotation.code)])
        held = list(
            Offer.objects.filter(window=window, status__in=Offer.LIVE, rotation__code__in=wanted).order_by(
                "pk"
            )
        )
        if not held:
            return
        offer = held[i % len(held)]
        if offer.status == Offer.Status.OFFERED:
            offers.offer_reply(offer=offer, reply=Reply.DECLINE, by=offer.trainee.user)
        else:
            offers.offer_give_up(offer=offer, by=offer.trainee.user)

    @rule(i=who)
    def give_up(self, i):
        offer = self._offer(i, Offer.Status.ACCEPTED)
        if offer is not None:
            offers.offer_give_up(offer=offer, by=offer.trainee.user)

    @precondition(lambda self: self._a_place_is_free())
    @rule()
    def re_offer(self):
        before = self._accepted_choices()
        refill = services.refill_run_create(window=self.world.window, by=self.world.lead)
        services.run_publish(run=refill, respond_by=timezone.now() + FAR, by=self.world.lead)
        after = self._accepted_choices()
        for trainee, choice in before.items():
            if trainee in after:  # an accepted rotation is kept or replaced by a higher choice
                assert after[trainee] <= choice, (trainee, choice, after[trainee])

    @rule()
    def draft_a_re_offer(self):
        self.draft = services.refill_run_create(window=self.world.window, by=self.world.lead)
        self.held_at_draft = live_offers(self.world.window)

    @precondition(lambda self: self.draft is not None)
    @rule()
    def publish_the_draft(self):
        draft, self.draft = self.draft, None
        in_force = self.world.window.runs.get(status="published")
        try:
            services.run_publish(run=draft, respond_by=timezone.now() + FAR, by=self.world.lead)
        except services.PreferencingError as error:
            overtaken = live_offers(self.world.window) != self.held_at_draft
            assert overtaken or draft.based_on_id != in_force.pk, error
        else:
            draft.refresh_from_db()
            assert draft.status == "published"

    # --- what always holds ---

    @invariant()
    def no_rotation_is_over_its_places(self):
        held = Counter(live_offers(self.world.window).values())
        assert all(held[code] <= PLACES[code] for code in CODES), held

    @invariant()
    def each_accepted_rotation_and_only_those_have_placements(self):
        accepted = set(
            Offer.objects.filter(window=self.world.window, status=Offer.Status.ACCEPTED).values_list(
                "trainee_id", "rotation_id"
            )
        )
        placed = Counter(
            Placement.objects.filter(membership__in=self.world.memberships).values_list(
                "membership__trainee_id", "rotation_id"
            )
        )
        assert set(placed) == accepted
        assert all(placed[pair] == self.world.slots[pair[1]] for pair in accepted)

    @invariant()
    def an_upgrade_always_moves_up(self):
        for old in Offer.objects.filter(window=self.world.window, status=Offer.Status.UPGRADED):
            new = Offer.objects.filter(trainee_id=old.trainee_id, pk__gt=old.pk).order_by("pk").first()
            assert new is not None
            assert new.choice < old.choice
            assert new.upgrades
            assert new.status != Offer.Status.OFFERED

    # --- helpers ---

    def _a_place_is_free(self) -> bool:
        return any(left > 0 for left in services.places_left(self.world.window).values())

    def _offer(self, i, status) -> Offer | None:
        """The i-th (wrapping round) offer with `status`: every step finds one when there is one."""
        found = list(Offer.objects.filter(window=self.world.window, status=status).order_by("pk"))
        return found[i % len(found)] if found else None

    def _accepted_choices(self) -> dict[int, int]:
        accepted = Offer.objects.filter(window=self.world.window, status=Offer.Status.ACCEPTED)
        return {o.trainee_id: o.choice for o in accepted if o.choice}


def test_any_sequence_of_replies_lapses_and_re_offers_keeps_the_rules(small):
    OfferLifecycle.world = small
    run_state_machine_as_test(
        OfferLifecycle,
        settings=settings(
            max_examples=30,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
