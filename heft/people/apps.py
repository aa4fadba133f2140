from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """Who works in HEFT Hub: invitations, staff roles and the page where an invited person sets their
    password. It gathers accounts (sign-ins, roles) with what a role needs elsewhere (a mentor's profile)."""

    name = "heft.people"
    label = "people"
