"""The home page: the public front page for visitors; once signed in, a part for each role the person holds,
its tasks first (a sentence linking to where each is done), within the scope of their roles."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from heft.accounts.models import Role
from heft.home.selectors import day, intake_label, moment
from heft.preferencing.models import Offer, PreferenceList
from heft.programmes.selectors import next_intake
from heft.teaching.models import Reflection, TeachingSession
from heft.trainees.models import Interruption
from tests import factories as f
from tests.content.factories import NewsFactory, days_from_today
from tests.home.conftest import DAY, HOUR, session, window


def text(response) -> str:
    """The page's words, without markup, as a screen reader would read them in order."""
    assert response.status_code == 200
    inline = re.sub(r"</?(a|span|strong|time)\b[^>]*>", "", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", inline)))


def part(body: str, start: str, end: str) -> str:
    """The words between two headings."""
    assert start in body, start
    rest = body.split(start, 1)[1]
    return rest.split(end, 1)[0] if end in rest else rest


def links(response, href: str) -> list[str]:
    """The text of every link to `href` (exactly, as written in the page)."""
    found = re.findall(rf'<a\s[^>]*href="{re.escape(href)}"[^>]*>(.*?)</a>', response.content.decode(), re.S)
    return [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", text))).strip() for text in found]


def test_visitors_get_the_public_front_page(client, db):
    body = text(client.get(reverse("home")))
    assert "Sign in to HEFT Hub" in body
    assert "Nothing is guaranteed" in body
    assert "Nothing needs you today" not in body
    assert "Your pages" not in body


def test_the_trainee_sees_what_to_do_first(home, client_for):
    world = home.world
    response = client_for("trainee").get(reverse("home"))
    body = text(response)
    assert body.index("Rank the rotations") < body.index("Your next session") < body.index("Latest news")
    rank = links(response, reverse("preferencing:rank", args=[home.window_a.pk]))
    assert rank == [f"Rank the rotations for Scheme A by {day(home.window_a.closes_at)}"]
    assert f"The window closes at {moment(home.window_a.closes_at)}" in body
    reply = links(response, reverse("preferencing:offer_detail", args=[home.offer.pk]))
    assert f"Reply to your offer of Riverside HEFT rotation by {day(home.offer.respond_by)}" in reply
    check_in = reverse("teaching:session_detail", args=[home.session_now.pk]) + "#check-in"
    assert links(response, check_in)[0] == "Check in to Inclusion health now"  # the first task
    assert links(response, "https://meet.heft.invalid/now") == [
        "Join the session online: Inclusion health now"
    ]
    reflection = links(response, reverse("teaching:reflection", args=[home.session_past.pk]))
    assert reflection == ["Write a reflection on Street drugs"]
    assert "Your application to train at 80% from" in body
    assert "is waiting for a decision" in body
    assert world.trainee_a2.full_name not in body  # another trainee's name is no business of theirs


def test_a_trainee_with_their_list_in_and_their_reflection_written_is_not_asked_again(home, client_for):
    world = home.world
    PreferenceList.objects.create(window=home.window_a, trainee=world.trainee_a, status="submitted")
    Reflection.objects.create(session=home.session_past, trainee=world.trainee_a, text="Useful.")
    body = text(client_for("trainee").get(reverse("home")))
    assert "Rank the rotations" not in body
    assert "Write a reflection" not in body
    assert "Reply to your offer" in body


def test_a_trainee_on_time_out_sees_when_they_are_back(home, client_for):
    membership = home.world.trainee_a.memberships.get()
    back = timezone.localdate() + 40 * DAY
    Interruption.objects.create(
        membership=membership, kind="parental", start_date=timezone.localdate() - 20 * DAY, end_date=back
    )
    body = text(client_for("trainee").get(reverse("home")))
    assert f"Parental leave since {day(timezone.localdate() - 20 * DAY)}, back on {day(back + DAY)}" in body


def test_what_changed_since_the_last_sign_in(home, world, client):
    user = world.user("trainee")
    last_time = timezone.now() - 3 * DAY
    user.last_login = last_time
    user.save()
    old = NewsFactory(title="Old news", show_from=days_from_today(-10))
    type(old).objects.filter(pk=old.pk).update(created_at=last_time - DAY)
    NewsFactory(title="Fresh news", show_from=days_from_today(0))
    new_session = session(
        home.session_now.year, title="Deep End practice visit", start=timezone.now() + 9 * DAY
    )
    TeachingSession.objects.filter(pk=new_session.pk).update(published_at=timezone.now() - HOUR)
    client.force_login(user)  # signs in as the pages do: Django then stamps this sign-in on last_login

    body = text(client.get(reverse("home")))
    changes = part(body, "New since you last signed in", "Your pages")
    assert f"You last signed in at {moment(last_time)}" in changes
    assert "Fresh news" in changes
    assert "Old news" not in changes
    assert "A session was published: Deep End practice visit" in changes
    assert "An offer of Riverside HEFT rotation" in changes  # made after the last sign-in
    assert "Inclusion health now" not in changes  # published before it


def test_the_programme_team_sees_each_window_chases_offers_returners_and_set_up(home, client_for):
    world = home.world
    response = client_for("scheme_admin").get(reverse("home"))
    body = text(response)
    window_links = links(response, reverse("preferencing:window_detail", args=[home.window_a.pk]))
    assert "Chase the 2 trainees who have not submitted their preferences for Scheme A" in window_links
    card = part(body, "Open preference windows", "Offers waiting for a reply")
    assert "Submitted 1 of 3" in card
    assert f"Closes in 3 days, at {moment(home.window_a.closes_at)}" in card
    for trainee, list_state in ((world.trainee_a, "Nothing saved"), (home.trainee_a4, "Draft saved")):
        assert f"{trainee.full_name} Email {trainee.email} Their list {list_state}" in card
    assert world.trainee_a2.email not in card  # submitted
    csv = reverse("home:window_chase_csv", args=[home.window_a.pk])
    name = f"Scheme A, {intake_label(home.window_a.intake)} intake"
    assert links(response, csv) == [f"Download the chase list (CSV) for {name}"]
    remind = reverse("preferencing:window_remind", args=[home.window_a.pk])
    assert f'action="{remind}"' in response.content.decode()
    offers = part(body, "Offers waiting for a reply", "Returning from time out")
    assert f"{world.trainee_a.full_name} Rotation Riverside HEFT rotation" in offers
    assert moment(home.offer.respond_by) in offers
    returning = part(body, "Returning from time out", "Rotations with warnings")
    assert f"{world.trainee_a2.full_name} (Scheme A): time out ends on" in returning
    assert "Riverside HEFT rotation (Scheme A" in part(body, "Rotations with warnings", "Set-up for")
    intake = next_intake(timezone.localdate())
    add = reverse("setup:rotation_new") + f"?scheme=scheme-a&amp;intake={intake}"
    assert links(response, add) == [
        f"Add rotations for Scheme A, {intake_label(intake)} intake",
        "Add rotations for Scheme A",  # in the set-up table
    ]
    assert "Decide on 1 application to train less than full time" in body
    assert "Decide whether 1 trainee on time out keeps their HEFT place" in body


def test_a_scheme_administrator_never_sees_another_schemes_trainees(home, client_for):
    world = home.world
    f.SlotFactory(rotation__scheme=world.scheme_b, rotation__intake=next_intake(timezone.localdate()))
    outsiders = [home.trainee_a3, world.trainee_b]  # scheme A2 (region A) and scheme B
    body = text(client_for("scheme_admin").get(reverse("home")))
    for trainee in outsiders:
        assert trainee.full_name not in body
        assert trainee.email not in body
    assert "Scheme A2" not in body
    assert "Scheme B" not in body
    lead = text(client_for("regional_lead").get(reverse("home")))
    assert home.trainee_a3.email in lead
    assert "Scheme A2" in lead
    assert world.trainee_b.email not in lead
    assert "Scheme B" not in lead


def test_the_regional_lead_sees_timetable_release_notices_content_and_set_up(home, client_for):
    f.SchemeFactory(name="Scheme A3", region=home.world.region_a)
    response = client_for("regional_lead").get(reverse("home"))
    body = text(response)
    plan = links(response, reverse("teaching:plan_region", args=["region-a"]))
    assert "Publish the 1 draft session in the Region A timetable" in plan
    notices = reverse("teaching:release_notices", args=[home.session_now.year_id])
    assert "Send release notices to the supervisors of 1 placement" in links(response, notices)
    assert links(response, reverse("content:page_manage", args=[home.draft_page.pk])) == [
        "Region A draft page"
    ]
    set_up = part(body, "Set-up for the", "Your pages")
    assert "Scheme A Rotations None yet Add rotations" in set_up
    assert "Scheme A2 Rotations 1" in set_up
    intake = intake_label(next_intake(timezone.localdate()))
    assert links(response, "#next-intake") == [f"Add rotations for the {intake} intake to 2 schemes"]
    assert "None yet for Scheme A and Scheme A3." in body


def test_the_educator_sees_registers_to_take_and_their_next_sessions(home, world, client_for):
    response = client_for("educator").get(reverse("home"))
    register = links(response, reverse("teaching:register", args=[home.session_to_register.pk]))
    assert register == ["Take the register for Region A case review"]
    led_by_someone_else = home.session_past
    led_by_someone_else.leads.add(f.UserFactory())
    assert not links(response, reverse("teaching:register", args=[led_by_someone_else.pk]))
    assert "Your coming sessions" in text(response)


def test_the_mentor_sees_their_mentees_flagged_and_their_next_meetings(home, world, client_for):
    response = client_for("mentor").get(reverse("home"))
    body = text(response)
    mentee = links(response, reverse("trainees:trainee_detail", args=[world.trainee_a2.pk]))
    assert mentee == [f"Check in with {world.trainee_a2.full_name}", world.trainee_a2.full_name]
    assert "On time out and HEFT place at risk." in body
    meeting = links(
        response,
        reverse("community:group_detail", args=[home.world.user("mentor").mentor.groups_led.get().pk]),
    )
    assert meeting == ["Riverside meeting"]
    assert "Riverside meeting (Riverside group), " in body
    assert world.trainee_a.full_name not in body  # not their mentee


def test_the_national_admin_sees_imports_the_rule_and_data_warnings(home, client_for):
    response = client_for("national_admin").get(reverse("home"))
    body = text(response)
    assert "Load the latest NHS ODS GP practices (epraccur.csv)" in body
    assert "200 days ago" in body
    assert "See why the latest Fingertips indicator 93553" in body
    rule = links(response, reverse("practices:deep_end_rule"))
    assert "Look at the Deep End rule again with the new deprivation figures" in rule
    assert "Data it ran on Patients by LSOA, last quarter" in body
    assert "Check the posts at 1 practice the NHS lists as closed" in body
    assert "Closed Lane Surgery" in part(body, "Data warnings", "Your pages")


def test_without_a_rule_applied_here_the_national_admin_sees_the_rule_the_practices_record(world, client_for):
    world.practice.deep_end_rule = "National IMD decile 1 (IMD 2019)"
    world.practice.save()
    body = text(client_for("national_admin").get(reverse("home")))
    assert "Choose and apply a Deep End rule" in body
    assert "their flags were set by: National IMD decile 1 (IMD 2019)." in body
    assert "1 practice is Deep End now." in body


def complete_rotation(scheme, intake: str):
    """Three years of GP posts, nothing for the checks to warn about."""
    gp = f.CategoryFactory(code="gp-practice", name="GP practice", kind="gp")
    rotation = f.RotationFactory(scheme=scheme, intake=intake)
    for order, year in enumerate(("ST1", "ST2", "ST3")):
        post = f.PostFactory(scheme=scheme, category=gp)
        f.SlotFactory(
            rotation=rotation,
            order=order,
            training_year=year,
            start_offset_months=12 * order,
            months=12,
            post=post,
        )
    return rotation


@pytest.mark.parametrize("role", ["educator", "mentor", "scheme_admin"])
def test_a_role_with_nothing_to_do_says_so_in_one_line(world, client_for, role):
    world.rotation_a.intake = "2020-08"  # long started: its checks are no longer anyone's task
    world.rotation_a.save()
    complete_rotation(world.scheme_a, next_intake(timezone.localdate()))
    body = text(client_for(role).get(reverse("home")))
    assert body.count("Nothing needs you today.") == 1
    assert "Nothing needs you today." in part(body, "Your", "Your pages")


def test_a_person_with_two_roles_gets_a_part_for_each(home, world, client_for):
    f.RoleFactory(user=world.user("educator"), role=Role.MENTOR)
    body = text(client_for("educator").get(reverse("home")))
    assert "Educator: Your teaching sessions" in body
    assert "Mentor: Your mentees" in body


def _more_of_everything(home, n: int = 4):
    """More trainees, lists, offers, returners, rotations and sessions: the pages' queries must not grow."""
    world = home.world
    intake = home.window_a.intake
    for i in range(n):
        membership = f.MembershipFactory(scheme=world.scheme_a, intake=intake)
        PreferenceList.objects.create(window=home.window_a, trainee=membership.trainee, status="draft")
        Offer.objects.create(
            window=home.offer.window, run=home.offer.run, trainee=membership.trainee,
            rotation=home.offer.rotation, respond_by=timezone.now() + (i + 1) * DAY,
        )  # fmt: skip
        Interruption.objects.create(
            membership=membership, kind="sick", start_date=timezone.localdate() - DAY,
            end_date=timezone.localdate() + (i + 1) * DAY,
        )  # fmt: skip
        f.SlotFactory(rotation__scheme=world.scheme_a, rotation__intake=intake)
        window(world.scheme_a, intake)
        session(home.session_now.year, title=f"More {i}", start=timezone.now() + (i + 2) * DAY)


@pytest.mark.parametrize(
    "role", ["trainee", "scheme_admin", "regional_lead", "educator", "mentor", "national_admin"]
)
def test_the_pages_queries_do_not_grow_with_the_data(home, client_for, role):
    client = client_for(role)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("home")).status_code == 200
        return len(captured)

    client.get(reverse("home"))  # the session's first save and the like are not the page's
    before = queries()
    _more_of_everything(home)
    assert queries() == before
