"""Look before you change: a Deep End rule shows the practices whose status it would change and the rotations
that would start or stop counting as HEFT before anything changes; practices without figures keep their
status unless the person chooses otherwise; nothing is applied without a confirmation of those very changes;
long applications run in the background with their progress on their page."""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_tasks_db.management.commands.db_worker import Worker

from heft.audit.models import AuditEvent
from heft.practices.deep_end import RuleChoice
from heft.practices.models import DeepEndRuleApplication, Practice
from heft.practices.selectors import deep_end_rule_preview
from heft.practices.services import deep_end_rule_apply
from heft.programmes.selectors import rotations_with_heft_flag
from tests import factories as f
from tests.practices.conftest import apply_rule, gp_post, shown_digest

pytestmark = pytest.mark.django_db

TOP_3 = {"measure": "imd_score", "method": "top_n", "top_n": 3}
TOP_1 = {"measure": "imd_score", "method": "top_n", "top_n": "1"}


@pytest.fixture
def bristol(world, loaded, admin):
    """Three Deep End practices (the top 3 by IMD score), and scheme A's rotations through them: two HEFT
    only by a Deep End practice, one by an innovative post too, and one through no Deep End practice."""
    apply_rule(admin, **TOP_3)
    assert deep_end_codes() == {"Y97001", "Y97003", "Y97005", world.practice.ods_code}
    scheme = world.scheme_a

    def rotation(code: str, *practice_codes: str, innovative: bool = False):
        made = f.RotationFactory(code=code, name=f"Rotation {code}", scheme=scheme)
        for order, practice_code in enumerate(practice_codes):
            f.SlotFactory(rotation=made, order=order, post=gp_post(practice(practice_code), scheme))
        if innovative:
            f.SlotFactory(rotation=made, order=len(practice_codes))
        return made

    return {
        "millbrook": rotation("BRIS-1", "Y97003", "Y97002"),
        "st_aidans": rotation("BRIS-2", "Y97005"),
        "mixed": rotation("BRIS-3", "Y97003", innovative=True),
        "quayside": rotation("BRIS-4", "Y97002"),
    }


def practice(code: str) -> Practice:
    return Practice.objects.get(ods_code=code)


def deep_end_codes() -> set[str]:
    return set(Practice.objects.filter(is_deep_end=True).values_list("ods_code", flat=True))


def heft_codes() -> set[str]:
    return set(rotations_with_heft_flag().filter(heft=True).values_list("code", flat=True))


def preview_page(client, rule: dict):
    return client.get(reverse("practices:deep_end_rule_preview"), rule)


def test_the_preview_lists_the_practices_and_rotations_that_would_change(client_for, bristol, world):
    before = (deep_end_codes(), heft_codes(), DeepEndRuleApplication.objects.count())
    response = preview_page(client_for("national_admin"), TOP_1)
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 practices change: 2 stop being Deep End; 2 rotations stop counting as HEFT" in page
    stop = page[page.index('id="stop"') : page.index('id="become"')]
    assert "MILLBROOK HEALTH CENTRE" in stop
    assert "ST AIDAN&#39;S FAMILY PRACTICE" in stop
    assert "IMD score 47.90: number 2 of 10 practices in England" in stop  # the figure that decides it
    rotations = page[page.index('id="rotations"') : page.index('id="apply"')]
    assert "BRIS-1" in rotations
    assert "BRIS-2" in rotations
    assert "Would stop counting as HEFT" in rotations
    assert "BRIS-3" not in rotations
    assert "BRIS-4" not in rotations  # still HEFT; never HEFT
    scheme_page = reverse("content:scheme_detail", args=[world.region_a.code, world.scheme_a.code])
    assert f'href="{scheme_page}"' in page
    assert "2 rotations no longer shown as HEFT" in page
    assert (deep_end_codes(), heft_codes(), DeepEndRuleApplication.objects.count()) == before


def test_the_preview_says_exactly_what_applying_changes(bristol, admin):
    """The practices and rotations listed are exactly those whose Deep End status and HEFT flag, as the pages
    show them, change when the rule is applied."""
    for choice in (
        RuleChoice("imd_score", "top_n", 1),
        RuleChoice("imd_score", "decile"),
        RuleChoice("imd_score", "top_n", 6),
        RuleChoice("share_15", "decile", missing_to_no=True),
    ):
        plan = deep_end_rule_preview(choice)
        heft_before, deep_end_before = heft_codes(), deep_end_codes()
        deep_end_rule_apply(choice=choice, expected=plan.digest, by=admin)
        assert heft_codes() == (heft_before - codes(plan.rotations_stopped)) | codes(plan.rotations_started)
        became, left = {c.practice.ods_code for c in plan.became}, {c.practice.ods_code for c in plan.left}
        assert deep_end_codes() == (deep_end_before - left) | became


