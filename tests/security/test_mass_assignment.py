"""No mass assignment: a trainee (or mentor) who adds fields to a form or JSON body cannot set an allocation,
an offer's status, anyone's scheme, region, status or GMC number, a role or scope, or a user's flags.

Each test does the legitimate thing the page or API operation is for, with every such extra field added,
and checks that the legitimate change happened and nothing else did: only the tables the action writes
change, and in them only the sender's own rows, as the action would have left them without the extras.
The API's schemas ignore keys they do not declare; the content API is checked for staff as well, since a
new page must stay a draft whatever the body says.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from heft.community.models import CommunityProfile, ExpressionOfInterest, GroupNote
from heft.content.models import Page
from heft.preferencing.models import Offer, PreferenceList
from heft.teaching.models import Attendance, CalendarFeedToken, Feedback, Reflection, ReleaseNotice
from heft.trainees.models import Interruption
from tests import factories as f
from tests.security.records import changed_tables, database_state, send, sign_in

AUDIT = "audit.AuditEvent"


def extras(r, *, json: bool = False) -> dict:
    """Fields no trainee form or body has, each naming someone else's record or a privileged value."""
    other = r.world
    values = {
        # An allocation or an offer.
        "allocation": other.rotation_b.code,
        "assignments": {str(other.trainee_a.pk): other.rotation_b.code},
        "rotation": other.rotation_b.code,
        "rotation_id": other.rotation_b.pk,
        "offer": r.offer_b.pk,
        "offer_status": "accepted",
        "status": "accepted",
        "run": r.run_b.pk,
        "window": r.window_b.pk,
        "window_id": r.window_b.pk,
        # Whose record it is.
        "trainee": r.trainee_b.pk,
        "trainee_id": r.trainee_b.pk,
        "user": r.user("trainee_b").pk,
        "user_id": r.user("trainee_b").pk,
        "author": r.user("trainee_b").pk,
        "session": r.session_b.pk,
        "group": r.group_b.pk,
        "opportunity": r.opportunity_b.pk,
        # A trainee's programme.
        "scheme": other.scheme_b.pk,
        "scheme_id": other.scheme_b.pk,
        "region": other.region_b.pk,
        "region_id": other.region_b.pk,
        "gmc_number": "1234567",
        "heft_mode": "none",
        "wte": "0.5",
        "membership_status": "completed",
        "cct_estimate": "2030-01-01",
        # Roles, scopes and user flags.
        "role": "national_admin",
        "roles": ["national_admin"],
        "scope": "england",
        "is_staff": True,
        "is_superuser": True,
        "is_active": False,
        "email": "someone-else@example.org",
        "source": "register",
        "recorded_by": r.user("national_admin").pk,
    }
    if json:
        return values
    return {k: ("on" if v is True else v) for k, v in values.items() if not isinstance(v, dict)}


def only_changed(before: dict, allowed: set[str]) -> None:
    changed = set(changed_tables(before, database_state()))
    assert changed <= allowed | {AUDIT}, (
        f"tables changed beyond {sorted(allowed)}: {sorted(changed - allowed)}"
    )
    assert changed & allowed, "the legitimate change did not happen: the test proves nothing"


def as_(client, r, who: str) -> dict:
    """Sign in before taking the snapshot: signing in is a change of its own."""
    return sign_in(client, r, who)


# --- ranking and offers -----------------------------------------------------------------------------------


def test_ranking_page_saves_only_the_trainees_own_draft(client, records):
    r = records
    as_(client, r, "trainee")
    before = database_state()
    data = {**extras(r), "action": "save", "ranked": [r.world.rotation_a.code]}
    response = client.post(reverse("preferencing:rank", kwargs={"pk": r.window_a.pk}), data)
    assert response.status_code == 200
    only_changed(before, {"preferencing.Preference", "preferencing.PreferenceList"})
    plist = PreferenceList.objects.get()
    assert (plist.trainee, plist.window, plist.status) == (r.world.trainee_a, r.window_a, "draft")


