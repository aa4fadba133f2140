"""The rotation pages of set-up: the builder (a new rotation, or a change to one) and the yearly copy of
an intake's rotations to the next. Rotations outside the person's schemes answer 404 like absent ones.

The builder is one form posted back to itself: "Check rotation" shows the timeline and the engine's
checks without saving, "Add another post" and "Remove post N" change the rows, "Save rotation" saves
(errors stop it; warnings do not). With htmx, the checks are posted again as fields change and only the
checks panel is swapped; without JavaScript every button works as a plain form submission."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from heft.accounts.access import requires
from heft.accounts.permissions import Perm
from heft.programmes.models import Rotation, TrainingScheme
from heft.programmes.selectors import (
    intake_copy_plan,
    intakes_managed_by,
    next_rotation_code,
    posts_managed_by,
    rotation_managed_by,
    schemes_with_regions_managed_by,
)
from heft.programmes.services import rotation_save, rotations_copy_to_intake
from heft.setup.forms_rotations import (
    IntakeCopyForm,
    RotationChecks,
    RotationDetailsForm,
    RotationStartForm,
    SlotRows,
    next_intake,
)

READ_WRITE = ["GET", "HEAD", "POST"]
CHECKS_PARTIAL = "setup/_rotation_checks.jinja"


# --- the builder --------------------------------------------------------------------------------------------


@requires(Perm.MANAGE_PROGRAMMES)
@require_http_methods(READ_WRITE)
def rotation_new(request):
    """A new rotation for ?scheme=<code>&intake=YYYY-MM; without them, first the question of which."""
    partial = request.headers.get("HX-Request") == "true"
    schemes = schemes_with_regions_managed_by(request.user)
    code = request.GET.get("scheme", "")
    scheme = next((s for s in schemes if s.code == code), None)
    if code and scheme is None:
        raise Http404  # a scheme the person does not manage looks absent
    start = _start_form(request, schemes)
    if not start.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(
            request, "setup/rotation_start.jinja", {"form": start, "schemes": schemes}, status=status
        )
    return _builder(
        request, scheme=scheme, intake=start.cleaned_data["intake"], rotation=None, partial=partial
    )


@requires(Perm.MANAGE_PROGRAMMES)
@require_http_methods(READ_WRITE)
def rotation_edit(request, code: str):
    partial = request.headers.get("HX-Request") == "true"
    rotation = _or_404(rotation_managed_by, request.user, code)
    return _builder(
        request, scheme=rotation.scheme, intake=rotation.intake, rotation=rotation, partial=partial
    )


def _start_form(request, schemes) -> RotationStartForm:
    """Bound to the address once it names an intake (a POST without them is refused: nothing to build)."""
    if request.method == "POST" and "intake" not in request.GET:
        return RotationStartForm({}, schemes=schemes)
    if "intake" in request.GET:
        return RotationStartForm(request.GET, schemes=schemes)
    only = schemes[0].code if len(schemes) == 1 else ""
    return RotationStartForm(initial={"scheme": request.GET.get("scheme") or only}, schemes=schemes)


@dataclass
class BuilderPage:
    """What the builder shows after a request: the forms, the checks, and what to say about them."""

    details: RotationDetailsForm
    rows: SlotRows
    checks: RotationChecks
    problems: list[tuple[str, str]] = field(default_factory=list)  # (id of the field to fix, message)
    problem_title: str = "There is a problem"
    show_detail_errors: bool = False
    show_row_errors: bool = False
    checked: bool = False  # the person asked for the checks (or to save): say what they found
    focus: str = ""  # the id of the field to start on, after adding or removing a row


def _builder(request, *, scheme: TrainingScheme, intake: str, rotation: Rotation | None, partial: bool):
    posts = list(posts_managed_by(request.user, scheme_code=scheme.code))
    posted = request.method == "POST"
    suggested = rotation.code if rotation else next_rotation_code(scheme, intake)
    details = RotationDetailsForm(
        request.POST if posted else None, rotation=rotation, suggested_code=suggested
    )
    if posted:
        rows = SlotRows(request.POST, posts)
    else:
        rows = SlotRows.saved(rotation.slots.all(), posts) if rotation else SlotRows.blank(posts)
    action = request.POST.get("action", "save") if posted else "show"
    page = _act(action, details, rows)
    if action == "save" and not page.problems:
        try:
            values = {**page.details.values(), "scheme": scheme, "intake": intake}
            saved = rotation_save(
                rotation=rotation, values=values, slots=page.rows.slot_values(), by=request.user
            )
        except ValidationError as error:
            page.problems = _service_problems(error, page)
        else:
            messages.success(request, _saved_message(saved, page.checks))
            return redirect("programmes:rotation_detail", code=saved.code)
    context = {
        "page": page,
        "scheme": scheme,
        "intake": intake,
        "rotation": rotation,
        "action_url": request.get_full_path(),
        "partial": partial,
    }
    if partial and action == "check":
        return render(request, CHECKS_PARTIAL, context)
    return render(
        request,
        "setup/rotation_builder.jinja",
        context,
        status=400 if page.problems and action == "save" else 200,
    )


def _act(action: str, details: RotationDetailsForm, rows: SlotRows) -> BuilderPage:
    """Apply the button pressed to the rows, and say what the page shows next."""
    if action == "add":
        rows = rows.with_row_added()
        return BuilderPage(details, rows, rows.checks(), focus=rows.forms[-1]["training_year"].auto_id)
    if action.startswith("remove:"):
        index = _index(action, len(rows))
        rows = rows.without_row(index) if index is not None else rows
        focus = (
            rows.forms[min(index or 0, len(rows) - 1)]["training_year"].auto_id if len(rows) else "add-row"
        )
        return BuilderPage(details, rows, rows.checks(), focus=focus)
    checks = rows.checks()
    if action == "show":
        return BuilderPage(details, rows, checks)
    page = BuilderPage(details, rows, checks, show_row_errors=True, checked=True)
    page.problems = _row_problems(rows) + _check_problems(rows, checks)
    if action == "check":
        page.problem_title = "This rotation cannot be saved yet"
    else:
        page.show_detail_errors = True
        page.problems = _detail_problems(details) + page.problems
    return page


def _index(action: str, count: int) -> int | None:
    number = action.partition(":")[2]
    return int(number) if number.isdigit() and int(number) < count else None


def _detail_problems(details: RotationDetailsForm) -> list[tuple[str, str]]:
    return [
        (details[name].auto_id, errors[0])
        for name, errors in details.errors.items()
        if name in details.fields
    ]


def _row_problems(rows: SlotRows) -> list[tuple[str, str]]:
    return [
        (row[name].auto_id, errors[0])
        for row in rows
        for name, errors in row.errors.items()
        if name in row.fields
    ]


def _check_problems(rows: SlotRows, checks: RotationChecks) -> list[tuple[str, str]]:
    """The engine's errors, each linking to the first post it is about."""
    if any(row.errors for row in rows):
        return []  # incomplete rows are left out of the checks: their errors come first
    problems = []
    for finding in checks.errors:
        index = checks.row_of(finding)
        if index is None:
            index = 0 if len(rows) else None
        problems.append(
            (rows.forms[index]["post"].auto_id if index is not None else "add-row", finding.message)
        )
    return problems


