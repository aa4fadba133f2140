from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "heft.accounts"
    label = "accounts"

    def ready(self):
        from heft.accounts.signals import create_cache_table

        post_migrate.connect(create_cache_table, sender=self)
