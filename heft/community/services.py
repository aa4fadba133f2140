"""Writes for communities of practice, mentors, profiles, opportunities and outcomes. Each runs in one
transaction and leaves an audit event."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from heft.accounts.models import Role, RoleAssignment
from heft.accounts.permissions import Perm, has_perm, may_grant
from heft.audit.services import audit_record, snapshot
from heft.community import selectors
from heft.community.models import (
    CareerOutcome,
    CommunityGroup,
    CommunityProfile,
    ExpressionOfInterest,
    GroupMember,
    GroupNote,
    Mentor,
    MentorAssignment,
    Opportunity,
)
from heft.engines.grouping import Grouping, Matching, form_groups, match_mentors
from heft.practices.models import Practice
from heft.programmes.models import Region
from heft.teaching import services as teaching
from heft.teaching.models import TeachingSession
from heft.trainees.models import ProgrammeMembership, Trainee
from heft.trainees.selectors import own_record, trainees_visible_to

SIZE_LIMITS = (2, 20)


# --- communities of practice ------------------------------------------------------------------------------


def groups_preview(*, patch: selectors.Patch, min_size: int, max_size: int) -> tuple[Grouping, dict, dict]:
    """What forming groups would do, without writing: the engine's result, trainees and mentors by id."""
    _check_sizes(min_size, max_size)
    members, trainees = selectors.engine_members(patch)
    mentors, mentors_by_id = selectors.engine_mentors(patch, room_for="groups")
    return form_groups(members, mentors, min_size=min_size, max_size=max_size), trainees, mentors_by_id


def groups_form(*, patch: selectors.Patch, min_size: int, max_size: int, by) -> list[CommunityGroup]:
    """Form the patch's communities of practice afresh: its current groups are archived (their notes and
    meetings kept) and every HEFT trainee in training there is placed, or reported with the reason."""
    _check_patch(patch, by)
    with transaction.atomic():
        result, trainees, mentors = groups_preview(patch=patch, min_size=min_size, max_size=max_size)
        now = timezone.now()
        old = list(selectors.patch_groups(patch))
        GroupMember.objects.filter(left_at__isnull=True).filter(group__in=old).update(left_at=now)
        GroupMember.objects.filter(left_at__isnull=True, trainee_id__in=[int(i) for i in trainees]).update(
            left_at=now
        )
        CommunityGroup.objects.filter(pk__in=[g.pk for g in old]).update(archived_at=now)
        schemes = {m.scheme.name: m.scheme for m in selectors.patch_trainees(patch)}
        created = []
        numbers: dict[str, int] = {}
        for formed in result.groups:
            numbers[formed.locality] = numbers.get(formed.locality, 0) + 1
            group = CommunityGroup.objects.create(
                region=patch.region,
                scheme=schemes.get(formed.locality),
                name=f"{formed.locality} community of practice {numbers[formed.locality]}",
                lead=mentors[formed.lead.id] if formed.lead else None,
                explanation="\n".join(formed.reasons),
                formed_by=by,
            )
            GroupMember.objects.bulk_create(
                GroupMember(group=group, trainee=trainees[m.id], reason=result.why.get(m.id, ""))
                for m in formed.members
            )
            audit_record(
                by=by, verb="community_group.formed", target=group,
                after={**snapshot(group), "members": [int(m.id) for m in formed.members]},
            )  # fmt: skip
            created.append(group)
        audit_record(
            by=by, verb="community_groups.formed", target=patch.scheme or patch.region,
            after={
                "patch": patch.key, "min_size": min_size, "max_size": max_size,
                "groups": [g.pk for g in created], "archived": [g.pk for g in old],
                "unplaced": {int(k): v for k, v in result.unplaced.items()},
            },
        )  # fmt: skip
    return created


