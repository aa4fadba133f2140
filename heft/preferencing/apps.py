from django.apps import AppConfig


class PreferencingConfig(AppConfig):
    name = "heft.preferencing"
    label = "preferencing"
