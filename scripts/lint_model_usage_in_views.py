#!/usr/bin/env python3
"""No ORM in views, API or forms: reads belong in selectors.py, writes and their transactions in services.py.

Scans the view modules (views*.py, *_views.py, views/ packages), the API modules (api.py, api_*.py) and the
form modules (forms*.py, *_forms.py) under heft/, but not modules named for selectors or services (such as
api_selectors.py), and prints each `file:line` that uses a model manager (`Model.objects`), builds a
queryset (`.filter()`, `.order_by()`, ...), fetches by model class (`get_object_or_404(Model, ...)`) or
opens a transaction (`transaction.atomic`). Exits 1 when any is found.

Files listed in scripts/lint_model_usage_allowed.txt are passed over, each with the reason written beside
it; an entry whose file no longer offends is reported, so the list only shrinks.

Usage: python scripts/lint_model_usage_in_views.py [--root DIR]
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ALLOW_LIST = Path(__file__).with_name("lint_model_usage_allowed.txt")

# Methods only querysets and model managers have. Left out: those other types share (dict.get, list.count,
# dict.update and the like: the real offences show up through the queryset they are chained on), and
# `.all()`, which builds nothing: it reads a relation the selector loaded (`profile.interests.all()`).
QUERYSET_METHODS = frozenset(
    {
        "aggregate",
        "annotate",
        "bulk_create",
        "bulk_update",
        "defer",
        "distinct",
        "exclude",
        "exists",
        "filter",
        "first",
        "get_or_create",
        "in_bulk",
        "last",
        "none",
        "only",
        "order_by",
        "prefetch_related",
        "select_for_update",
        "select_related",
        "update_or_create",
        "values_list",
    }
)
FETCH_HELPERS = frozenset({"get_object_or_404", "get_list_or_404"})
# Modules named like API modules that are themselves the read or write layer.
DATA_LAYER_WORDS = ("selectors", "services")


@dataclass(frozen=True, order=True)
class Offence:
    path: Path
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def is_checked_module(path: Path) -> bool:
    """Views, API and forms modules, by the names this project gives them."""
    stem = path.stem
    if any(word in stem for word in DATA_LAYER_WORDS):
        return False
    if "views" in path.parts[:-1]:
        return True
    for kind in ("views", "api", "forms"):
        if stem == kind or stem.startswith(f"{kind}_") or stem.endswith(f"_{kind}"):
            return True
    return False


def checked_modules(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*.py")):
        if {"__pycache__", "migrations"} & set(path.parts):
            continue
        if is_checked_module(path.relative_to(root)):
            yield path


def _names_a_model(node: ast.expr) -> bool:
    """`Session` or `models.Session`: a class name, by Python's naming convention."""
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name[:1].isupper()


def _fetches_by_model(call: ast.Call) -> bool:
    """`get_object_or_404(Trainee, ...)`; a queryset from a selector as the first argument is fine."""
    func = call.func
    return (
        isinstance(func, ast.Name)
        and func.id in FETCH_HELPERS
        and bool(call.args)
        and _names_a_model(call.args[0])
    )


def offences_in(source: str) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in ("objects", "atomic"):
            yield node.lineno, ast.unparse(node)  # Model.objects, transaction.atomic
        elif isinstance(node, ast.ImportFrom) and node.module == "django.db.transaction":
            if any(alias.name == "atomic" for alias in node.names):
                yield node.lineno, "import of atomic"
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr in QUERYSET_METHODS:
                yield node.lineno, f".{node.func.attr}()"
            elif _fetches_by_model(node):
                yield node.lineno, f"{node.func.id}({ast.unparse(node.args[0])}, ...)"


def find_offences(paths: Iterable[Path], relative_to: Path) -> list[Offence]:
    """One offence a line, naming everything found on it."""
    found: dict[tuple[Path, int], list[str]] = {}
    for path in paths:
        for line, what in offences_in(path.read_text(encoding="utf-8")):
            found.setdefault((path.relative_to(relative_to), line), []).append(what)
    return sorted(Offence(path, line, ", ".join(sorted(set(whats)))) for (path, line), whats in found.items())


def read_allow_list(path: Path) -> dict[str, str]:
    """`file  # why` a line; blank lines and lines starting with # are notes."""
    allowed = {}
    if not path.exists():
        return allowed
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, _, why = line.partition("#")
        if not why.strip():
            raise SystemExit(f"{path.name}:{number}: say why {name.strip()} is allowed (`file  # why`)")
        allowed[name.strip()] = why.strip()
    return allowed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO, help="the repository (its heft/ is scanned)")
    parser.add_argument("--allow-list", type=Path, default=ALLOW_LIST)
    args = parser.parse_args(argv)

    allowed = read_allow_list(args.allow_list)
    offences = find_offences(checked_modules(args.root / "heft"), args.root)
    reported = [o for o in offences if o.path.as_posix() not in allowed]
    stale = sorted(set(allowed) - {o.path.as_posix() for o in offences})

    for offence in reported:
        print(offence)
    for name in stale:
        print(f"{name}: no ORM left here; take it off {args.allow_list.name}")
    if reported:
        print(
            f"{len(reported)} line(s) with ORM in views, API or forms: move reads to selectors.py and writes "
            "(with their transaction) to services.py.",
            file=sys.stderr,
        )
    elif not stale:
        print(f"No ORM in views, API or forms ({len(allowed)} file(s) allowed for now).")
    return 1 if reported or stale else 0


if __name__ == "__main__":
    sys.exit(main())
