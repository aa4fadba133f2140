from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "heft.community"
    label = "community"
