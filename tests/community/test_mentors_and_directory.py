"""Near-peer mentors matched and assigned within capacity; the opt-in directory and interests."""

import pytest
from django.urls import reverse

from heft.audit.models import AuditEvent
from heft.community import selectors, services
from heft.community.models import CommunityProfile, InterestArea, MentorAssignment
from heft.trainees.selectors import trainees_visible_to
from tests import factories as f
from tests.community.conftest import trainee_with_account
from tests.pages import page_text


def test_matching_gives_mentors_up_to_their_capacity_and_explains(
    world, region_a_trainees, mentor, client_for
):
    mentor.capacity = 5
    mentor.save()  # one place is taken by trainee A2 already
    client = client_for("regional_lead")
    preview = client.get(reverse("community:mentor_list"), {"patch": "region:region-a"}).content.decode()
    assert "4 matched, 0 with a long journey; 7 not matched." in preview
    assert MentorAssignment.objects.count() == 1  # looking writes nothing
    assert client.post(reverse("community:mentor_match"), {"patch": "region:region-a"}).status_code == 302
    current = MentorAssignment.objects.filter(mentor=mentor, end_date__isnull=True)
    assert current.count() == 5
    event = AuditEvent.objects.filter(verb="mentor_assignment.matched").first()
    assert event.after["why"].startswith("Same locality:")
    # The mentor now sees exactly the trainees assigned to them.
    assert set(trainees_visible_to(world.user("mentor"))) == {a.trainee for a in current}


def test_matching_again_leaves_current_assignments_alone(world, region_a_trainees, mentor):
    patch = selectors.Patch(world.region_a)
    first = services.mentors_match(patch=patch, by=world.user("regional_lead"))
    second = services.mentors_match(patch=patch, by=world.user("regional_lead"))
    assert len(first) == 9
    assert second == []  # capacity 10, one place already taken


def test_assigning_by_hand_respects_capacity_and_ending_removes_sight(world, mentor, client_for):
    mentor.capacity = 1
    mentor.save()
    client = client_for("regional_lead")
    response = client.post(
        reverse("community:assignment_add"), {"mentor": mentor.pk, "trainee": world.trainee_a.pk}
    )
    assert response.status_code == 400
    assert "has no room: all 1 places are taken" in response.content.decode()
    assignment = MentorAssignment.objects.get(trainee=world.trainee_a2)
    assert client.post(reverse("community:assignment_end", args=[assignment.pk])).status_code == 302
    assert world.trainee_a2 not in trainees_visible_to(world.user("mentor"))
    response = client.post(
        reverse("community:assignment_add"), {"mentor": mentor.pk, "trainee": world.trainee_a.pk}
    )
    assert response.status_code == 302
    assert set(trainees_visible_to(world.user("mentor"))) == {world.trainee_a}


def test_the_mentor_api(world, region_a_trainees, mentor, client_for):
    client = client_for("regional_lead")
    [listed] = client.get("/api/v1/mentors").json()
    assert listed["capacity"] == 10
    assert listed["mentees"] == 1
    assert listed["locality"] == world.scheme_a.code
    created = client.post(
        "/api/v1/mentor-assignments/match", {"region": "region-a"}, content_type="application/json"
    )
    assert created.status_code == 201
    assert len(created.json()) == 9
    assignment = created.json()[0]["id"]
    assert client.post(f"/api/v1/mentor-assignments/{assignment}/end").json()["end_date"]
    response = client.post(
        "/api/v1/mentor-assignments",
        {"mentor": mentor.pk, "trainee": world.trainee_b.pk},
        content_type="application/json",
    )
    assert response.status_code == 404  # trainee B is in another region
    own = client_for("mentor").get("/api/v1/mentor-assignments").json()
    assert len(own) == 9


# --- interests and the directory ----------------------------------------------------------------------------


def interests(*codes):
    return list(InterestArea.objects.filter(code__in=codes))


def test_nobody_is_listed_without_consent(world, client_for):
    trainee = trainee_with_account(world.scheme_a)
    services.profile_save(
        user=trainee.user, interests=interests("homelessness"), listed=False, about="", by=trainee.user
    )
    body = page_text(client_for("trainee").get(reverse("community:directory")))
    assert trainee.full_name not in body
    assert "0 people listed" in body


def test_consenting_lists_and_withdrawing_removes_at_once(world, client_for):
    client = client_for("trainee")
    user = world.user("trainee")
    data = {
        "interests": [i.pk for i in interests("homelessness", "research")],
        "listed": "on",
        "about": "Keen on research.",
    }
    assert client.post(reverse("community:interests"), data).status_code == 302
    profile = CommunityProfile.objects.get(user=user)
    assert profile.listed
    assert profile.listed_since
    body = page_text(client.get(reverse("community:directory")))
    assert world.trainee_a.full_name in body
    assert world.trainee_a.email in body
    assert "Homelessness, Research" in body
    assert "Region A" in body
    assert "Keen on research." in body
    assert client.post(reverse("community:interests"), {"interests": data["interests"]}).status_code == 302
    profile.refresh_from_db()
    assert not profile.listed
    assert profile.listed_since is None
    assert profile.about == ""
    assert world.trainee_a.full_name not in page_text(client.get(reverse("community:directory")))
    assert list(
        AuditEvent.objects.filter(verb__startswith="directory.").order_by("pk").values_list("verb", flat=True)
    ) == [
        "directory.consent_given",
        "directory.consent_withdrawn",
    ]


def test_the_directory_filters_by_region_and_interest(world, client_for):
    a = trainee_with_account(world.scheme_a)
    b = trainee_with_account(world.scheme_b)
    # Names that no other invented person on the page can share or contain, as two Faker names can.
    for trainee, surname in ((a, "Fictional-Alpha"), (b, "Fictional-Beta")):
        trainee.surname = surname
        trainee.save()
    for trainee, codes in ((a, ["homelessness"]), (b, ["research"])):
        services.profile_save(
            user=trainee.user, interests=interests(*codes), listed=True, about="", by=trainee.user
        )
    client = client_for("mentor")
    listed = page_text(client.get(reverse("community:directory"), {"region": "region-b"}))
    assert b.full_name in listed
    assert a.full_name not in listed
    listed = page_text(client.get(reverse("community:directory"), {"interest": "homelessness"}))
    assert a.full_name in listed
    assert b.full_name not in listed


def test_people_record_only_their_own_interests(world):
    with pytest.raises(Exception, match="own interests"):
        services.profile_save(
            user=world.user("trainee"), interests=[], listed=True, about="", by=world.user("mentor")
        )


def test_shared_interests_inform_matching(world, mentor):
    other = f.MentorFactory(region=world.region_a, scheme=world.scheme_a, capacity=5)
    trainee = trainee_with_account(world.scheme_a)
    services.profile_save(
        user=other.user, interests=interests("refugee-asylum"), listed=False, about="", by=other.user
    )
    services.profile_save(
        user=trainee.user, interests=interests("refugee-asylum"), listed=False, about="", by=trainee.user
    )
    result, _, _ = services.mentors_preview(patch=selectors.Patch(world.region_a, world.scheme_a))
    assert result.pairs[str(trainee.pk)] == str(other.pk)
    assert "shared interests: Refugee and asylum seeker health" in result.why[str(trainee.pk)]
