from django.apps import AppConfig


class SetupConfig(AppConfig):
    """The pages programme teams set up and keep their programme with: regions, schools and schemes, the
    post catalogue, posts, rotations and their bulk upload. It gathers the programme structure and the
    practice list; the writes themselves are heft.programmes' services."""

    name = "heft.setup"
    label = "setup"
