"""Communities of practice: formed by the engine, adjusted by hand, with shared notes (meetings: see
test_meetings.py)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from heft.audit.models import AuditEvent
from heft.community import selectors, services
from heft.community.models import CommunityGroup, GroupMember, GroupNote
from heft.trainees.models import Trainee
from tests import factories as f


def form_region_a(world, **sizes):
    patch = selectors.Patch(world.region_a)
    return services.groups_form(
        patch=patch,
        min_size=sizes.get("low", 4),
        max_size=sizes.get("high", 6),
        by=world.user("regional_lead"),
    )


def current_members(group) -> set:
    return set(group.memberships.filter(left_at__isnull=True).values_list("trainee_id", flat=True))


def test_forming_places_every_heft_trainee_once_with_a_lead_and_reasons(world, region_a_trainees, mentor):
    groups = form_region_a(world)
    placed = [t for g in groups for t in current_members(g)]
    expected = {world.trainee_a.pk, world.trainee_a2.pk, *(t.pk for t in region_a_trainees)}
    assert sorted(placed) == sorted(expected)  # 12 trainees, each once
    assert [len(current_members(g)) for g in groups] == [6, 6]
    assert groups[0].lead == mentor
    assert groups[1].lead is None  # a capacity of 10 leads one group of 6
    assert "Led by" in groups[0].explanation
    assert "choose a lead by hand" in groups[1].explanation
    assert all(
        g.scheme == world.scheme_a and g.name.startswith("Scheme A community of practice") for g in groups
    )
    assert all(m.reason for m in GroupMember.objects.all())
    assert AuditEvent.objects.filter(verb="community_group.formed").count() == 2
    assert AuditEvent.objects.get(verb="community_groups.formed").after["patch"] == "region:region-a"


def test_forming_again_archives_the_old_groups(world, region_a_trainees, mentor):
    first = form_region_a(world)
    second = form_region_a(world, low=3, high=4)
    assert len(second) == 3
    assert all(g.archived_at for g in CommunityGroup.objects.filter(pk__in=[g.pk for g in first]))
    assert not GroupMember.objects.filter(group__in=first, left_at__isnull=True).exists()


def test_the_preview_is_what_gets_created(world, region_a_trainees, mentor):
    patch = selectors.Patch(world.region_a)
    preview, _, _ = services.groups_preview(patch=patch, min_size=4, max_size=6)
    created = form_region_a(world)
    assert [{int(m.id) for m in g.members} for g in preview.groups] == [current_members(g) for g in created]


def test_a_scheme_lead_forms_groups_only_for_their_scheme(world, region_a_trainees):
    with pytest.raises(PermissionDenied):
        services.groups_form(
            patch=selectors.Patch(world.region_a), min_size=4, max_size=6, by=world.user("scheme_admin")
        )
    groups = services.groups_form(
        patch=selectors.Patch(world.region_a, world.scheme_a),
        min_size=4,
        max_size=6,
        by=world.user("scheme_admin"),
    )
    assert len(groups) == 2


def test_forming_through_the_pages(world, region_a_trainees, mentor, client_for):
    client = client_for("regional_lead")
    url = reverse("community:groups_form")
    query = {"patch": "region:region-a", "min_size": 4, "max_size": 6}
    preview = client.get(url, query).content.decode()
    assert "Proposed groups for Region A" in preview
    assert "2 groups for 12 HEFT trainees" in preview
    assert CommunityGroup.objects.count() == 0  # nothing written by looking
    response = client.post(url, query)
    assert response.status_code == 302
    assert CommunityGroup.objects.count() == 2
    assert client.post(url, {**query, "min_size": 7}).status_code == 400  # smallest above largest
    assert client.post(url, {**query, "patch": "region:region-b"}).status_code == 400  # not in scope


@pytest.fixture
def two_groups(world, region_a_trainees, mentor):
    return form_region_a(world)


def test_a_lead_moves_and_removes_members_by_hand(world, two_groups):
    first, second = two_groups
    trainee = Trainee.objects.get(pk=min(current_members(first)))
    lead = world.user("regional_lead")
    services.group_member_place(group=second, trainee=trainee, by=lead)
    assert trainee.pk in current_members(second)
    assert trainee.pk not in current_members(first)
    with pytest.raises(ValidationError, match="already in this group"):
        services.group_member_place(group=second, trainee=trainee, by=lead)
    services.group_member_remove(group=second, trainee=trainee, by=lead)
    assert selectors.current_group_membership(trainee) is None


def test_a_lead_cannot_place_someone_outside_their_scope(world, two_groups):
    with pytest.raises(PermissionDenied):
        services.group_member_place(
            group=two_groups[0], trainee=world.trainee_b, by=world.user("regional_lead")
        )


def test_choosing_a_lead_respects_capacity(world, two_groups, mentor):
    first, second = two_groups
    lead = world.user("regional_lead")
    with pytest.raises(ValidationError, match="has room for 4 more, not 6"):
        services.group_lead_set(group=second, mentor=mentor, by=lead)
    other_region = f.MentorFactory(region=world.region_b)
    with pytest.raises(ValidationError, match="mentor of the group's region"):
        services.group_lead_set(group=second, mentor=other_region, by=lead)
    services.group_lead_set(group=first, mentor=None, by=lead)
    services.group_lead_set(group=second, mentor=mentor, by=lead)
    second.refresh_from_db()
    assert second.lead == mentor


def test_notes_are_shared_within_the_group_only(world, two_groups, client_for):
    group = next(g for g in two_groups if world.trainee_a.pk in current_members(g))
    client = client_for("trainee")
    assert (
        client.post(
            reverse("community:group_note_add", args=[group.pk]), {"text": "Reading list for next time."}
        ).status_code
        == 302
    )
    page = client.get(reverse("community:group_detail", args=[group.pk])).content.decode()
    assert "Reading list for next time." in page
    other = next(g for g in two_groups if g != group)
    assert client.get(reverse("community:group_detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("community:group_note_add", args=[other.pk]), {"text": "x"}).status_code == 404
    note = GroupNote.objects.get()
    assert client.post(reverse("community:group_note_delete", args=[group.pk, note.pk])).status_code == 302
    assert not GroupNote.objects.exists()
    assert AuditEvent.objects.filter(
        verb="community_note.deleted", before__text="Reading list for next time."
    ).exists()


def test_programme_teams_manage_groups_in_scope_only(world, two_groups, client_for):
    group = two_groups[0]
    assert (
        client_for("regional_lead").get(reverse("community:manage_group", args=[group.pk])).status_code == 200
    )
    other = CommunityGroup.objects.create(region=world.region_b, scheme=world.scheme_b, name="Scheme B 1")
    for role in ("regional_lead", "scheme_admin"):
        assert client_for(role).get(reverse("community:manage_group", args=[other.pk])).status_code == 404


def test_the_api_lists_and_forms_communities(world, region_a_trainees, mentor, client_for):
    client = client_for("regional_lead")
    response = client.post(
        "/api/v1/communities",
        {"region": "region-a", "min_size": 4, "max_size": 6},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert len(response.json()) == 2
    assert len(client.get("/api/v1/communities").json()) == 2
    mine = client_for("trainee").get("/api/v1/communities").json()
    assert len(mine) == 1
    assert world.trainee_a.pk in mine[0]["members"]
    lead = client_for("regional_lead")  # the same test client, signed in again
    response = lead.post("/api/v1/communities", {"region": "region-b"}, content_type="application/json")
    assert response.status_code == 404
