from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "heft.practices"
    label = "practices"