def group_member_place(*, group: CommunityGroup, trainee: Trainee, by) -> GroupMember:
    """A lead moves a trainee into a group by hand (out of any group they were in)."""
    _check_group(group, by)
    if not trainees_visible_to(by).filter(pk=trainee.pk).exists():
        raise PermissionDenied("This trainee is outside your scope.")
    if not trainee.memberships.filter(scheme__region=group.region).exists():
        raise ValidationError("The trainee is not in this group's region.")
    with transaction.atomic():
        previous = (
            GroupMember.objects.select_for_update().filter(trainee=trainee, left_at__isnull=True).first()
        )
        if previous and previous.group_id == group.pk:
            raise ValidationError(f"{trainee} is already in this group.")
        if previous:
            previous.left_at = timezone.now()
            previous.save(update_fields=["left_at"])
        member = GroupMember.objects.create(
            group=group, trainee=trainee, reason=f"Placed by hand by {by.get_full_name() or by.email}."
        )
        audit_record(
            by=by, verb="community_group.member_placed", target=group,
            after={"trainee": trainee.pk, "from_group": previous.group_id if previous else None},
        )  # fmt: skip
    return member


def group_member_remove(*, group: CommunityGroup, trainee: Trainee, by) -> None:
    _check_group(group, by)
    with transaction.atomic():
        updated = GroupMember.objects.filter(group=group, trainee=trainee, left_at__isnull=True).update(
            left_at=timezone.now()
        )
        if not updated:
            raise ValidationError(f"{trainee} is not in this group.")
        audit_record(
            by=by, verb="community_group.member_removed", target=group, after={"trainee": trainee.pk}
        )


def group_lead_set(*, group: CommunityGroup, mentor: Mentor | None, by) -> CommunityGroup:
    """A lead chooses the group's mentor by hand; the mentor must be of the region and have room."""
    _check_group(group, by)
    with transaction.atomic():
        group = CommunityGroup.objects.select_for_update().get(pk=group.pk)
        if mentor is not None:
            if mentor.region_id != group.region_id:
                raise ValidationError("Choose a mentor of the group's region.")
            size = group.memberships.filter(left_at__isnull=True).count()
            leading = GroupMember.objects.filter(
                left_at__isnull=True, group__lead=mentor, group__archived_at__isnull=True
            ).exclude(group=group)
            room = mentor.capacity - leading.count()
            if size > room:
                raise ValidationError(
                    f"{mentor.user.get_full_name()} has room for {max(room, 0)} more, not {size}."
                )
        before = {"lead": group.lead_id}
        group.lead = mentor
        group.save(update_fields=["lead"])
        audit_record(
            by=by, verb="community_group.lead_set", target=group, before=before, after={"lead": group.lead_id}
        )
    return group


def meeting_add(
    *,
    group: CommunityGroup,
    topic: str,
    start: datetime.datetime,
    end: datetime.datetime,
    by,
    venue: str = "",
    online_link: str = "",
) -> TeachingSession:
    """The group's lead mentor, or a programme team in scope, adds a meeting: a published teaching session
    of kind community, which reaches the members' calendar feeds, reminders and attendance."""
    _check_schedules(group, by)
    _check_meeting_place(venue, online_link)
    return teaching.session_create(
        kind=TeachingSession.Kind.COMMUNITY, community_group=group, title=meeting_title(group, topic),
        topic=topic, start=start, end=end, venue=venue, online_link=online_link, publish=True, by=by,
    )  # fmt: skip


def meeting_update(
    *,
    meeting: TeachingSession,
    topic: str,
    start: datetime.datetime,
    end: datetime.datetime,
    by,
    venue: str = "",
    online_link: str = "",
) -> TeachingSession:
    """Move or change a meeting: members' feeds carry the new SEQUENCE and subscribers are told."""
    _check_schedules(meeting.community_group, by)
    _check_meeting_place(venue, online_link)
    topic = topic.strip()
    return teaching.session_update(
        session=meeting, title=meeting_title(meeting.community_group, topic), topic=topic, start=start,
        end=end, venue=venue.strip(), online_link=online_link.strip(), by=by,
    )  # fmt: skip


def meeting_cancel(*, meeting: TeachingSession, reason: str, by) -> TeachingSession | None:
    """Cancel a meeting: it stays in members' feeds as STATUS:CANCELLED and subscribers are told why."""
    _check_schedules(meeting.community_group, by)
    return teaching.session_cancel(session=meeting, reason=reason, by=by)


