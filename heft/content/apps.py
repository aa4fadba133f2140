from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "heft.content"
    label = "content"
