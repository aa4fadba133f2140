from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "heft.privacy"
    label = "privacy"
    verbose_name = "Data protection"
