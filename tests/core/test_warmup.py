"""`manage.py warm_engines` fills the caches that make first runs quick (numba's compiled kernels and
matplotlib's font list) where the app's environment says, and a new process then loads the kernels."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from heft.core import warmup
from heft.engines.allocation import _kernels

REPOSITORY = Path(__file__).resolve().parents[2]
ENTRY_KERNELS = set(warmup._entry_kernels(_kernels))  # serial_dictatorship, rank_maximal, ...


def warm_engines(caches: Path) -> subprocess.CompletedProcess:
    """The command in a new process, with its caches in `caches` (as NUMBA_CACHE_DIR and MPLCONFIGDIR)."""
    environment = os.environ | {
        "NUMBA_CACHE_DIR": str(caches / "numba"),
        "MPLCONFIGDIR": str(caches / "matplotlib"),
        "HEFT_ENVIRONMENT": "test",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "warm_engines"],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_the_command_compiles_every_kernel_into_the_cache_and_a_new_process_loads_them(tmp_path):
    first = warm_engines(tmp_path)
    assert first.returncode == 0, first.stderr
    assert {"serial_dictatorship", "deferred_acceptance", "rank_maximal"} <= ENTRY_KERNELS
    indexes = {path.name.split("-")[0] for path in (tmp_path / "numba").rglob("_kernels.*.nbi")}
    assert {f"_kernels.{name}" for name in ENTRY_KERNELS} <= indexes
    assert list((tmp_path / "numba").rglob("_kernels.rank_maximal-*.nbc"))  # the compiled code itself
    assert list((tmp_path / "matplotlib").glob("fontlist-*.json"))
    count = len(ENTRY_KERNELS)
    assert f"{count} kernels the mechanisms call, 0 of them loaded from the cache" in first.stdout
    assert str(tmp_path / "numba") in first.stdout  # it says where the cache is

    again = warm_engines(tmp_path)
    assert again.returncode == 0, again.stderr
    assert f"{count} kernels the mechanisms call, {count} of them loaded from the cache" in again.stdout


def test_a_kernel_no_mechanism_calls_is_reported(monkeypatch):
    class Uncalled:
        signatures: list = []

    monkeypatch.setattr(warmup, "run_every_mechanism", lambda: None)
    monkeypatch.setattr(warmup, "_entry_kernels", lambda module: {"new_kernel": Uncalled()})
    with pytest.raises(warmup.WarmupError, match="No mechanism called these kernels.*new_kernel"):
        warmup.warm_allocation()


def test_the_sample_problem_reaches_every_mechanism():
    from heft.engines.allocation import MECHANISMS, parse_problem, solve

    for mechanism in MECHANISMS:
        result = solve(parse_problem(warmup.sample_problem()), mechanism, seed=1, fill=True)
        assert result.assignments["T00"] == "R5"  # the fixed place is kept
