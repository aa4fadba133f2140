from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "heft.accounts"
    label = "accounts"
