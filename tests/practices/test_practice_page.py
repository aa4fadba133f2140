"""A practice's page: its deprivation, Deep End status and why, its training posts, and the trainees placed
there (named only to those whose scope reaches them). And the same figures through the API."""

import datetime

import pytest
from django.urls import reverse
from markupsafe import escape  # as the pages escape: an apostrophe is &#39;

from tests import factories as f
from tests.practices.conftest import apply_rule, gp_post

pytestmark = pytest.mark.django_db


def page(client, code: str) -> str:
    return client.get(reverse("practices:practice_detail", args=[code])).content.decode()


def test_the_page_shows_deprivation_and_why_the_practice_is_deep_end(client_for, loaded, admin):
    apply_rule(admin, measure="share_15", method="decile")
    text = page(client_for("educator"), "Y97001")
    assert "National IMD decile" in text
    assert "1 of 10 (1 is the most deprived)" in text
    assert "52.40" in text
    assert "71.4%" in text
    assert "92.9%" in text
    assert "IMD 2019 score, Fingertips 93553, 2019" in text
    assert "IoD 2019 (LSOA 2011); patients by LSOA, 01OCT2024" in text
    assert "nhsuk-tag--green" in text  # the Deep End tag by the name
    assert (
        "92.9% of patients live in the most deprived 15% of areas: number 1 of 10 practices in England"
        in text
    )


def test_trainees_placed_are_named_only_within_scope(client_for, world):
    practice = world.practice
    post = gp_post(practice, world.scheme_a)
    membership_a = world.trainee_a2.memberships.get()
    membership_b = world.trainee_b.memberships.get()
    start = datetime.date(2025, 8, 6)
    f.PlacementFactory(
        membership=membership_a, post=post, start_date=start, end_date=datetime.date(2026, 2, 5)
    )
    f.PlacementFactory(
        membership=membership_b, post=post, start_date=start, end_date=datetime.date(2026, 2, 5)
    )
    lead = page(client_for("regional_lead"), practice.ods_code)
    assert escape(world.trainee_a2.full_name) in lead
    assert escape(world.trainee_b.full_name) not in lead
    assert "1 placement of trainees you cannot see as well." in lead
    assert post.post_number in lead
    national = page(client_for("national_admin"), practice.ods_code)
    assert escape(world.trainee_a2.full_name) in national
    assert escape(world.trainee_b.full_name) in national
    educator = page(client_for("educator"), practice.ods_code)  # no trainee records at all
    assert escape(world.trainee_a2.full_name) not in educator
    assert "2 placements of trainees you cannot see." in educator


def test_the_api_gives_deprivation_deep_end_status_and_why(client_for, loaded, admin):
    apply_rule(admin, measure="imd_score", method="top_n", top_n=1, missing_to_no=True)
    client = client_for("educator")
    body = client.get("/api/v1/deprivation/practices/Y97001").json()
    assert body["imd_decile"] == 1
    assert body["imd_quintile"] == 1
    assert body["share_most_deprived_15"] == "0.9286"
    assert body["is_deep_end"]
    assert body["deep_end_by_rule"]
    assert body["deep_end_override"] is None
    assert body["deep_end_rule"].startswith("The 1 practice in England with the highest IMD score")
    assert body["deep_end_reason"].startswith("IMD score 52.40: number 1 of 10 practices in England")
    listing = client.get("/api/v1/deprivation/practices?deep_end_only=true").json()
    assert [item["ods_code"] for item in listing["items"]] == ["Y97001"]
    rules = client.get("/api/v1/deprivation/deep-end-rules").json()
    assert rules["items"][0]["description"] == "The 1 practice in England with the highest IMD score"
    assert client.get("/api/v1/deprivation/practices/NOPE1").status_code == 404
