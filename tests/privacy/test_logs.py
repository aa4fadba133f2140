"""Logs hold no personal data or secrets: emails, GMC numbers, authenticator codes, API and calendar feed
tokens and query strings are masked in every line, whichever logger writes it."""

import io
import logging
import threading
import urllib.error
import urllib.request

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.test import Client

from heft.accounts.services import api_token_create, api_token_revoke
from heft.privacy.logs import RedactPersonalData, redact
from heft.teaching.services import calendar_token_create

PYTEST_HANDLERS = {
    "LogCaptureHandler",
    "_LiveLoggingNullHandler",
    "_FileHandler",
    "_LiveLoggingStreamHandler",
}


def configured_handlers() -> list[logging.Handler]:
    """Every handler on every logger that writes anywhere, apart from the ones pytest adds to capture logs."""
    loggers = [logging.getLogger(), *logging.root.manager.loggerDict.values()]
    handlers = {
        handler
        for logger in loggers
        if isinstance(logger, logging.Logger)
        for handler in logger.handlers
        if type(handler).__name__ not in PYTEST_HANDLERS and not isinstance(handler, logging.NullHandler)
    }
    return sorted(handlers, key=id)


def test_every_handler_masks_personal_data():
    handlers = configured_handlers()
    assert handlers, "no log handler is configured"
    unmasked = [h for h in handlers if not any(isinstance(f, RedactPersonalData) for f in h.filters)]
    assert unmasked == []


@pytest.mark.parametrize(
    "line,secret",
    [
        ("Sign-in failed for jo.bloggs+heft@nhs.example.net", "jo.bloggs+heft@nhs.example.net"),
        ("Trainee 7654321 imported", "7654321"),
        ("Code 042913 refused", "042913"),
        (
            '"GET /teaching/calendar/trainee/Zx9_kPq-2mW8rTn4vLs7yB1cD0eF3gH5iJ6kL7m.ics HTTP/1.1" 200',
            "Zx9_kPq",
        ),
        ('"GET /trainees/?q=Smith&page=2 HTTP/1.1" 200', "Smith"),
        ("Authorization: Bearer heft_Qw3rTy8uIoP1aSdF", "heft_Qw3rTy8uIoP1aSdF"),
        ("token heft_abc-DEF_123 used", "heft_abc"),
        ("/accounts/password/reset/key/1f-bz7k3c:4a9b2e/", "bz7k3c"),
        ("a stray secret aB3dE6gH9jK2mN5pQ8sT1vW4 here", "aB3dE6gH9jK2mN5pQ8sT1vW4"),
    ],
)
def test_redact_masks(line, secret):
    assert secret not in redact(line)


def test_redact_keeps_what_is_harmless():
    line = (
        '"GET /practices/Y90001/ HTTP/1.1" 200 3141 — rotation ROT-A, session 12, why? a-long-news-slug-here'
    )
    assert redact(line) == line


def test_the_filter_masks_arguments_and_tracebacks():
    record = logging.LogRecord(
        "heft", logging.ERROR, __file__, 1, "Import by %s failed", ("a@example.org",), None
    )
    try:
        raise ValueError("duplicate email b@example.org")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert RedactPersonalData().filter(record) is True
    text = logging.Formatter().format(record)
    assert "a@example.org" not in text
    assert "b@example.org" not in text
    assert "Import by [email] failed" in text
    assert "ValueError: duplicate email [email]" in text


@pytest.fixture
def console_output():
    """What the configured console handler writes, for the length of a test."""
    handler = next(h for h in configured_handlers() if isinstance(h, logging.StreamHandler))
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


@pytest.fixture
def request_logging_server(transactional_db):
    """The development server's request handler (the one that logs every request line), on a free port."""
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler, ipv6=False)
    server.set_app(WSGIHandler())  # not heft.wsgi: that would set Django (and its logging) up again
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _fetch(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (a loopback test server)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _sign_in_with_codes(client, user, secret: str) -> list[str]:
    """Sign in through the real forms: a wrong authenticator code first, then the right one."""
    right = format_hotp_value(hotp_value(secret, int(__import__("time").time()) // 30))
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
    response = client.post("/accounts/login/", {"login": user.email, "password": "a-long-test-password"})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.post("/accounts/2fa/authenticate/", {"code": wrong}).status_code == 200
    assert client.post("/accounts/2fa/authenticate/", {"code": right}).status_code == 302
    return [right, wrong]


def test_sign_in_tokens_and_feeds_leave_nothing_personal_in_the_logs(
    world, client, caplog, console_output, request_logging_server
):
    caplog.set_level(logging.DEBUG)
    cache.clear()
    admin, trainee = world.user("national_admin"), world.trainee_a
    Authenticator.objects.filter(user=admin).delete()
    secret = generate_totp_secret()
    TOTP.activate(admin, secret)
    codes = _sign_in_with_codes(client, admin, secret)
    # API tokens: one used, one revoked and refused (401 is logged with its path).
    token, raw_token = api_token_create(name="laptop", by=admin)
    bearer = {"Authorization": f"Bearer {raw_token}"}
    assert Client().get("/api/v1/regions", headers=bearer).status_code == 200
    api_token_revoke(token=token, by=admin)
    assert Client().get("/api/v1/regions", headers=bearer).status_code == 401
    # Calendar feeds through the request-logging server: a live token, and one that is wrong (404).
    feed_token = calendar_token_create(trainee=trainee, by=world.user("trainee"))
    query = f"?email={trainee.email}&gmc={trainee.gmc_number}&code={codes[0]}"
    assert _fetch(f"{request_logging_server}/teaching/calendar/trainee/{feed_token}.ics{query}") == 200
    assert _fetch(f"{request_logging_server}/teaching/calendar/trainee/{feed_token}x.ics") == 404
    _fetch(f"{request_logging_server}/trainees/?q={trainee.gmc_number}")  # sent on to sign in

    console = console_output.getvalue()
    assert "Unauthorized: /api/v1/regions" in console  # what the configured handler wrote
    written = console + "\n" + caplog.text
    secrets = [
        admin.email,
        trainee.email,
        trainee.gmc_number,
        raw_token,
        feed_token,
        *codes,
        "a-long-test-password",
    ]
    assert [value for value in secrets if value in written] == []
    # The lines were logged, masked: the test would see the secrets if they were not.
    assert "Unauthorized: /api/v1/regions" in written
    assert "/teaching/calendar/trainee/[secret].ics?[query]" in written
    assert '/teaching/calendar/trainee/[secret].ics HTTP/1.1" 404' in written
    assert "/trainees/?[query]" in written
