"""scripts/lint_model_usage_in_views.py, run by `make lint`: no ORM in views, API or forms."""

import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "lint_model_usage_in_views.py"
spec = importlib.util.spec_from_file_location("lint_model_usage_in_views", SCRIPT)
lint = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = lint  # dataclasses look their module up
spec.loader.exec_module(lint)

OFFENDING = """\
from django.db import transaction
from django.shortcuts import get_object_or_404


def page(request, pk):
    sessions = TeachingSession.objects.all()
    mine = selectors.sessions_for(request.user).filter(kind="national")
    with transaction.atomic():
        pass
    return get_object_or_404(Trainee, pk=pk)
"""


@pytest.fixture
def tree(tmp_path):
    """A repository with one app; `write(path, source)` adds a module under heft/."""

    def write(path: str, source: str) -> Path:
        module = tmp_path / "heft" / path
        module.parent.mkdir(parents=True, exist_ok=True)
        module.write_text(textwrap.dedent(source))
        return module

    write.root = tmp_path
    return write


def run(tree, capsys, allow: str = "") -> tuple[int, list[str]]:
    allow_list = tree.root / "allowed.txt"
    allow_list.write_text(allow)
    code = lint.main(["--root", str(tree.root), "--allow-list", str(allow_list)])
    return code, capsys.readouterr().out.splitlines()


def test_each_kind_of_orm_use_in_a_view_is_reported_with_its_line(tree, capsys):
    tree("teaching/views.py", OFFENDING)

    code, lines = run(tree, capsys)

    assert lines == [
        "heft/teaching/views.py:6: TeachingSession.objects",
        "heft/teaching/views.py:7: .filter()",
        "heft/teaching/views.py:8: transaction.atomic",
        "heft/teaching/views.py:10: get_object_or_404(Trainee, ...)",
    ]
    assert code == 1


@pytest.mark.parametrize(
    "path",
    ["app/views/sessions.py", "app/views_staff.py", "app/api.py", "app/forms_posts.py", "app/offer_forms.py"],
)
def test_views_api_and_forms_modules_are_all_checked(tree, capsys, path):
    tree(path, "rows = Row.objects.order_by('name')\n")

    code, _ = run(tree, capsys)

    assert code == 1


@pytest.mark.parametrize(
    "path", ["app/selectors.py", "app/services.py", "app/api_selectors.py", "app/models.py"]
)
def test_the_read_and_write_layers_may_use_the_orm(tree, capsys, path):
    tree(path, OFFENDING)

    code, _ = run(tree, capsys)

    assert code == 0


def test_a_queryset_from_a_selector_may_be_fetched_from_by_key(tree, capsys):
    tree("app/views.py", "session = get_object_or_404(selectors.sessions_for(user), pk=pk)\n")

    code, _ = run(tree, capsys)

    assert code == 0


def test_an_allowed_file_is_passed_over(tree, capsys):
    tree("app/views.py", OFFENDING)

    code, _ = run(tree, capsys, allow="heft/app/views.py  # moved when the other work lands\n")

    assert code == 0


def test_an_allowed_file_with_no_orm_left_must_come_off_the_list(tree, capsys):
    tree("app/views.py", "def page(request):\n    return None\n")

    code, lines = run(tree, capsys, allow="heft/app/views.py  # moved when the other work lands\n")

    assert lines == ["heft/app/views.py: no ORM left here; take it off allowed.txt"]
    assert code == 1


def test_an_allowed_file_needs_a_reason(tree, capsys):
    tree("app/views.py", OFFENDING)

    with pytest.raises(SystemExit, match="say why heft/app/views.py is allowed"):
        run(tree, capsys, allow="heft/app/views.py\n")
