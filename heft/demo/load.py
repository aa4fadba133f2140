"""The whole demo load: the world first, then each app's demo data, in one transaction."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction
from faker import Faker

from heft.demo import community, content, national, preferencing, teaching, trainees, world
from heft.demo.world import DemoWorld, demo_faker
from heft.reports.exposure_store import exposure_refresh

# Each module has STEPS, a list of (label, build(fake, world)) run after the world's, and MODELS, the models
# whose rows it writes (for the counts). Order matters: later modules read what earlier ones wrote
# (community's meetings go in the teaching years that teaching builds).
APP_MODULES = (preferencing, teaching, trainees, community, content)
# Sizes for --scale: the demo as it is, or the demo inside a fictional England (national.py's factor).
SCALES = {"demo": None, "national": 1.0}


def demo_steps(factor: float | None = None) -> list[tuple[str, Callable[[Faker, DemoWorld], None]]]:
    """The steps in order. With a factor, the national world is built right after the demo's world (so the
    demo's own steps that read the whole database see the same rows on every load), and its teaching last.
    """
    app_steps = [step for module in APP_MODULES for step in module.STEPS]
    if not factor:
        return [*world.world_steps(), *app_steps]
    england = national.National(factor=factor)
    return [*world.world_steps(), *england.world_steps(), *app_steps, *england.teaching_steps()]


def demo_counts() -> dict[str, int]:
    from allauth.mfa.models import Authenticator

    models_ = [*world.DEMO_MODELS, *(model for module in APP_MODULES for model in module.MODELS)]
    counts = {str(model._meta.verbose_name_plural): model.objects.count() for model in models_}
    counts["TOTP authenticators"] = Authenticator.objects.filter(type=Authenticator.Type.TOTP).count()
    return counts


def load_demo_data(
    *, on_step: Callable[[str], None] | None = None, factor: float | None = None
) -> dict[str, int]:
    """Load (or refresh) all the demo data in one transaction; returns the row counts afterwards.

    on_step is called with each step's label before it runs. With a factor, the demo comes inside a
    fictional England of that size (1.0 is national size, see heft/demo/national.py).
    """
    demo_world = DemoWorld()
    with transaction.atomic():
        for label, build in demo_steps(factor):
            if on_step:
                on_step(label)
            build(demo_faker(build.__name__), demo_world)
        counts = demo_counts()
        exposure_refresh()  # the equity report's stored figures, so its first read has none to compute
    gather_planner_statistics()
    return counts


def gather_planner_statistics() -> None:
    """ANALYZE after the bulk load: until autovacuum's next pass (never, where it is off) the planner
    would guess the new tables' sizes and choose nested loops that take seconds at national size."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