def meeting_title(group: CommunityGroup, topic: str) -> str:
    """What calendars show: the group and the topic, cut to fit a session title."""
    limit = TeachingSession._meta.get_field("title").max_length
    title = f"{group.name}: {topic.strip()}"
    return title if len(title) <= limit else title[: limit - 1] + "…"


def _check_schedules(group: CommunityGroup | None, by) -> None:
    if not selectors.can_schedule_meetings(by, group):
        raise PermissionDenied("Only the group's lead mentor or its programme team can change its meetings.")


def _check_meeting_place(venue: str, online_link: str) -> None:
    if not (venue.strip() or online_link.strip()):
        raise ValidationError("Give a venue, an online joining link, or both.")


def note_add(*, group: CommunityGroup, text: str, by) -> GroupNote:
    if not selectors.groups_of(by).filter(pk=group.pk).exists():
        raise PermissionDenied("Only the group's members and mentor can write in its notes.")
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write something to share."})
    with transaction.atomic():
        note = GroupNote.objects.create(group=group, author=by, text=text)
        audit_record(by=by, verb="community_note.added", target=note, after={"group": group.pk})
    return note


def note_delete(*, note: GroupNote, by) -> None:
    if note.author_id != by.pk:
        raise PermissionDenied("Only the note's author can delete it.")
    with transaction.atomic():
        audit_record(by=by, verb="community_note.deleted", target=note, before={"text": note.text})
        note.delete()


# --- mentors ----------------------------------------------------------------------------------------------


def mentors_preview(*, patch: selectors.Patch) -> tuple[Matching, dict, dict]:
    members, trainees = selectors.engine_members(patch)
    mentors, mentors_by_id = selectors.engine_mentors(patch, room_for="mentees")
    return match_mentors(selectors.trainees_without_mentor(members), mentors), trainees, mentors_by_id


def mentors_match(*, patch: selectors.Patch, by) -> list[MentorAssignment]:
    """Match every HEFT trainee in the patch who has no mentor yet; current assignments stay."""
    _check_patch(patch, by)
    with transaction.atomic():
        result, trainees, mentors = mentors_preview(patch=patch)
        today = timezone.localdate()
        created = []
        for trainee_id, mentor_id in result.pairs.items():
            assignment = MentorAssignment.objects.create(
                mentor=mentors[mentor_id], trainee=trainees[trainee_id], start_date=today
            )
            audit_record(
                by=by, verb="mentor_assignment.matched", target=assignment,
                after={**snapshot(assignment), "why": result.why[trainee_id]},
            )  # fmt: skip
            created.append(assignment)
        audit_record(
            by=by, verb="mentors.matched", target=patch.scheme or patch.region,
            after={
                "patch": patch.key, "matched": len(created), "long_journeys": result.long_journeys,
                "unmatched": {int(k): v for k, v in result.unmatched.items()},
            },
        )  # fmt: skip
    return created


def mentor_assign(*, mentor: Mentor, trainee: Trainee, by) -> MentorAssignment:
    """A lead assigns a mentor by hand, within the mentor's capacity."""
    if not selectors.mentors_managed_by(by).filter(pk=mentor.pk).exists():
        raise PermissionDenied("This mentor is outside your scope.")
    if not trainees_visible_to(by).filter(pk=trainee.pk).exists():
        raise PermissionDenied("This trainee is outside your scope.")
    with transaction.atomic():
        mentor = Mentor.objects.select_for_update().select_related("user").get(pk=mentor.pk)
        current = mentor.assignments.filter(end_date__isnull=True)
        if current.filter(trainee=trainee).exists():
            raise ValidationError(f"{mentor.user.get_full_name()} already mentors {trainee}.")
        if current.count() >= mentor.capacity:
            raise ValidationError(
                f"{mentor.user.get_full_name()} has no room: all {mentor.capacity} places are taken."
            )
        today = timezone.localdate()
        assignment, _ = MentorAssignment.objects.update_or_create(
            mentor=mentor, trainee=trainee, start_date=today, defaults={"end_date": None}
        )
        audit_record(by=by, verb="mentor_assignment.made", target=assignment, after=snapshot(assignment))
    return assignment


