"""Layers run one way: an app imports only from apps in lower layers (or its own layer, without a cycle),
and function-level imports count as much as those at the top of a module.

    python scripts/lint_layers.py        # exit 1 listing each upward import and each cycle

The order is docs/adr/0009-layers.md's. The imports that still run upward while they are moved are listed
in scripts/lint_layers_allowed.txt ("module -> imported module", one per line); the list may only shrink:
an entry that no longer occurs fails too, so that it is taken off."""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "heft"
ALLOWED = Path(__file__).with_name("lint_layers_allowed.txt")

# Lowest first. An app may import from its own layer and those before it.
LAYERS: list[tuple[str, ...]] = [
    ("engines",),
    ("core", "audit"),  # audit: the recording, which imports no other app
    ("accounts",),
    ("audit_log",),  # the audit log's search page and admin, which ask accounts' permissions
    ("api_common",),
    ("programmes",),
    ("trainees",),
    ("practices",),
    ("preferencing", "teaching"),
    ("community", "content", "reports", "privacy", "people", "setup"),
    ("home",),
    ("api",),
    ("demo",),
]
LEVEL = {app: level for level, apps in enumerate(LAYERS) for app in apps}


def imported_modules(tree: ast.AST) -> Iterable[tuple[int, str]]:
    """Every module an import names, wherever the import stands (module, class or function body)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "heft":  # `from heft import trainees` names the app itself
                for alias in node.names:
                    yield node.lineno, f"heft.{alias.name}"
            else:
                yield node.lineno, node.module
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "heft" else None


def module_name(path: Path, package: Path) -> str:
    return ".".join(path.relative_to(package.parent).with_suffix("").parts).removesuffix(".__init__")


def cross_app_imports(package: Path = PACKAGE) -> list[tuple[str, int, str]]:
    """(importing module, line, imported module) for every import from one heft app into another."""
    found = []
    for path in sorted(package.rglob("*.py")):
        # Migrations are history; settings and urls, beside the apps, put the apps together.
        if "migrations" in path.parts or path.parent == package:
            continue
        source = module_name(path, package)
        for line, target in imported_modules(ast.parse(path.read_text(), str(path))):
            if app_of(target) and app_of(target) != app_of(source):
                found.append((source, line, target))
    return found


def upward(imports: list[tuple[str, int, str]]) -> list[str]:
    problems = []
    for source, line, target in imports:
        src, dst = app_of(source), app_of(target)
        if src not in LEVEL or dst not in LEVEL:
            unplaced = src if src not in LEVEL else dst
            problems.append(f"{source}:{line}: {unplaced} has no layer: add it to LAYERS")
        elif LEVEL[dst] > LEVEL[src]:
            problems.append(f"{source}:{line}: imports {target}, a higher layer ({dst} above {src})")
    return problems


def cycles(imports: list[tuple[str, int, str]]) -> list[str]:
    """Apps in one layer that import each other, directly or round a loop."""
    graph: dict[str, set[str]] = defaultdict(set)
    for source, _, target in imports:
        graph[app_of(source)].add(app_of(target))
    problems, done, path = [], set(), []

    def visit(app: str) -> None:
        if app in path:
            problems.append("cycle: " + " -> ".join(path[path.index(app) :] + [app]))
            return
        if app in done:
            return
        path.append(app)
        for other in sorted(graph[app]):
            visit(other)
        path.pop()
        done.add(app)

    for app in sorted(graph):
        visit(app)
    return problems


def allowed_entries() -> set[str]:
    lines = ALLOWED.read_text().splitlines() if ALLOWED.exists() else []
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def check(package: Path = PACKAGE, allowed: set[str] | None = None) -> list[str]:
    """Every problem as a line; none when the layers hold."""
    allowed = allowed_entries() if allowed is None else allowed
    imports = cross_app_imports(package)
    kept = [item for item in imports if f"{item[0]} -> {item[2]}" not in allowed]
    seen = {f"{source} -> {target}" for source, _, target in imports}
    stale = [f"{entry}: no longer imported, take it off {ALLOWED.name}" for entry in sorted(allowed - seen)]
    return upward(kept) + cycles(kept) + stale


def main() -> int:
    problems = check()
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
