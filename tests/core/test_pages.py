import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse


def test_health_reports_the_database(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


class UnreachableDatabase:
    def cursor(self):
        raise connection.Database.OperationalError("the database has gone away")


def test_health_is_503_when_the_database_fails(client, db, monkeypatch):
    monkeypatch.setattr("heft.home.health.connection", UnreachableDatabase())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_home_page_explains_heft_and_its_caveats(client, db):
    body = client.get(reverse("home")).content.decode()
    assert "Health Equity Focussed Training" in body
    assert "Nothing is guaranteed" in body
    assert 'href="#maincontent"' in body  # skip link


def test_404_page_uses_the_service_design(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "nhsuk-header" in response.content.decode()


def test_403_page_uses_the_service_design(world, client_for):
    response = client_for("trainee").get(reverse("trainees:trainee_list"))
    assert response.status_code == 403
    assert "You do not have permission" in response.content.decode()


@override_settings(DEBUG=False)
def test_500_page_draws_without_the_database(rf, db):
    from heft.core.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "problem with the service" in response.content.decode()


@pytest.mark.parametrize("role", ["national_admin", "trainee"])
def test_signed_in_home_names_the_role(world, client_for, role):
    body = client_for(role).get(reverse("home")).content.decode()
    assert {"national_admin": "National admin", "trainee": "Trainee"}[role] in body


def test_security_headers(client, db):
    response = client.get(reverse("home"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp


def test_inline_script_carries_the_csp_nonce(client, db):
    response = client.get(reverse("home"))
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.content.decode()