def mentor_assignment_end(*, assignment: MentorAssignment, by) -> MentorAssignment:
    if not selectors.assignments_managed_by(by).filter(pk=assignment.pk).exists():
        raise PermissionDenied("This assignment is outside your scope.")
    with transaction.atomic():
        assignment = MentorAssignment.objects.select_for_update().get(pk=assignment.pk)
        assignment.end_date = max(timezone.localdate(), assignment.start_date)
        assignment.save(update_fields=["end_date"])
        audit_record(
            by=by,
            verb="mentor_assignment.ended",
            target=assignment,
            after={"end_date": str(assignment.end_date)},
        )
    return assignment


MENTOR_CAPACITY = (1, 30)
MENTOR_PROFILE_FIELDS = ["kind", "region", "scheme", "locality", "capacity"]


def mentor_profile_save(*, user, kind: str, scheme, locality=None, capacity: int, by) -> Mentor:
    """A mentor's profile: their kind, where they work (a scheme of their region and perhaps one of its
    localities: matching keeps journeys short) and how many trainees they can support. Saved by whoever may
    give the mentor role in the scheme's region (heft.people, as they invite or change a role), or by the
    mentor themself as they take up a role offered with these details."""
    _check_mentor_profile(user, kind, scheme, locality, capacity, by)
    with transaction.atomic():
        mentor = Mentor.objects.select_for_update().filter(user=user).first()
        before = snapshot(mentor, MENTOR_PROFILE_FIELDS) if mentor else None
        mentor = mentor or Mentor(user=user)
        mentor.kind, mentor.capacity = kind, capacity
        mentor.region_id, mentor.scheme, mentor.locality = scheme.region_id, scheme, locality
        mentor.save()
        after = snapshot(mentor, MENTOR_PROFILE_FIELDS)
        if after != before:
            audit_record(by=by, verb="mentor.profile_saved", target=mentor, before=before, after=after)
    return mentor


def mentor_profile_check(*, kind: str, scheme, locality, capacity: int) -> None:
    """Whether these are a mentor's details: checked before an invitation keeps them for later, too."""
    if kind not in Mentor.Kind.values:
        raise ValidationError({"kind": "Choose the kind of mentor."})
    low, high = MENTOR_CAPACITY
    if not low <= capacity <= high:
        raise ValidationError({"capacity": f"A mentor supports from {low} to {high} trainees."})
    if locality is not None and locality.scheme_id != scheme.pk:
        raise ValidationError({"locality": f"Choose a locality of {scheme.name}, or none."})


def _check_mentor_profile(user, kind: str, scheme, locality, capacity: int, by) -> None:
    taking_up = (
        by.pk == user.pk
        and RoleAssignment.objects.filter(user=user, role=Role.MENTOR, region_id=scheme.region_id).exists()
    )
    if not (taking_up or may_grant(by, Role.MENTOR, region_id=scheme.region_id)):
        raise PermissionDenied("You cannot set up mentors in this region.")
    mentor_profile_check(kind=kind, scheme=scheme, locality=locality, capacity=capacity)


# --- interests and the directory --------------------------------------------------------------------------


def profile_save(*, user, interests, listed: bool, about: str, by) -> CommunityProfile:
    """Someone's own interests and directory listing. Listing needs their consent (ticking the box);
    unticking withdraws it at once and they leave the directory."""
    if by.pk != user.pk:
        raise PermissionDenied("People record their own interests and choices.")
    with transaction.atomic():
        profile, _ = CommunityProfile.objects.select_for_update().get_or_create(user=user)
        before = {"listed": profile.listed, "interests": sorted(i.code for i in profile.interests.all())}
        if listed and not profile.listed:
            profile.listed_since = timezone.now()
        if not listed:
            profile.listed_since = None
        profile.listed = listed
        profile.about = about.strip() if listed else ""
        profile.save()
        profile.interests.set(interests)
        after = {"listed": listed, "interests": sorted(i.code for i in interests)}
        audit_record(by=by, verb="community_profile.saved", target=profile, before=before, after=after)
        if before["listed"] != listed:
            verb = "directory.consent_given" if listed else "directory.consent_withdrawn"
            audit_record(by=by, verb=verb, target=profile)
    return profile


