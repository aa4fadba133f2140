"""Post-CCT opportunities for trainees in ST3 and recent graduates, interest in them, and where graduates
went one year after CCT."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from heft.community import selectors, services
from heft.community.models import CareerOutcome, ExpressionOfInterest, InterestArea, Opportunity
from heft.engines.dates import add_months
from heft.trainees.models import ProgrammeMembership
from tests import factories as f
from tests.community.conftest import trainee_with_account
from tests.pages import page_text

D = datetime.date


@pytest.fixture
def opportunity(world):
    opportunity = Opportunity.objects.create(
        region=world.region_a, kind=Opportunity.Kind.DEEP_END_FELLOWSHIP, title="Deep End fellowship",
        organisation="A fictional PCN", description="A year's fellowship.",
        closes_on=timezone.localdate() + datetime.timedelta(days=30),
    )  # fmt: skip
    opportunity.interests.set(InterestArea.objects.filter(code="homelessness"))
    return opportunity


@pytest.fixture
def st3(world):
    return trainee_with_account(world.scheme_a)


def test_a_lead_posts_an_opportunity_from_the_page(world, client_for):
    client = client_for("scheme_admin")  # a scheme's team posts for its region
    data = {
        "title": "Salaried GP, fictional Deep End practice", "kind": "salaried_deprived",
        "organisation": "A fictional surgery", "region": world.region_a.pk, "closes_on": "2027-03-31",
        "description": "Two sessions a week of teaching.",
        "interests": [InterestArea.objects.get(code="education").pk],
    }  # fmt: skip
    assert client.post(reverse("community:opportunity_manage"), data).status_code == 302
    opportunity = Opportunity.objects.get()
    assert opportunity.posted_by == world.user("scheme_admin")
    assert [i.code for i in opportunity.interests.all()] == ["education"]
    response = client.post(reverse("community:opportunity_manage"), {**data, "region": world.region_b.pk})
    assert response.status_code == 400  # not their region
    response = client.post(reverse("community:opportunity_manage"), {**data, "closes_on": "2020-01-01"})
    assert response.status_code == 400
    assert "The closing date has passed" in response.content.decode()


def test_trainees_before_st3_do_not_see_opportunities(world, opportunity, client_for):
    client = client_for("trainee")  # trainee A started in August 2026
    assert (
        "You will see them here from ST3"
        in client.get(reverse("community:opportunity_list")).content.decode()
    )
    assert client.get(reverse("community:opportunity_detail", args=[opportunity.pk])).status_code == 404


def test_a_trainee_in_st3_expresses_interest_once_and_the_lead_sees_it(world, opportunity, st3, client):
    client.force_login(st3.user)
    listing = client.get(reverse("community:opportunity_list")).content.decode()
    assert "Deep End fellowship" in listing
    url = reverse("community:opportunity_detail", args=[opportunity.pk])
    assert client.post(url, {"message": "I work in a Deep End practice now."}).status_code == 302
    assert "You expressed interest on" in client.get(url).content.decode()
    with pytest.raises(ValidationError, match="already expressed interest"):
        services.interest_express(opportunity=opportunity, message="", by=st3.user)
    client.force_login(world.user("regional_lead"))
    page = page_text(client.get(reverse("community:opportunity_interest", args=[opportunity.pk])))
    assert st3.full_name in page
    assert st3.email in page
    assert "I work in a Deep End practice now." in page


def test_interests_bring_matching_opportunities_forward(world, opportunity, st3):
    other = Opportunity.objects.create(
        region=world.region_a, kind=Opportunity.Kind.PORTFOLIO, title="Portfolio role", organisation="A hub",
        description="Teaching.", closes_on=opportunity.closes_on - datetime.timedelta(days=10),
    )  # fmt: skip
    services.profile_save(
        user=st3.user,
        interests=InterestArea.objects.filter(code="homelessness"),
        listed=False,
        about="",
        by=st3.user,
    )
    rows = selectors.opportunities_for_trainee(st3, timezone.localdate())
    assert [r["opportunity"] for r in rows] == [opportunity, other]
    assert rows[0]["matches"] == ["Homelessness"]


def test_closed_opportunities_disappear(world, opportunity, st3, client):
    opportunity.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    opportunity.save()
    client.force_login(st3.user)
    assert client.get(reverse("community:opportunity_detail", args=[opportunity.pk])).status_code == 404


def graduate(world, *, cct: D, scheme=None):
    trainee = trainee_with_account(
        scheme or world.scheme_a, start=add_months(cct, -36) + datetime.timedelta(days=1), intake="2020-08",
        status=ProgrammeMembership.Status.COMPLETED, cct_estimate=cct,
    )  # fmt: skip
    return trainee.memberships.get()


def test_recent_graduates_see_opportunities_for_two_years(world):
    today = timezone.localdate()
    recent = graduate(world, cct=add_months(today, -23))
    older = graduate(world, cct=add_months(today, -25))
    assert selectors.opportunity_eligibility(recent.trainee, today) == "recent graduate"
    assert selectors.opportunity_eligibility(older.trainee, today) is None


def test_outcomes_one_year_after_cct(world, client_for):
    today = timezone.localdate()
    deep_end = world.practice  # a Deep End practice in region A
    ordinary = f.PracticeFactory(imd_decile=7)
    a = graduate(world, cct=D(2024, 8, 6))
    b = graduate(world, cct=D(2024, 8, 6))
    c = graduate(world, cct=D(2025, 8, 5))
    graduate(world, cct=add_months(today, -6))  # not a year on yet: left out
    lead = world.user("regional_lead")
    services.career_outcome_record(
        membership=a, as_at=D(2025, 8, 1), role="salaried", practice=deep_end, by=lead
    )
    services.career_outcome_record(
        membership=a, as_at=D(2024, 9, 1), role="locum", practice=ordinary, by=lead
    )
    services.career_outcome_record(
        membership=b, as_at=D(2025, 10, 1), role="partner", practice=ordinary, by=lead
    )
    services.career_outcome_record(membership=c, as_at=D(2026, 1, 5), role="fellowship", deep_end=True,
                                   organisation="A fictional Deep End fellowship", by=lead)  # fmt: skip
    assert (
        CareerOutcome.objects.get(trainee=a.trainee, as_at=D(2025, 8, 1)).deep_end is True
    )  # from the practice
    report = selectors.outcomes_report(lead, today)
    assert report["rows"] == [
        {"year": 2024, "graduates": 2, "known": 2, "deep_end": 1},  # a in Deep End at 12 months; b not
        {"year": 2025, "graduates": 1, "known": 0, "deep_end": 0},  # c's record is 5 months on: too soon
    ]
    client = client_for("regional_lead")
    page = client.get(reverse("community:outcomes")).content.decode()
    assert "Graduates by year of CCT" in page
    assert reverse("community:outcomes_chart") in page
    chart = client.get(reverse("community:outcomes_chart"))
    assert chart["Content-Type"] == "image/svg+xml"
    assert b"<svg" in chart.content


def test_recording_an_outcome_from_the_page(world, client_for):
    membership = graduate(world, cct=D(2024, 8, 6))
    client = client_for("regional_lead")
    data = {
        "graduate": membership.pk,
        "as_at": "2025-08-01",
        "role": "salaried",
        "practice_code": world.practice.ods_code,
    }
    assert client.post(reverse("community:outcomes"), data).status_code == 302
    assert CareerOutcome.objects.get().deep_end is True
    response = client.post(reverse("community:outcomes"), {**data, "practice_code": "ZZZZZZ"})
    assert response.status_code == 400
    assert "No practice has the ODS code ZZZZZZ." in response.content.decode()
    response = client.post(reverse("community:outcomes"), {**data, "as_at": "2024-01-01"})
    assert response.status_code == 400
    assert "on or after their CCT" in response.content.decode()


def test_the_graduate_list_keeps_the_choice_and_escapes_names(world, client_for):
    """The graduate select names every graduate in scope (thousands nationally), so its options are
    written in one go: a refused form still shows the graduate chosen, and names are escaped."""
    membership = graduate(world, cct=D(2024, 8, 6))
    membership.trainee.surname = "O'Brien <Fictional>"
    membership.trainee.save()
    other = graduate(world, cct=D(2024, 8, 6))
    client = client_for("regional_lead")
    page = client.get(reverse("community:outcomes")).content.decode()
    assert "O&#39;Brien &lt;Fictional&gt;" in page
    assert "<Fictional>" not in page
    assert f'<option value="{other.pk}">' in page
    data = {"graduate": membership.pk, "as_at": "2025-08-01", "role": "salaried", "practice_code": "ZZZZZZ"}
    response = client.post(reverse("community:outcomes"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert f'<option value="{membership.pk}" selected>' in body
    assert f'<option value="{other.pk}">' in body


def test_the_opportunity_api(world, opportunity, st3, client):
    client.force_login(st3.user)
    assert [o["id"] for o in client.get("/api/v1/opportunities").json()] == [opportunity.pk]
    url = f"/api/v1/opportunities/{opportunity.pk}/interest"
    response = client.post(url, {"message": "Interested."}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["trainee"] == st3.pk
    assert client.post(url, {}, content_type="application/json").status_code == 400  # only once
    client.force_login(world.user("regional_lead"))
    [entry] = client.get(url).json()
    assert entry["trainee_email"] == st3.email
    assert entry["message"] == "Interested."
    body = {
        "title": "Inclusion health GP", "kind": "inclusion_service", "organisation": "A fictional service",
        "region": "region-a", "description": "Outreach clinics.", "closes_on": "2027-06-30",
        "interests": ["homelessness"],
    }  # fmt: skip
    assert client.post("/api/v1/opportunities", body, content_type="application/json").status_code == 201
    assert (
        client.post(
            "/api/v1/opportunities", {**body, "region": "region-b"}, content_type="application/json"
        ).status_code
        == 404
    )
    client.force_login(world.user("trainee"))  # in ST1: none shown
    assert client.get("/api/v1/opportunities").json() == []
    assert ExpressionOfInterest.objects.count() == 1