def codes(rotations) -> set[str]:
    return {rotation.code for rotation in rotations}


def test_the_top_6_brings_rotations_back_and_says_so(bristol, world, admin):
    apply_rule(admin, **{**TOP_1, "top_n": 1})
    assert heft_codes() == {"BRIS-3", "ROT-A", "ROT-B"}
    plan = deep_end_rule_preview(RuleChoice("imd_score", "top_n", 6))
    assert {r.code for r in plan.rotations_started} == {"BRIS-1", "BRIS-2", "BRIS-4"}
    assert plan.sentence() == "5 practices change: 5 become Deep End; 3 rotations start counting as HEFT"


def test_practices_without_figures_keep_their_status_unless_chosen(client_for, bristol, world, admin):
    client = client_for("national_admin")
    kept = preview_page(client, TOP_1).content.decode()
    assert "Practices the rule cannot place (1)" in kept
    assert "keep their Deep End status" in kept
    assert "1 of them is Deep End now and would stay so" in kept
    assert world.practice.name not in kept[kept.index('id="stop"') : kept.index('id="become"')]
    set_to_no = preview_page(client, {**TOP_1, "missing_to_no": "on"}).content.decode()
    assert "3 practices change: 3 stop being Deep End" in set_to_no
    assert "1 of them is Deep End now and is listed above" in set_to_no
    assert world.practice.name in set_to_no[set_to_no.index('id="stop"') : set_to_no.index('id="become"')]

    apply_rule(admin, measure="imd_score", method="top_n", top_n=1)
    world.practice.refresh_from_db()
    assert world.practice.is_deep_end
    assert world.practice.deep_end_by_rule is None
    assert world.practice.deep_end_reason == (
        "No IMD score for this practice, so the rule cannot place it. Its Deep End status is kept as it was."
    )
    apply_rule(admin, measure="imd_score", method="top_n", top_n=1, missing_to_no=True)
    world.practice.refresh_from_db()
    assert not world.practice.is_deep_end
    assert world.practice.deep_end_by_rule is False


def test_nothing_is_applied_without_the_confirmation(client_for, bristol):
    client = client_for("national_admin")
    before = (deep_end_codes(), heft_codes(), DeepEndRuleApplication.objects.count())
    digest = shown_digest(preview_page(client, TOP_1))
    url = reverse("practices:deep_end_rule_apply")
    assert client.get(url).status_code == 405
    assert client.post(url, TOP_1).status_code == 400  # no preview seen
    confirming = client.post(url, {**TOP_1, "expected": digest})
    page = confirming.content.decode()
    assert confirming.status_code == 200
    assert "2 practices change: 2 stop being Deep End; 2 rotations stop counting as HEFT" in page
    # The confirming form holds hidden fields and its button only: Enter cannot submit it.
    form = re.search(r'<form method="post"[^>]*>(.*?)</form>', page[page.index("Apply this rule?") :], re.S)
    inputs = re.findall(r"<input[^>]*>", form.group(1))
    assert inputs
    assert all('type="hidden"' in tag for tag in inputs)
    assert 'class="nhsuk-button nhsuk-button--warning" type="submit">Change 2 practices</button>' in page
    assert (deep_end_codes(), heft_codes(), DeepEndRuleApplication.objects.count()) == before


def test_changes_other_than_those_shown_are_not_applied(client_for, bristol, admin):
    client = client_for("national_admin")
    digest = shown_digest(preview_page(client, TOP_1))
    Practice.objects.filter(ods_code="Y97002").update(imd_score="99.00")  # new figures arrive meanwhile
    url = reverse("practices:deep_end_rule_apply")
    looked_again = client.post(url, {**TOP_1, "expected": digest})
    assert looked_again.status_code == 302
    assert reverse("practices:deep_end_rule_preview") in looked_again["Location"]
    before = deep_end_codes()
    confirmed = client.post(url, {**TOP_1, "expected": digest, "confirm": "yes"})
    application = DeepEndRuleApplication.objects.latest()
    assert confirmed["Location"] == reverse("practices:deep_end_rule_application", args=[application.pk])
    assert application.status == "refused"
    assert deep_end_codes() == before
    page = client.get(confirmed["Location"]).content.decode()
    assert "Not applied: the data changed after you looked" in page
    assert "Look at the changes again" in page
    assert AuditEvent.objects.filter(verb="deep_end_rule.refused", target_id=str(application.pk)).exists()