def _service_problems(error: ValidationError, page: BuilderPage) -> list[tuple[str, str]]:
    """What the service refused that the page did not foresee (a code taken a moment ago, say)."""
    problems = []
    for name, messages_ in getattr(error, "message_dict", {"": error.messages}).items():
        target = page.details[name].auto_id if name in page.details.fields else ""
        problems += [(target, message) for message in messages_]
    return problems


def _saved_message(rotation: Rotation, checks: RotationChecks) -> str:
    warnings = len(checks.warnings)
    if not warnings:
        return f"Rotation {rotation.code} saved."
    plural = "" if warnings == 1 else "s"
    return f"Rotation {rotation.code} saved, with {warnings} warning{plural} to look at below."


# --- the yearly copy ----------------------------------------------------------------------------------------


@requires(Perm.MANAGE_PROGRAMMES)
@require_http_methods(READ_WRITE)
def rotation_copy(request):
    """GET: choose the scheme and intakes, and see what copying would do; POST: copy, and show what was made.
    Running it again adds only what is missing."""
    schemes = schemes_with_regions_managed_by(request.user)
    data = request.POST if request.method == "POST" else (request.GET if "scheme" in request.GET else None)
    code = (data or {}).get("scheme")
    if code and code not in {s.code for s in schemes}:
        raise Http404  # a scheme the person does not manage looks absent
    form = IntakeCopyForm(
        data,
        schemes=schemes,
        intakes=intakes_managed_by(request.user),
        initial=_copy_initial(request, schemes),
    )
    if not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(
            request, "setup/rotation_copy.jinja", {"form": form, "has_schemes": bool(schemes)}, status=status
        )
    scheme = next(s for s in schemes if s.code == form.cleaned_data["scheme"])
    from_intake, to_intake = form.cleaned_data["from_intake"], form.cleaned_data["to_intake"]
    context = {
        "form": form,
        "has_schemes": True,
        "scheme": scheme,
        "from_intake": from_intake,
        "to_intake": to_intake,
    }
    if request.method == "POST":
        try:
            copies = rotations_copy_to_intake(
                scheme=scheme, from_intake=from_intake, to_intake=to_intake, by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
            context["plan"] = intake_copy_plan(scheme, from_intake, to_intake)
            return render(request, "setup/rotation_copy.jinja", context, status=400)
        context["copies"] = copies
    context["plan"] = intake_copy_plan(scheme, from_intake, to_intake)
    return render(request, "setup/rotation_copy.jinja", context)


def _copy_initial(request, schemes) -> dict:
    intakes = intakes_managed_by(request.user)
    initial = {"scheme": schemes[0].code if len(schemes) == 1 else ""}
    if intakes:
        initial |= {"from_intake": intakes[0], "to_intake": next_intake(intakes[0])}
    return initial


def _or_404(read, *args):
    try:
        return read(*args)
    except ObjectDoesNotExist:
        raise Http404 from None
