"""Doing once, at install and deploy time, the work that is otherwise slow the first time something runs:
the allocation engine's numba kernels compiled into their on-disk cache (tens of seconds on a 2-core host),
matplotlib's font list built (charts), the Deep End rule's and the equity report's code paths run, and the
project's Python bytecode written. `manage.py warm_engines` runs every step; each is safe to repeat, and
a step whose cache is already warm is quick.

Where the caches live: numba's in `NUMBA_CACHE_DIR` when set, else beside the engine's source
(heft/engines/allocation/__pycache__); matplotlib's in `MPLCONFIGDIR` when set, else the user's cache. Both
must be writable by the app's processes too (numba refuses to load a cache it cannot write to, and
matplotlib rebuilds its font list in a temporary directory), so a server whose release is read-only sets
both to a directory of its own: docs/deploy.md.
"""

from __future__ import annotations

import compileall
import datetime
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import heft
from heft.engines import deprivation

ENGINE_PACKAGE = Path(heft.__file__).resolve().parent


@dataclass(frozen=True)
class Warmed:
    step: str
    seconds: float
    detail: str


class WarmupError(RuntimeError):
    """A cache could not be written, or the warm-up missed something it should have reached."""


def warm_everything() -> list[Warmed]:
    return [timed(step, warm) for step, warm in STEPS]


def timed(step: str, warm: Callable[[], str]) -> Warmed:
    started = time.perf_counter()
    detail = warm()
    return Warmed(step, time.perf_counter() - started, detail)


# --- the allocation engine ---------------------------------------------------------------------------------


def sample_problem(trainees: int = 12, rotations: int = 6) -> dict:
    """An invented problem with every feature the mechanisms read: ranked lists, a rotation's own priority
    list, a fixed place and current places, so that every kernel is compiled for the types the app gives."""
    rotation_ids = [f"R{r}" for r in range(rotations)]
    people = [
        {
            "id": f"T{t:02d}",
            "rank": t + 1,
            "preferences": [rotation_ids[(t + k) % rotations] for k in range(4)],
        }
        for t in range(trainees)
    ]
    return {
        "rotations": [{"id": r, "capacity": 2} for r in rotation_ids],
        "trainees": people,
        "rotation_priorities": {"R1": [p["id"] for p in reversed(people)]},
        "fixed": {"T00": "R5"},
        "current": {p["id"]: p["preferences"][1] for p in people[1:]},
    }


def run_every_mechanism() -> None:
    """Every mechanism once, with and without the fill pass, with metrics and explanations: numba loads
    each kernel the mechanisms call from its cache, or compiles it (and the kernels it calls) and saves it."""
    from heft.engines.allocation import MECHANISMS, parse_problem, solve

    for mechanism in MECHANISMS:
        for fill in (False, True):
            result = solve(parse_problem(sample_problem()), mechanism, seed=1, fill=fill)
            result.metrics, result.explanations  # noqa: B018 (computed when first read)


def warm_allocation() -> str:
    """Compile every kernel into the cache (or find it there), and check that each one the mechanisms call
    was reached and saved."""
    from heft.engines.allocation import _kernels

    run_every_mechanism()
    kernels = _entry_kernels(_kernels)
    missed = [name for name, kernel in kernels.items() if not kernel.signatures]
    if missed:
        raise WarmupError(
            f"No mechanism called these kernels, so they are not compiled: {', '.join(missed)}."
        )
    cache = Path(next(iter(kernels.values())).stats.cache_path)
    unsaved = [name for name in kernels if not list(cache.glob(f"_kernels.{name}-*.nbi"))]
    if unsaved:
        raise WarmupError(f"numba did not save these kernels in {cache}: {', '.join(unsaved)}.")
    loaded = sum(bool(kernel.stats.cache_hits) for kernel in kernels.values())
    return (
        f"{len(kernels)} kernels the mechanisms call, {loaded} of them loaded from the cache. Cache: {cache}"
    )


def _entry_kernels(module) -> dict:
    """The kernels the mechanisms call (the module's public ones). The private ones they call in turn are
    compiled into them, and cached with them."""
    from numba.core.registry import CPUDispatcher

    return {
        name: value
        for name, value in vars(module).items()
        if isinstance(value, CPUDispatcher) and not name.startswith("_")
    }


# --- charts, the Deep End rule and the equity report ------------------------------------------------------


def draw_a_chart() -> None:
    """A chart as the equity report draws them (the first one in a process loads the fonts and renderer)."""
    import matplotlib

    from heft.core.charts import grouped_bar_svg

    with matplotlib.rc_context({"svg.fonttype": "none"}):
        grouped_bar_svg(
            ["Q1", "Q2"], {"HEFT": [1.0, 2.0], "Not HEFT": [2.0, 1.0]}, title="", xlabel="", ylabel=""
        )


def warm_charts() -> str:
    """Draw a chart: matplotlib builds its font list into its cache the first time, which takes seconds."""
    import matplotlib

    draw_a_chart()
    font_lists = list(Path(matplotlib.get_cachedir()).glob("fontlist-*.json"))
    if not font_lists:
        raise WarmupError(f"matplotlib did not save its font list in {matplotlib.get_cachedir()}.")
    return f"Font list: {font_lists[0]}"


def warm_deprivation() -> str:
    """Rank invented practices under every kind of Deep End rule and work out invented trainees' exposure.
    Nothing of this outlives the process: it checks the engine runs here, while the bytecode written by
    warm_bytecode is what makes its first run in a new process quick."""
    measures = [deprivation.PracticeMeasure(n, float(n % 17), f"Region {n % 3}") for n in range(200)]
    rules = 0
    for measure in deprivation.deep_end.MEASURES:
        for method, top_n in (("decile", None), ("top_n", 10)):
            for per_region in (False, True):
                deprivation.apply_rule(deprivation.DeepEndRule(measure, method, top_n, per_region), measures)
                rules += 1
    start = datetime.date(2024, 8, 7)
    stints = [
        deprivation.Stint(
            n % 20, start, start + datetime.timedelta(days=181), 1.0, "gp", n % 2 == 0, n % 5 + 1
        )
        for n in range(100)
    ]
    exposure = deprivation.exposures(stints)
    deprivation.summarise(e.deep_end for e in exposure.values())
    return f"{rules} rules over {len(measures)} invented practices; the exposure of {len(exposure)} trainees"


def warm_bytecode() -> str:
    """Compile the project's modules to bytecode now, rather than in the first process to import each."""
    ok = compileall.compile_dir(ENGINE_PACKAGE, quiet=1, workers=os.cpu_count() or 1)
    if not ok:
        raise WarmupError(f"Some modules under {ENGINE_PACKAGE} could not be compiled.")
    return f"Modules under {ENGINE_PACKAGE}"


def warm_in_process() -> None:
    """Load into this process what the steps cached on disk: for a server's master process, before its
    workers fork from it (deploy/gunicorn.conf.py, on_starting), so that no worker's first allocation run
    or chart waits for it. About a second when the caches are warm; slow, but harmless, when they are not."""
    run_every_mechanism()
    draw_a_chart()


STEPS: list[tuple[str, Callable[[], str]]] = [
    ("Python bytecode", warm_bytecode),
    ("Allocation engine (numba)", warm_allocation),
    ("Deep End rule", warm_deprivation),
    ("Charts (matplotlib)", warm_charts),
]