# --- opportunities and outcomes ---------------------------------------------------------------------------


def opportunity_post(*, region: Region, interests=(), by, **fields) -> Opportunity:
    if not selectors.regions_managed_by(by).filter(pk=region.pk).exists():
        raise PermissionDenied("You cannot post opportunities for this region.")
    if fields["closes_on"] < timezone.localdate():
        raise ValidationError({"closes_on": "The closing date has passed: choose today or later."})
    with transaction.atomic():
        opportunity = Opportunity.objects.create(region=region, posted_by=by, **fields)
        opportunity.interests.set(interests)
        audit_record(by=by, verb="opportunity.posted", target=opportunity, after=snapshot(opportunity))
    return opportunity


def interest_express(*, opportunity: Opportunity, message: str, by) -> ExpressionOfInterest:
    """An eligible trainee tells the programme team they are interested (their name, email and message)."""
    trainee = own_record(by)
    today = timezone.localdate()
    if trainee is None or not has_perm(by, Perm.JOIN_COMMUNITY):
        raise PermissionDenied("Only trainees can express interest.")
    if selectors.opportunity_eligibility(trainee, today) is None:
        raise PermissionDenied("Opportunities open to trainees in ST3 and recent graduates.")
    if opportunity.closes_on < today:
        raise ValidationError("This opportunity has closed.")
    with transaction.atomic():
        if ExpressionOfInterest.objects.filter(opportunity=opportunity, trainee=trainee).exists():
            raise ValidationError("You have already expressed interest in this opportunity.")
        interest = ExpressionOfInterest.objects.create(
            opportunity=opportunity, trainee=trainee, message=message.strip()
        )
        audit_record(by=by, verb="opportunity.interest_expressed", target=interest, after=snapshot(interest))
    return interest


def career_outcome_record(
    *,
    membership: ProgrammeMembership,
    as_at: datetime.date,
    role: str,
    by,
    practice: Practice | None = None,
    organisation: str = "",
    deep_end: bool = False,
    notes: str = "",
) -> CareerOutcome:
    """Where a graduate worked on a date after CCT. A practice we know sets the Deep End flag from its
    record; otherwise the lead says."""
    if not selectors.graduates_visible_to(by).filter(pk=membership.pk).exists():
        raise PermissionDenied("This graduate is outside your scope.")
    if role not in CareerOutcome.Role.values:
        raise ValidationError({"role": "Choose what they were doing."})
    if as_at < membership.cct_estimate:
        raise ValidationError({"as_at": "Give a date on or after their CCT."})
    if as_at > timezone.localdate():
        raise ValidationError({"as_at": "Give a date that has come."})
    with transaction.atomic():
        outcome, created = CareerOutcome.objects.update_or_create(
            trainee=membership.trainee,
            as_at=as_at,
            defaults={
                "role": role, "practice": practice, "organisation": organisation.strip(),
                "deep_end": practice.is_deep_end if practice else deep_end, "notes": notes.strip(),
                "recorded_by": by,
            },
        )  # fmt: skip
        verb = "career_outcome.recorded" if created else "career_outcome.updated"
        audit_record(by=by, verb=verb, target=outcome, after=snapshot(outcome))
    return outcome


# --- checks -----------------------------------------------------------------------------------------------


def _check_sizes(min_size: int, max_size: int) -> None:
    low, high = SIZE_LIMITS
    if not low <= min_size <= max_size <= high:
        raise ValidationError(
            {"max_size": f"Sizes run from {low} to {high}, the largest no smaller than the smallest."}
        )


def _check_patch(patch: selectors.Patch, by) -> None:
    if patch.key not in {p.key for p in selectors.patches_managed_by(by)}:
        raise PermissionDenied("This region or scheme is outside your scope.")


def _check_group(group: CommunityGroup, by) -> None:
    if not _manages(group, by):
        raise PermissionDenied("This group is outside your scope.")


def _manages(group: CommunityGroup, user) -> bool:
    return selectors.groups_managed_by(user).filter(pk=group.pk).exists()