@pytest.fixture
def database_tasks(settings):
    """Tasks as in production: stored in the database and run by django-tasks-db's worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
    ).run()  # fmt: skip


# The worker closes a connection left in a transaction, as a test case keeps it: commit for real.
@pytest.mark.django_db(transaction=True)
def test_a_long_application_runs_in_the_background_with_its_progress_on_its_page(
    client_for, bristol, database_tasks
):
    client = client_for("national_admin")
    digest = shown_digest(preview_page(client, TOP_1))
    response = client.post(
        reverse("practices:deep_end_rule_apply"),
        {**TOP_1, "expected": digest, "confirm": "yes", "estimate": "5.2"},  # the preview took 2.6 s
    )
    application = DeepEndRuleApplication.objects.latest()
    url = reverse("practices:deep_end_rule_application", args=[application.pk])
    assert response["Location"] == url
    assert application.status == "queued"
    assert "Y97003" in deep_end_codes()  # nothing yet
    page = client.get(url).content.decode()
    assert "Waiting to start" in page
    assert "Waiting for the background worker" in page
    assert f'hx-get="{url}"' in page
    assert 'hx-trigger="every 2s"' in page
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
    under_way = client.get(reverse("practices:deep_end_rule")).content.decode()
    assert f'href="{url}"' in under_way
    assert "Follow its progress" in under_way  # left, and come back to

    run_worker()
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="rule-status"')
    assert "hx-get" not in fragment
    assert "2 practices change: 2 stop being Deep End; 2 rotations stop counting as HEFT" in fragment
    assert deep_end_codes() == {"Y97001", practice_code_of_world()}


def practice_code_of_world() -> str:
    return Practice.objects.exclude(ods_code__startswith="Y97").get().ods_code


def test_the_application_is_audited_with_the_counts(bristol, admin):
    application = apply_rule(admin, **{**TOP_1, "top_n": 1})
    event = AuditEvent.objects.get(verb="deep_end_rule.applied", target_id=str(application.pk))
    assert event.after["counts"] == {
        "practices_changed": 2,
        "became_deep_end": 0,
        "left_deep_end": 2,
        "rotations_started": 0,
        "rotations_stopped": 2,
        "kept_without_figures": 1,
    }
    assert sorted(event.after["rotations_stopped"]) == ["BRIS-1", "BRIS-2"]
    assert (application.rotations_stopped, application.left_deep_end) == (2, 2)


def test_the_preview_without_a_rule_shows_the_rule_in_force(client_for, bristol):
    page = preview_page(client_for("national_admin"), {}).content.decode()
    assert "The 3 practices in England with the highest IMD score" in page
    assert "No practice changes its Deep End status; no rotation starts or stops counting as HEFT" in page


def test_the_api_lists_only_rules_applied(client_for, bristol, admin):
    choice = RuleChoice("imd_score", "top_n", 1)
    DeepEndRuleApplication.objects.create(
        measure="imd_score", method="top_n", top_n=1, description="Asked for", by_label="someone"
    )  # queued, never run
    deep_end_rule_apply(choice=choice, expected="not what the rule does", by=admin)  # refused
    rules = client_for("educator").get("/api/v1/deprivation/deep-end-rules").json()["items"]
    assert [rule["description"] for rule in rules] == [
        "The 3 practices in England with the highest IMD score"
    ]


def test_the_command_shows_the_changes_and_applies_them_only_with_yes(bristol):
    out = io.StringIO()
    call_command("apply_deep_end_rule", "--method", "top_n", "--top-n", "1", stdout=out)
    shown = out.getvalue()
    assert "2 practices change: 2 stop being Deep End; 2 rotations stop counting as HEFT." in shown
    assert "Y97003 MILLBROOK HEALTH CENTRE: Deep End -> not Deep End. IMD score 47.90" in shown
    assert "Rotation BRIS-1 (Scheme A) stops counting as HEFT." in shown
    assert "Practices the rule cannot place (no figure): 1, keeping their status (1 Deep End now)." in shown
    assert "Nothing has changed. Run again with --yes" in shown
    assert "Y97003" in deep_end_codes()
    out = io.StringIO()
    call_command("apply_deep_end_rule", "--method", "top_n", "--top-n", "1", "--yes", stdout=out)
    assert "Applied. Deep End: 1 of the 10 practices ranked (2 changed)." in out.getvalue()
    assert "Y97003" not in deep_end_codes()
    with pytest.raises(CommandError, match="Say how many"):
        call_command("apply_deep_end_rule", "--method", "top_n")


def test_an_application_that_fails_changes_nothing_and_says_so(client_for, bristol, admin, monkeypatch):
    from heft.practices import deep_end

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(deep_end, "bulk_set", broken)
    before = deep_end_codes()
    application = apply_rule(admin, **{**TOP_1, "top_n": 1})
    assert application.status == "failed"
    assert deep_end_codes() == before
    assert application.summary == {}
    assert application.changed == 0
    assert AuditEvent.objects.filter(verb="deep_end_rule.failed", target_id=str(application.pk)).exists()
    url = reverse("practices:deep_end_rule_application", args=[application.pk])
    assert (
        "Something went wrong: nothing was changed" in client_for("national_admin").get(url).content.decode()
    )
    assert deep_end.deep_end_rule_run(application_id=application.pk).status == "failed"  # run once only
