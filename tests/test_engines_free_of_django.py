"""heft/engines holds pure computation: importing Django there would tie the rules to the framework."""

import ast
from pathlib import Path

ENGINES = Path(__file__).resolve().parent.parent / "heft" / "engines"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_engines_import_no_django():
    offenders = {
        str(path.relative_to(ENGINES)): sorted(
            m for m in imported_modules(path) if m.split(".")[0] == "django"
        )
        for path in ENGINES.rglob("*.py")
    }
    assert {path: mods for path, mods in offenders.items() if mods} == {}


def test_engines_import_nothing_from_the_app():
    app_imports = {
        str(path.relative_to(ENGINES)): sorted(
            m for m in imported_modules(path) if m.startswith("heft.") and not m.startswith("heft.engines")
        )
        for path in ENGINES.rglob("*.py")
    }
    assert {path: mods for path, mods in app_imports.items() if mods} == {}
