from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The signed-in home page: each person's next steps for every role they hold, gathered from the apps
    below it (layer 11 of docs/architecture.md); the header menu and the health check. Only heft/urls.py
    imports it, and settings names its context processors."""

    name = "heft.home"
    label = "home"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from heft.home.signals import remember_previous_sign_in

        # Connected before django.contrib.auth's own receiver (this app comes first in INSTALLED_APPS),
        # so it reads last_login before that receiver stamps the new sign-in on it.
        user_logged_in.connect(remember_previous_sign_in, dispatch_uid="heft_remember_previous_sign_in")
