from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ProgrammesConfig(AppConfig):
    name = "heft.programmes"
    label = "programmes"

    def ready(self):
        from heft.programmes.signals import restore_reference_catalogue

        post_migrate.connect(restore_reference_catalogue, sender=self)
