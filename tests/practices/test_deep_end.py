"""The Deep End rule page, and deciding one practice's status by hand: scoped, with a reason, audited."""

import pytest
from django.urls import reverse

from heft.audit.models import AuditEvent
from heft.practices.models import DeepEndRuleApplication, Practice
from tests import factories as f
from tests.pages import squeezed
from tests.practices.conftest import apply_rule, gp_post, shown_digest

pytestmark = pytest.mark.django_db


def test_an_admin_looks_confirms_and_applies_a_rule_from_the_pages(client_for, loaded, admin):
    client = client_for("national_admin")
    rule = {"measure": "imd_score", "method": "top_n", "top_n": "2"}
    preview = client.get(reverse("practices:deep_end_rule_preview"), rule)
    assert preview.status_code == 200
    digest = shown_digest(preview)
    confirming = client.post(reverse("practices:deep_end_rule_apply"), {**rule, "expected": digest})
    assert confirming.status_code == 200
    assert not DeepEndRuleApplication.objects.exists()
    assert "2 practices change: 2 become Deep End" in squeezed(confirming.content.decode())
    response = client.post(
        reverse("practices:deep_end_rule_apply"),
        {**rule, "expected": digest, "confirm": "yes", "estimate": "0.1"},
    )
    application = DeepEndRuleApplication.objects.get()
    assert response["Location"] == reverse("practices:deep_end_rule_application", args=[application.pk])
    deep_end = Practice.objects.filter(is_deep_end=True).values_list("ods_code", flat=True)
    # The world's practice was Deep End by hand-set data and has no IMD score: it keeps its status.
    assert set(deep_end) == {"Y97001", "Y97003", world_practice_code()}
    assert (application.status, application.description, application.deep_end, application.by) == (
        "applied",
        "The 2 practices in England with the highest IMD score",
        2,
        admin,
    )
    assert (application.became_deep_end, application.left_deep_end, application.kept_without_figures) == (
        2,
        0,
        1,
    )
    event = AuditEvent.objects.get(verb="deep_end_rule.applied")
    assert sorted(event.after["became"]) == ["Y97001", "Y97003"]
    assert event.after["left"] == []
    assert event.after["counts"]["practices_changed"] == 2
    assert AuditEvent.objects.filter(verb="deep_end_rule.requested", target_id=str(application.pk)).exists()
    page = squeezed(client.get(response["Location"]).content.decode())
    assert "Applied" in page
    assert "2 practices change: 2 become Deep End" in page
    assert "The 2 practices in England with the highest IMD score" in page
    rule_page = squeezed(client.get(reverse("practices:deep_end_rule")).content.decode())
    assert "The rule in force: <strong>The 2 practices in England with the highest IMD score" in rule_page
    assert f'href="{response["Location"]}"' in rule_page  # the application, in the history


def world_practice_code() -> str:
    return Practice.objects.exclude(ods_code__startswith="Y97").get().ods_code


def test_a_rule_needs_its_number(client_for):
    client = client_for("national_admin")
    response = client.get(
        reverse("practices:deep_end_rule_preview"), {"measure": "imd_score", "method": "top_n"}
    )
    assert response.status_code == 400
    assert "Say how many practices the rule takes." in squeezed(response.content.decode())
    posted = client.post(
        reverse("practices:deep_end_rule_apply"), {"measure": "imd_score", "method": "top_n"}
    )
    assert posted.status_code == 400
    assert "Say how many practices the rule takes." in squeezed(posted.content.decode())
    assert not DeepEndRuleApplication.objects.exists()


def override(client, practice, decision: str, reason: str = "Serves a large homeless population"):
    url = reverse("practices:practice_deep_end", args=[practice.ods_code])
    return client.post(url, {"decision": decision, "reason": reason})


def test_a_regional_lead_decides_a_practice_by_hand_and_the_rule_respects_it(client_for, world, admin):
    practice = world.practice  # region A, Deep End
    client = client_for("regional_lead")
    response = override(client, practice, "no", "Merged with a practice in a less deprived area")
    assert response.status_code == 302
    practice.refresh_from_db()
    assert (practice.is_deep_end, practice.deep_end_override, practice.deep_end_by_rule) == (
        False,
        False,
        True,
    )
    assert practice.deep_end_override_reason == "Merged with a practice in a less deprived area"
    event = AuditEvent.objects.get(verb="practice.deep_end_overridden")
    assert (event.actor, event.before, event.after["reason"]) == (
        world.user("regional_lead"),
        {"is_deep_end": True, "override": None},
        "Merged with a practice in a less deprived area",
    )
    page = squeezed(
        client.get(reverse("practices:practice_detail", args=[practice.ods_code])).content.decode()
    )
    assert "No (decided by hand)" in page
    assert "Not Deep End: Merged with a practice" in page

    apply_rule(admin, measure="imd_score", method="decile", missing_to_no=True)  # no figures: set to No
    practice.refresh_from_db()
    assert (practice.is_deep_end, practice.deep_end_by_rule) == (False, False)

    assert override(client, practice, "rule", "Back to the rule").status_code == 302
    practice.refresh_from_db()
    assert (practice.is_deep_end, practice.deep_end_override, practice.deep_end_override_reason) == (
        False,
        None,
        "",
    )
    assert AuditEvent.objects.filter(verb="practice.deep_end_override_cleared").exists()


def test_a_decision_needs_a_reason(client_for, world):
    response = override(client_for("national_admin"), world.practice, "no", reason="  ")
    assert response.status_code == 400
    assert "Say why: the reason is kept with the decision." in squeezed(response.content.decode())
    world.practice.refresh_from_db()
    assert world.practice.deep_end_override is None
    assert world.practice.is_deep_end


def test_practices_out_of_scope_answer_404(client_for, world):
    elsewhere = f.PracticeFactory(region=world.region_b)
    assert override(client_for("regional_lead"), elsewhere, "yes").status_code == 404
    assert override(client_for("scheme_admin"), elsewhere, "yes").status_code == 404
    gp_post(elsewhere, world.scheme_a)
    assert override(client_for("scheme_admin"), elsewhere, "yes").status_code == 302  # it hosts their post
    elsewhere.refresh_from_db()
    assert elsewhere.is_deep_end


def test_only_those_who_may_decide_see_the_form(client_for, world):
    url = reverse("practices:practice_detail", args=[world.practice.ods_code])
    assert "Decide this practice" in squeezed(client_for("regional_lead").get(url).content.decode())
    assert "Decide this practice" not in squeezed(client_for("educator").get(url).content.decode())
