from django.apps import AppConfig


class TeachingConfig(AppConfig):
    name = "heft.teaching"
    label = "teaching"
