"""The floor's settings (bench/rush_floor_app.py): the app's, for the same database and connection reuse,
with the floor's URLs and no middleware. django-allauth is left out: it refuses to start without its
middleware, and the floor signs no one in."""

from heft.settings import *  # noqa: F403
from heft.settings import INSTALLED_APPS

ROOT_URLCONF = "bench.rush_floor_app"
MIDDLEWARE: list[str] = []
INSTALLED_APPS = [app for app in INSTALLED_APPS if not app.startswith("allauth")]
