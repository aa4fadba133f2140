"""The trainee record holds many forms at once (time out, return to training, less than full time, the
decision on an application, HEFT mode, completion, extension): every field has an id of its own and every
label focuses its field, as the record stands and when a form comes back with its errors. Two fields with
the id `id_start_date` (time out's "First day" and LTFT's "From") left the second label focusing nothing."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from heft.trainees import services
from tests.markup_checks import markup_problems
from tests.pages import page_text

RECORD_POSTS = ["interruption_add", "ltft_change_add", "training_complete", "training_extend", "heft_mode"]


@pytest.fixture
def busy_record(world):
    """Trainee A on time out with no end yet, and an application to work 80% waiting for a decision."""
    membership = world.trainee_a.memberships.get()
    today = timezone.localdate()
    services.ltft_apply(
        membership=membership,
        wte=Decimal("0.8"),
        start_date=today + datetime.timedelta(days=200),
        reason="category_1",
        by=world.user("trainee"),
    )
    services.interruption_record(
        membership=membership,
        kind="parental",
        start_date=today - datetime.timedelta(days=10),
        by=world.user("scheme_admin"),
    )
    return membership


def test_every_form_on_the_staff_record_has_ids_of_its_own(world, client_for, busy_record):
    response = client_for("scheme_admin").get(reverse("trainees:trainee_detail", args=[world.trainee_a.pk]))
    html = page_text(response)
    assert "Record a change to less than full time" in html
    assert "Record time out of training" in html
    assert markup_problems(response.content.decode()) == []


@pytest.mark.parametrize("route", RECORD_POSTS)
def test_a_form_sent_back_with_errors_keeps_ids_of_its_own(world, client_for, busy_record, route):
    url = reverse(f"trainees:{route}", args=[world.trainee_a.pk])
    response = client_for("scheme_admin").post(url, {})
    assert response.status_code == 400
    assert "There is a problem" in page_text(response)
    assert markup_problems(response.content.decode()) == []


def test_the_trainees_own_record_has_ids_of_its_own(world, client_for):
    response = client_for("trainee").get(reverse("trainees:me"))
    assert "Apply to change your working pattern" in page_text(response)
    assert markup_problems(response.content.decode()) == []
    response = client_for("trainee").post(reverse("trainees:ltft_apply"), {})
    assert response.status_code == 400
    assert markup_problems(response.content.decode()) == []
