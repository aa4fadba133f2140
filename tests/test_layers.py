"""scripts/lint_layers.py, run by `make lint` and here: imports run down the layers, never round a loop."""

import importlib.util
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "lint_layers.py"
spec = importlib.util.spec_from_file_location("lint_layers", SCRIPT)
lint = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = lint
spec.loader.exec_module(lint)


def package_with(tmp_path: Path, files: dict[str, str]) -> Path:
    """A throwaway `heft` package holding `files` (paths inside it, source)."""
    package = tmp_path / "heft"
    for name, source in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    return package


def test_the_apps_import_only_down_the_layers_and_without_a_cycle():
    assert lint.check() == []


def test_no_import_is_allowed_to_run_upward():
    assert lint.allowed_entries() == set()


def test_every_app_has_a_layer():
    apps = {path.parent.name for path in lint.PACKAGE.glob("*/__init__.py")}
    assert apps <= set(lint.LEVEL), sorted(apps - set(lint.LEVEL))


def test_an_upward_import_inside_a_function_is_found(tmp_path):
    package = package_with(
        tmp_path,
        {"trainees/services.py": "def record():\n    from heft.preferencing import services\n"},
    )
    problems = lint.check(package, allowed=set())
    assert problems == [
        "heft.trainees.services:2: imports heft.preferencing, a higher layer (preferencing above trainees)"
    ]


def test_an_import_by_module_name_string_is_found(tmp_path):
    package = package_with(
        tmp_path,
        {"core/loader.py": "import importlib\nimportlib.import_module('heft.demo.world')\n"},
    )
    problems = lint.check(package, allowed=set())
    assert problems == ["heft.core.loader:2: imports heft.demo.world, a higher layer (demo above core)"]


def test_two_apps_of_one_layer_importing_each_other_are_a_cycle(tmp_path):
    package = package_with(
        tmp_path,
        {
            "people/services.py": "from heft.setup import selectors\n",
            "setup/selectors.py": "from heft.people.services import invite\n",
        },
    )
    assert lint.check(package, allowed=set()) == ["cycle: people -> setup -> people"]


def test_an_allowed_import_is_passed_and_a_stale_one_must_come_off_the_list(tmp_path):
    package = package_with(tmp_path, {"core/admin.py": "from heft.accounts.permissions import Perm\n"})
    allowed = {"heft.core.admin -> heft.accounts.permissions", "heft.core.views -> heft.accounts.access"}
    problems = lint.check(package, allowed=allowed)
    assert problems == [
        "heft.core.views -> heft.accounts.access: no longer imported, take it off lint_layers_allowed.txt"
    ]


def test_settings_and_urls_beside_the_apps_may_import_any_app(tmp_path):
    package = package_with(tmp_path, {"urls.py": "from heft.api.api import api_urls\n"})
    assert lint.check(package, allowed=set()) == []
