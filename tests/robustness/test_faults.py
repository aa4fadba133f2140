"""Fault tests: the database lost in the middle of a request, a background task that fails, and a mail
server that is down or refuses. In each, nothing is half-saved and nothing that was saved is lost.

The database faults are real: on PostgreSQL a second connection terminates the request's server process
between two writes (pg_terminate_backend); on SQLite the connection is made read-only at that point, so
the second write fails with SQLite's own OperationalError. The mail server is a real SMTP server
(aiosmtpd) on the loopback address. The task worker is django-tasks-db's own, run in process.
"""

import logging
import socket
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from heft.audit.models import AuditEvent
from heft.core.tasks import retry_wait
from heft.preferencing import services
from heft.preferencing.models import Preference, PreferenceList
from tests.preferencing.conftest import make_window

ERROR_PAGE = "Sorry, there is a problem with the service"
RECEIPT_TASK = "heft.preferencing.tasks.send_preference_receipt"

# --- the database goes away mid-request --------------------------------------------------------------------


def _terminate_backend(conn) -> None:
    """Kill the server process behind `conn` from a second connection, as a failover or restart would."""
    import psycopg

    pid = conn.connection.info.backend_pid
    settings = conn.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        autocommit=True,
    )
    with other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(50):  # the process takes a moment to go
            if not other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                break
            time.sleep(0.05)


def _make_read_only(conn) -> None:
    conn.connection.execute("PRAGMA query_only = ON")


def _inserts_into(sql: str, table: str) -> bool:
    """An INSERT into `table`, as the ORM writes it (names quoted) or as SQL in the code does (not)."""
    return sql.lstrip().upper().startswith("INSERT") and f" {table} " in sql.replace('"', "")


@contextmanager
def database_lost_before_writing(table: str):
    """The database goes away just before the first INSERT into `table`; yields the statements that ran
    (so a test can show that an earlier write of the same request had already happened)."""
    statements: list[str] = []

    def wrapper(execute, sql, params, many, context):
        if not statements or statements[-1] != "LOST":
            writes_table = _inserts_into(sql, table)
            if writes_table:
                statements.append("LOST")
                lose = _terminate_backend if connection.vendor == "postgresql" else _make_read_only
                lose(context["connection"])
            else:
                statements.append(sql)
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(wrapper):
            yield statements
    finally:
        if connection.vendor == "postgresql":
            connection.close()  # the next query opens a new connection
        else:
            connection.connection.execute("PRAGMA query_only = OFF")


@pytest.mark.django_db(transaction=True)
def test_losing_the_database_mid_save_gives_the_error_page_and_writes_nothing(world, client):
    window = make_window(world.scheme_a)
    client.force_login(world.user("trainee"))
    client.raise_request_exception = False
    url = reverse("preferencing:rank", args=[window.pk])
    with database_lost_before_writing("preferencing_preference") as statements:
        response = client.post(url, {"action": "submit", "ranked": [world.rotation_a.code]})
    assert "LOST" in statements, "the fault happened"
    earlier_write = "preferencing_preferencelist"  # the list, created or locked by an upsert
    assert any(_inserts_into(s, earlier_write) for s in statements), "after the first write"
    assert response.status_code == 500
    page = response.content.decode()
    assert ERROR_PAGE in page
    assert "Nothing you sent was half-saved" in page
    assert PreferenceList.objects.count() == 0
    assert Preference.objects.count() == 0
    assert not AuditEvent.objects.filter(verb__startswith="preferences.").exists()
    # And once it is back, the same request works.
    assert client.post(url, {"action": "submit", "ranked": [world.rotation_a.code]}).status_code == 200
    assert PreferenceList.objects.get().status == PreferenceList.Status.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_the_health_check_says_503_while_the_database_is_away(client, monkeypatch):
    """For the load balancer: an app server whose database is gone stops taking requests."""
    client.raise_request_exception = False

    def refuse(execute, sql, params, many, context):
        if connection.vendor == "postgresql":
            _terminate_backend(context["connection"])
        else:
            sql = "SELECT * FROM a_table_that_is_not_there"  # SQLite's own OperationalError
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(refuse):
            response = client.get(reverse("healthz"))
    finally:
        connection.close()
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
    assert client.get(reverse("healthz")).status_code == 200