def test_ranking_api_saves_only_the_trainees_own_draft(client, records):
    r = records
    headers = as_(client, r, "trainee")
    before = database_state()
    body = {**extras(r, json=True), "rotations": [r.world.rotation_a.code], "submit": False}
    url = reverse("api:put_my_preferences", kwargs={"window_id": r.window_a.pk})
    response = send(client, "put", url, body=body, api=True, headers=headers)
    assert response.status_code == 200, response.content
    only_changed(before, {"preferencing.Preference", "preferencing.PreferenceList"})
    plist = PreferenceList.objects.get()
    assert (plist.trainee, plist.window, plist.status) == (r.world.trainee_a, r.window_a, "draft")


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_declining_an_offer_sets_nothing_but_its_answer(client, records, api):
    r = records
    headers = as_(client, r, "trainee_a2")
    before = database_state()
    if api:
        url = reverse("api:respond_to_offer", kwargs={"offer_id": r.offer_a2.pk})
        body = {**extras(r, json=True), "accept": False}
        response = send(client, "post", url, body=body, api=True, headers=headers)
        assert response.status_code == 200, response.content
    else:
        url = reverse("preferencing:offer_respond", kwargs={"pk": r.offer_a2.pk})
        response = client.post(url, {**extras(r), "decision": "decline"})
        assert response.status_code == 302
    only_changed(before, {"preferencing.Offer"})
    offer = Offer.objects.get(pk=r.offer_a2.pk)
    assert (offer.status, offer.rotation, offer.trainee) == ("declined", r.world.rotation_a, r.trainee_a2)
    assert Offer.objects.get(pk=r.offer_b.pk).status == "offered"


# --- teaching ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_check_in_marks_only_the_trainee_themself_attended(client, records, api):
    r = records
    headers = as_(client, r, "trainee")
    before = database_state()
    code = r.national_session.check_in_code
    if api:
        url = reverse("api:teaching_check_in", kwargs={"session_id": r.national_session.pk})
        response = send(
            client, "post", url, body={**extras(r, json=True), "code": code}, api=True, headers=headers
        )
        assert response.status_code == 200, response.content
    else:
        url = reverse("teaching:check_in", kwargs={"pk": r.national_session.pk})
        assert client.post(url, {**extras(r), "code": code}).status_code == 302
    only_changed(before, {"teaching.Attendance"})
    record = Attendance.objects.get(session=r.national_session)
    assert (record.trainee, record.status, record.source) == (r.world.trainee_a, "attended", "check_in")
    assert record.recorded_by == r.user("trainee")


@pytest.mark.parametrize(
    "route,data,model",
    [
        ("teaching:reflection", {"text": "What I learnt."}, Reflection),
        ("teaching:feedback", {"rating": 4, "what_worked": "Cases."}, Feedback),
    ],
)
def test_reflections_and_feedback_are_the_trainees_own(client, records, route, data, model):
    r = records
    as_(client, r, "trainee")
    before = database_state()
    url = reverse(route, kwargs={"pk": r.national_session.pk})
    assert client.post(url, {**extras(r), **data}).status_code == 302
    only_changed(before, {model._meta.label})
    saved = model.objects.get()
    assert (saved.trainee, saved.session) == (r.world.trainee_a, r.national_session)


def test_a_release_notice_is_for_the_trainee_themself(client, records, mailoutbox):
    r = records
    f.PlacementFactory(membership=r.world.trainee_a.memberships.get(), start_date=timezone.localdate())
    as_(client, r, "trainee")
    before = database_state()
    data = {**extras(r), "supervisor_name": "Dr Example", "supervisor_email": "supervisor@example.org"}
    assert client.post(reverse("teaching:release_notice"), data).status_code == 302
    only_changed(before, {"teaching.ReleaseNotice", "teaching.PlacementSupervisor"})
    notice = ReleaseNotice.objects.get()
    assert (notice.trainee, notice.sent_by) == (r.world.trainee_a, r.user("trainee"))
    assert [m.to for m in mailoutbox] == [["supervisor@example.org"]]


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_a_calendar_feed_is_made_for_the_trainee_themself(client, records, api):
    r = records
    headers = as_(client, r, "trainee")
    before = database_state()
    if api:
        url = reverse("api:create_calendar_token")
        response = send(client, "post", url, body=extras(r, json=True), api=True, headers=headers)
        assert response.status_code == 201, response.content
    else:
        assert client.post(reverse("teaching:calendar"), extras(r)).status_code == 200
    only_changed(before, {"teaching.CalendarFeedToken"})
    assert CalendarFeedToken.objects.get().trainee == r.world.trainee_a


