"""The retry policy for background tasks.

django-tasks runs a task once: if it fails, the failure is recorded and that is the end of it. An email
that could not be sent because the mail server was down for a minute would be lost. `retried_task` is
`@task()` plus a policy: a failed attempt enqueues the next one, after a wait that doubles each time, up to
a number of attempts; then the task stays failed. Every attempt is its own task result, numbered by its
`attempt` argument, with the error and traceback of a failure, so national admins see in the admin's task
results what failed, how often it was tried and why (failed attempts show as failed).

The policy is set in settings, so that tests and deployments can change it without touching the tasks:
HEFT_TASK_ATTEMPTS (5) and HEFT_TASK_FIRST_RETRY_SECONDS (60): waits of 1, 2, 4 and 8 minutes.

A retried task must be safe to run again: a partial first attempt may be repeated.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend

logger = logging.getLogger(__name__)

DEFAULT_ATTEMPTS = 5
DEFAULT_FIRST_RETRY_SECONDS = 60


def retry_policy() -> tuple[int, timedelta]:
    """(attempts in all, wait before the first retry), read when needed so that settings can change it."""
    attempts = getattr(settings, "HEFT_TASK_ATTEMPTS", DEFAULT_ATTEMPTS)
    first_wait = getattr(settings, "HEFT_TASK_FIRST_RETRY_SECONDS", DEFAULT_FIRST_RETRY_SECONDS)
    return attempts, timedelta(seconds=first_wait)


def retry_wait(attempt: int, first_wait: timedelta) -> timedelta:
    """The wait after failed attempt number `attempt` (1, 2, ...): first_wait, doubling each time."""
    return first_wait * 2 ** (attempt - 1)


def enqueue_with_change(the_task, *args, **kwargs) -> None:
    """Queue a task that follows from the change the current transaction is making (an email about it),
    so that it is neither lost nor sent for a change that did not happen. The database queue stores the
    task in that same transaction: it commits or rolls back with the change, and a process that dies just
    after the commit cannot lose it. A queue outside the database (the immediate one in tests, which runs
    the task at once) is only handed the task once the change has committed."""
    if isinstance(the_task.get_backend(), DatabaseBackend):
        the_task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: the_task.enqueue(*args, **kwargs))


def retried_task(**task_options):
    """Like django-tasks' `@task(...)`, with the project's retry policy. The task gets an extra keyword
    argument, `attempt` (1 for the first run), which its task results show."""

    def decorate(func):
        def run(*args, attempt: int = 1, **kwargs):
            try:
                return func(*args, **kwargs)
            except Exception:
                _after_failure(the_task, args, kwargs, attempt)
                raise  # this attempt's result records the failure

        # The task is found again by its module and name, so the wrapper takes the function's.
        for name in ("__module__", "__name__", "__qualname__", "__doc__"):
            setattr(run, name, getattr(func, name))
        the_task = task(**task_options)(run)
        return the_task

    return decorate


def _after_failure(the_task, args: tuple, kwargs: dict, attempt: int) -> None:
    attempts, first_wait = retry_policy()
    name = the_task.name
    if attempt >= attempts:
        logger.error("Task %s failed on its last attempt (%d of %d)", name, attempt, attempts)
        return
    wait = retry_wait(attempt, first_wait)
    logger.warning("Task %s failed (attempt %d of %d): trying again in %s", name, attempt, attempts, wait)
    retry = the_task
    if the_task.get_backend().supports_defer and wait:
        retry = the_task.using(run_after=timezone.now() + wait)
    # A backend that cannot wait (the immediate one, in tests) runs the next attempt straight away.
    retry.enqueue(*args, attempt=attempt + 1, **kwargs)
