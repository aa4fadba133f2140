from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "heft.programmes"
    label = "programmes"
