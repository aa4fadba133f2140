"""The chase list of a preference window as CSV: exactly its members who have not submitted a list, with
their email addresses, for the programme team that manages the window and no one else."""

import csv
import io

import pytest
from django.urls import reverse

from heft.preferencing.models import PreferenceList
from heft.preferencing.selectors import trainees_not_submitted
from tests import factories as f


def rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def chase_url(window) -> str:
    return reverse("home:window_chase_csv", args=[window.pk])


@pytest.mark.parametrize("role", ["scheme_admin", "regional_lead", "national_admin"])
def test_the_chase_list_holds_exactly_the_members_who_have_not_submitted(home, client_for, role):
    world = home.world
    returner = f.MembershipFactory(
        scheme=world.scheme_a, intake="2019-08", returning_to_intake=home.window_a.intake
    )
    PreferenceList.objects.create(
        window=home.window_b, trainee=world.trainee_b, status="draft"
    )  # another window

    response = client_for(role).get(chase_url(home.window_a))
    header, *body = rows(response)
    assert header == ["Surname", "Forenames", "Email", "GMC number", "Their list"]
    expected = {world.trainee_a, home.trainee_a4, returner.trainee}  # A2 submitted
    assert {row[2] for row in body} == {t.email for t in expected}
    assert len(body) == len(expected)
    assert {row[2] for row in body} == set(
        trainees_not_submitted(home.window_a).values_list("email", flat=True)
    )
    by_email = {row[2]: row for row in body}
    assert by_email[home.trainee_a4.email][4] == "Draft saved"
    assert by_email[world.trainee_a.email][4] == "Nothing saved"
    assert by_email[world.trainee_a.email][:2] == [world.trainee_a.surname, world.trainee_a.forenames]
    assert 'attachment; filename="scheme-a-' in response["Content-Disposition"]


def test_a_name_a_spreadsheet_would_run_is_written_as_text(home, client_for):
    home.trainee_a4.surname = "=HYPERLINK(1)"
    home.trainee_a4.save()
    body = rows(client_for("scheme_admin").get(chase_url(home.window_a)))
    assert "'=HYPERLINK(1)" in [row[0] for row in body]


@pytest.mark.parametrize("role", ["educator", "mentor", "trainee"])
def test_roles_without_allocations_are_refused(home, client_for, role):
    assert client_for(role).get(chase_url(home.window_a)).status_code == 403


def test_visitors_are_sent_to_sign_in(home, client):
    response = client.get(chase_url(home.window_a))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "role,window",
    [("scheme_admin", "window_a2"), ("scheme_admin", "window_b"), ("regional_lead", "window_b")],
)
def test_another_schemes_window_is_not_found(home, client_for, role, window):
    assert client_for(role).get(chase_url(getattr(home, window))).status_code == 404
