from django.apps import AppConfig


class TraineesConfig(AppConfig):
    name = "heft.trainees"
    label = "trainees"