# --- community --------------------------------------------------------------------------------------------


def test_interests_and_directory_consent_are_the_users_own(client, records):
    r = records
    as_(client, r, "trainee")
    before = database_state()
    data = {**extras(r), "listed": "on", "about": "Inclusion health."}
    assert client.post(reverse("community:interests"), data).status_code == 302
    only_changed(before, {"community.CommunityProfile"})
    profile = CommunityProfile.objects.get()
    assert (profile.user, profile.listed) == (r.user("trainee"), True)


def test_a_group_note_is_the_authors_own_in_their_own_group(client, records):
    r = records
    as_(client, r, "trainee")
    before = database_state()
    url = reverse("community:group_note_add", kwargs={"pk": r.group_a.pk})
    assert client.post(url, {**extras(r), "text": "Reading for next time."}).status_code == 302
    only_changed(before, {"community.GroupNote"})
    note = GroupNote.objects.latest("pk")
    assert (note.author, note.group) == (r.user("trainee"), r.group_a)
    assert GroupNote.objects.filter(group=r.group_b).count() == 1


@pytest.fixture
def st3_trainee(records):
    """Trainee A, moved on to ST3 so that post-CCT opportunities are open to them."""
    membership = records.world.trainee_a.memberships.get()
    membership.start_date, membership.intake = datetime.date(2024, 8, 7), "2024-08"
    membership.save()
    return records


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_an_expression_of_interest_is_the_trainees_own(client, st3_trainee, api):
    r = st3_trainee
    headers = as_(client, r, "trainee")
    before = database_state()
    if api:
        url = reverse("api:express_interest", kwargs={"opportunity_id": r.opportunity_b.pk})
        body = {**extras(r, json=True), "message": "I am interested."}
        response = send(client, "post", url, body=body, api=True, headers=headers)
        assert response.status_code == 201, response.content
    else:
        url = reverse("community:opportunity_detail", kwargs={"pk": r.opportunity_b.pk})
        assert client.post(url, {**extras(r), "message": "I am interested."}).status_code == 302
    only_changed(before, {"community.ExpressionOfInterest"})
    interest = ExpressionOfInterest.objects.get()
    assert (interest.trainee, interest.opportunity) == (r.world.trainee_a, r.opportunity_b)


# --- staff bodies: undeclared keys are ignored --------------------------------------------------------------


def test_a_new_page_from_the_api_is_a_draft_whatever_the_body_says(client, records):
    r = records
    headers = as_(client, r, "regional_lead")
    before = database_state()
    body = {
        **extras(r, json=True),
        "title": "Our offer",
        "summary": "What region A offers.",
        "body": "Text.",
        "region": r.world.region_a.code,
        "is_published": True,
        "published": True,
        "slug": "chosen-slug",
        "id": 999,
    }
    response = send(client, "post", reverse("api:create_page"), body=body, api=True, headers=headers)
    assert response.status_code == 201, response.content
    only_changed(before, {"content.Page"})
    page = Page.objects.get(title="Our offer")
    assert (page.is_published, page.region, page.pk != 999) == (False, r.world.region_a, True)


def test_an_interruption_from_the_api_is_recorded_on_the_trainee_in_the_address(client, records):
    r = records
    headers = as_(client, r, "regional_lead")
    before = database_state()
    body = {
        **extras(r, json=True),
        "kind": "sick",
        "start_date": "2026-12-01",
        "membership": r.membership_b.pk,
    }
    url = reverse("api:record_interruption", kwargs={"trainee_id": r.trainee_a2.pk})
    response = send(client, "post", url, body=body, api=True, headers=headers)
    assert response.status_code == 201, response.content
    # Recording time out marks the membership interrupted and releases any HEFT place: that is the action.
    only_changed(before, {"trainees.Interruption", "trainees.ProgrammeMembership", "preferencing.Offer"})
    interruption = Interruption.objects.latest("pk")
    assert interruption.membership == r.membership_a2
    membership_b = r.membership_b.__class__.objects.get(pk=r.membership_b.pk)
    assert (membership_b.status, membership_b.scheme) == ("active", r.world.scheme_b)
