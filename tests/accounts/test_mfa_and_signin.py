from django.urls import reverse

from tests import factories as f


def test_staff_without_an_authenticator_must_set_one_up(db, client):
    lead = f.RoleFactory(role="regional_lead", region=f.RegionFactory()).user
    client.force_login(lead)
    response = client.get(reverse("programmes:rotation_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_trainee_without_an_authenticator_is_not_forced(db, client):
    trainee = f.RoleFactory(role="trainee").user
    client.force_login(trainee)
    assert client.get(reverse("programmes:rotation_list")).status_code == 200


def test_sign_in_asks_staff_for_a_code(world, client):
    response = client.post(
        reverse("account_login"), {"login": "national_admin@example.org", "password": "a-long-test-password"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("programmes:rotation_list")).status_code == 302  # not signed in yet


def test_admin_sign_in_goes_through_two_factor_sign_in(db, client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_sign_up_is_closed(db, client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.org",
            "password1": "a-long-test-password",
            "password2": "a-long-test-password",
        },
    )
    assert "closed" in response.content.decode().lower()
    from heft.accounts.models import User

    assert not User.objects.filter(email="new@example.org").exists()


def test_trainee_navigation_has_no_staff_items(world, client_for):
    body = client_for("trainee").get(reverse("home")).content.decode()
    assert "My training" in body
    assert f'href="{reverse("trainees:trainee_list")}"' not in body
    assert "/admin/" not in body
