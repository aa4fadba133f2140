"""One settings module: production refuses to start without its secrets, and says how to fix it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PRODUCTION_VARS = {
    "DJANGO_SECRET_KEY": "a-production-secret-that-is-long-and-random-enough-for-django-checks-0123",
    "DJANGO_ALLOWED_HOSTS": "heft.example.org",
    "DATABASE_URL": "sqlite:////tmp/heft-settings-test.sqlite3",
    "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "HEFT_SITE_URL": "https://heft.example.org",
}


def run_django(args: list[str], env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HEFT_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def test_production_is_the_default_and_needs_a_secret_key():
    result = run_django(["check"], {})
    assert result.returncode != 0
    assert "Set the environment variable DJANGO_SECRET_KEY" in result.stderr
    assert "secrets.token_urlsafe" in result.stderr  # the hint


def test_production_names_each_missing_variable():
    for missing in PRODUCTION_VARS:
        env = {"HEFT_ENVIRONMENT": "production", **PRODUCTION_VARS}
        del env[missing]
        result = run_django(["check"], env)
        assert f"Set the environment variable {missing}" in result.stderr, missing


def test_unknown_environment_is_refused():
    result = run_django(["check"], {"HEFT_ENVIRONMENT": "staging"})
    assert "HEFT_ENVIRONMENT='staging' is not known" in result.stderr


def test_deploy_check_is_clean_in_production():
    result = run_django(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {"HEFT_ENVIRONMENT": "production", **PRODUCTION_VARS},
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_debug_is_off_unless_asked_for():
    code = "from django.conf import settings; print(settings.DEBUG)"
    result = run_django(["shell", "-c", code], {"HEFT_ENVIRONMENT": "development"})
    assert result.stdout.strip().splitlines()[-1] == "False"
