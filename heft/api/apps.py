from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "heft.api"
    label = "api"