# --- a real mail server ------------------------------------------------------------------------------------


class Mailbox:
    """An SMTP server's handler: keeps what it accepts; while `refusing`, answers 554 to every message."""

    def __init__(self):
        self.messages = []
        self.tries = 0
        self.refusing = False

    async def handle_DATA(self, server, session, envelope):
        self.tries += 1
        if self.refusing:
            return "554 5.3.0 Mail system unavailable, try later"
        self.messages.append(envelope)
        return "250 Message accepted for delivery"

    def received(self) -> list[tuple[list[str], str]]:
        return [(m.rcpt_tos, m.content.decode()) for m in self.messages]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on the loopback address, with Django's SMTP backend pointed at it."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 5
    mailbox.controller = controller
    yield mailbox
    if controller.server is not None:
        controller.stop()


def submit_preferences(client, world):
    window = make_window(world.scheme_a)
    client.force_login(world.user("trainee"))
    url = reverse("preferencing:rank", args=[window.pk])
    response = client.post(url, {"action": "submit", "ranked": [world.rotation_a.code]})
    assert response.status_code == 200
    return PreferenceList.objects.get(window=window, trainee=world.trainee_a)


def test_a_submission_sends_its_receipt_through_a_real_smtp_server(
    world, client, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        plist = submit_preferences(client, world)
    [(recipients, content)] = smtp_server.received()
    assert recipients == [world.trainee_a.email]
    assert "Subject: Your HEFT rotation preferences were received" in content
    assert world.rotation_a.code in content
    assert plist.status == PreferenceList.Status.SUBMITTED


@pytest.mark.parametrize("fault", ["refusing", "stopped"])
def test_when_the_mail_server_fails_the_submission_is_kept_and_the_failure_logged(
    world, client, smtp_server, django_capture_on_commit_callbacks, settings, caplog, fault
):
    settings.HEFT_TASK_ATTEMPTS = 3
    if fault == "stopped":
        smtp_server.controller.stop()
    smtp_server.refusing = True
    with (
        caplog.at_level(logging.WARNING, logger="heft.core.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        plist = submit_preferences(client, world)
    assert plist.status == PreferenceList.Status.SUBMITTED
    assert list(plist.window.preferences.values_list("rotation__code", flat=True)) == [world.rotation_a.code]
    assert AuditEvent.objects.filter(verb="preferences.submitted").count() == 1
    assert smtp_server.received() == []
    assert smtp_server.tries == (3 if fault == "refusing" else 0)  # every attempt reached the server
    logged = [r.getMessage() for r in caplog.records]
    assert sum("send_preference_receipt failed (attempt" in m for m in logged) == 2
    assert any("send_preference_receipt failed on its last attempt (3 of 3)" in m for m in logged)


# --- background tasks on the database backend, with the real worker ----------------------------------------


@pytest.fixture
def database_tasks(settings):
    """Tasks as in production: stored in the database and run by django-tasks-db's worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.HEFT_TASK_FIRST_RETRY_SECONDS = 60


def run_worker() -> None:
    """The task worker, run in process until no task is due (`manage.py db_worker --batch`)."""
    Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
    ).run()  # fmt: skip


def receipts() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=RECEIPT_TASK).order_by("enqueued_at"))


def attempt_of(result: DBTaskResult) -> int:
    return result.args_kwargs["kwargs"].get("attempt", 1)


def task_page(result: DBTaskResult) -> str:
    return reverse("admin:django_tasks_database_dbtaskresult_change", args=[result.pk])


def time_passes(until) -> None:
    """What waiting does: the retry falls due."""
    DBTaskResult.objects.filter(status="READY").update(run_after=until)


@pytest.mark.django_db(transaction=True)
def test_a_receipt_is_queued_in_the_saves_own_transaction_and_rolls_back_with_it(world, database_tasks):
    window = make_window(world.scheme_a)
    trainee_user = world.user("trainee")

    def save():
        services.preferences_save(
            window_id=window.pk, trainee=world.trainee_a, rotation_codes=[world.rotation_a.code],
            submit=True, by=trainee_user,
        )  # fmt: skip

    with transaction.atomic():
        save()
        # Queued before the commit, in the same transaction: a crash after the commit cannot lose it.
        assert len(receipts()) == 1
        transaction.set_rollback(True)  # the change does not happen, so neither does its email
    assert receipts() == []
    assert not PreferenceList.objects.filter(window=window).exists()

    save()
    [queued] = receipts()
    assert queued.status == "READY"
    assert PreferenceList.objects.get(window=window).version == 1


@pytest.mark.django_db(transaction=True)
def test_a_failed_task_is_retried_later_and_admins_see_the_failure(
    world, client, smtp_server, database_tasks, client_for
):
    smtp_server.refusing = True
    plist = submit_preferences(client, world)
    [queued] = receipts()
    assert queued.status == "READY"  # the change is saved; the email waits for the worker

    run_worker()
    first, retry = receipts()
    assert (first.status, attempt_of(first)) == ("FAILED", 1)
    assert first.exception_class_path == "smtplib.SMTPDataError"
    assert (retry.status, attempt_of(retry)) == ("READY", 2)
    assert retry.run_after - first.finished_at == pytest.approx(
        timedelta(seconds=60), abs=timedelta(seconds=5)
    )
    run_worker()  # not due yet: nothing runs
    assert [r.status for r in receipts()] == ["FAILED", "READY"]

    admin = client_for("national_admin")
    listing = admin.get(
        reverse("admin:django_tasks_database_dbtaskresult_changelist") + "?status__exact=FAILED"
    )
    assert listing.status_code == 200
    assert "send_preference_receipt" in listing.content.decode()
    failure = admin.get(task_page(first)).content.decode()
    assert "SMTPDataError" in failure
    assert "Mail system unavailable" in failure  # the traceback: why
    retry_page = admin.get(task_page(retry)).content.decode()
    assert "&quot;attempt&quot;: 2" in retry_page

    smtp_server.refusing = False  # the mail server is back
    time_passes(timezone.now())
    run_worker()
    assert [(r.status, attempt_of(r)) for r in receipts()] == [("FAILED", 1), ("SUCCESSFUL", 2)]
    [(recipients, content)] = smtp_server.received()
    assert recipients == [world.trainee_a.email]
    assert "preferences were received" in content
    plist.refresh_from_db()
    assert plist.status == PreferenceList.Status.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_a_task_that_keeps_failing_stops_after_its_attempts_with_growing_waits(
    world, client, smtp_server, database_tasks, settings
):
    settings.HEFT_TASK_ATTEMPTS = 4
    smtp_server.controller.stop()  # down for good
    submit_preferences(client, world)
    waits = []
    for _ in range(6):  # more rounds than attempts: the last attempt enqueues nothing
        run_worker()
        due = DBTaskResult.objects.filter(status="READY").first()
        if due is None:
            break
        latest_failure = DBTaskResult.objects.filter(status="FAILED").latest("finished_at")
        waits.append(round((due.run_after - latest_failure.finished_at).total_seconds() / 60))
        time_passes(timezone.now())
    results = receipts()
    assert [(r.status, attempt_of(r)) for r in results] == [("FAILED", n) for n in (1, 2, 3, 4)]
    assert waits == [1, 2, 4]  # minutes: doubling each time
    assert all(r.exception_class_path == "builtins.ConnectionRefusedError" for r in results)
    assert [retry_wait(n, timedelta(minutes=1)) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in waits]
