"""A run asked for from the window's page is made by the background worker; its page shows the progress,
polled by htmx (or reloaded without JavaScript), can be left and come back to, and links to the run."""

import pytest
from django.urls import reverse
from django_tasks_db.management.commands.db_worker import Worker

from heft.audit.models import AuditEvent
from heft.preferencing import services
from heft.preferencing.models import AllocationRun, RunRequest
from tests.pages import page_text
from tests.preferencing.test_services import SOON, ranked_everyone


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
def test_a_run_is_made_in_the_background_with_its_progress_on_its_page(allocation, client, database_tasks):
    ranked_everyone(allocation)
    window = allocation.window
    client.force_login(allocation.lead)

    response = client.post(reverse("preferencing:run_create", args=[window.pk]), {"mechanism": "stable"})

    asked = RunRequest.objects.get()
    url = reverse("preferencing:run_request", args=[asked.pk])
    assert response["Location"] == url
    assert asked.status == "queued"
    assert not AllocationRun.objects.exists()  # nothing yet
    page = page_text(client.get(url))
    assert "Waiting to start" in page
    assert "Waiting for the background worker: 0% done." in page
    assert f'hx-get="{url}"' in page
    assert 'hx-trigger="every 2s"' in page
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
    window_page = page_text(client.get(reverse("preferencing:window_detail", args=[window.pk])))
    assert f'<a href="{url}">follow its progress</a>' in window_page  # left, and come back to

    run_worker()
    fragment = page_text(client.get(url, headers={"HX-Request": "true"}))
    run = AllocationRun.objects.get()
    assert fragment.lstrip().startswith('<div id="run-request-status"')
    assert "hx-get" not in fragment
    assert f"Draft run {run.pk} is ready to review." in fragment
    assert f'href="{reverse("preferencing:run_detail", args=[run.pk])}"' in fragment
    assert run.mechanism == "stable"
    assert run.created_by == allocation.lead
    assert "follow its progress" not in page_text(
        client.get(reverse("preferencing:window_detail", args=[window.pk]))
    )


def test_each_stage_is_saved_for_the_page_while_the_run_is_made(allocation, monkeypatch):
    ranked_everyone(allocation)
    seen = []
    solve = services.solve

    def watched(*args, **kwargs):
        seen.append(RunRequest.objects.get().stage)
        return solve(*args, **kwargs)

    monkeypatch.setattr(services, "solve", watched)
    asked = services.run_request(
        window=allocation.window, kind=AllocationRun.Kind.INITIAL, mechanism="stable", by=allocation.lead
    )
    made = services.run_request_make(request_id=asked.pk)
    assert seen == ["Working out the allocation"]
    assert made.status == "ready"
    assert made.percent_done == 100
    assert made.run.mechanism == "stable"
    assert services.run_request_make(request_id=asked.pk).run == made.run  # a retried task makes no other


def test_a_run_that_cannot_be_made_says_why_on_its_page(
    allocation, client, django_capture_on_commit_callbacks
):
    ranked_everyone(allocation)
    membership = allocation.trainees[1].memberships.get()
    membership.national_rank = None  # has a list, but no rank: the engine cannot order them
    membership.save()
    client.force_login(allocation.lead)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("preferencing:run_create", args=[allocation.window.pk]), {"mechanism": "stable"}
        )

    asked = RunRequest.objects.get()
    assert response["Location"] == reverse("preferencing:run_request", args=[asked.pk])
    assert asked.status == "failed"
    assert not AllocationRun.objects.exists()
    page = page_text(client.get(response["Location"]))
    assert "No run was made" in page
    assert "has no national recruitment rank: import it first" in page
    assert AuditEvent.objects.filter(verb="run.failed", target_id=str(asked.pk)).exists()


@pytest.mark.django_db(transaction=True)
def test_re_offers_and_reallocations_are_made_the_same_way(allocation, client, database_tasks):
    ranked_everyone(allocation)
    window = allocation.window
    run = services.run_create(window=window, mechanism="serial-dictatorship", by=allocation.lead)
    services.run_publish(run=run, respond_by=SOON, by=allocation.lead)
    client.force_login(allocation.lead)

    refill = client.post(reverse("preferencing:refill", args=[window.pk]))
    reallocate = client.post(
        reverse("preferencing:reallocate", args=[window.pk]), {"reason": "A post moved."}
    )

    kinds = list(RunRequest.objects.order_by("pk").values_list("kind", "status", "reason"))
    assert kinds == [("refill", "queued", ""), ("reallocation", "queued", "A post moved.")]
    assert refill.status_code == reallocate.status_code == 302
    run_worker()
    made = AllocationRun.objects.exclude(pk=run.pk).order_by("pk")
    assert [(r.kind, r.based_on_id) for r in made] == [("refill", run.pk), ("reallocation", run.pk)]


def test_a_run_is_refused_at_once_while_the_window_is_open(allocation, client):
    client.force_login(allocation.lead)
    response = client.post(
        reverse("preferencing:run_create", args=[allocation.window.pk]), {"mechanism": "stable"}
    )
    assert response.status_code == 400
    assert not RunRequest.objects.exists()


def test_a_run_request_of_another_region_is_not_found(allocation, client, world):
    from tests import factories as f
    from tests.conftest import give_totp

    ranked_everyone(allocation)
    asked = services.run_request(
        window=allocation.window, kind=AllocationRun.Kind.INITIAL, mechanism="stable", by=allocation.lead
    )
    outsider = f.RoleFactory(role="regional_lead", region=world.region_b).user
    give_totp(outsider)
    client.force_login(outsider)
    assert client.get(reverse("preferencing:run_request", args=[asked.pk])).status_code == 404
    client.force_login(allocation.lead)
    assert client.get(reverse("preferencing:run_request", args=[asked.pk])).status_code == 200
