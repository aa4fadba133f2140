"""Programme team pages: windows, trainee imports, runs, comparison, publication, exports."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from heft.accounts.access import requires
from heft.accounts.permissions import Perm
from heft.core.charts import drawn_once, grouped_bar_svg
from heft.core.ratelimit import rate_limited
from heft.preferencing import exports, selectors, services, tasks
from heft.preferencing.forms import (
    MECHANISM_HINTS,
    STABLE_EQUALS_SERIAL_DICTATORSHIP,
    InterruptionForm,
    PlaceByHandForm,
    PublishForm,
    ReallocationForm,
    RunForm,
    WindowForm,
    WindowReopenForm,
)
from heft.preferencing.models import AllocationRun
from heft.trainees.models import Interruption
from heft.trainees.services import interruption_record

POLL_SECONDS = 2  # how often the page of a run being made asks for its progress
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@requires(Perm.MANAGE_ALLOCATIONS)
@require_http_methods(["GET", "HEAD", "POST"])
def window_list(request):
    schemes = selectors.schemes_for_windows(request.user)
    form = WindowForm(request.POST if request.method == "POST" else None, schemes=schemes)
    if request.method == "POST" and form.is_valid():
        try:
            window = services.window_open(by=request.user, **form.cleaned_data)
        except services.PreferencingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"The window for {window.scheme} {window.intake} is set up.")
            return redirect("preferencing:window_detail", pk=window.pk)
    context = {"windows": selectors.windows_managed_by(request.user), "form": form}
    return render(
        request, "preferencing/staff/window_list.jinja", context, status=400 if form.errors else 200
    )


@requires(Perm.MANAGE_ALLOCATIONS)
@require_http_methods(["GET", "HEAD"])
@never_cache
def window_detail(request, pk: int):
    window = selectors.window_managed_by(request.user, pk)
    return _window_page(request, window)


def _window_page(request, window, status: int = 200, **forms):
    runs = list(selectors.runs_of(window))
    context = {
        "window": window,
        "counts": selectors.submission_counts(window),
        "rows": selectors.submission_table(window),
        "runs": runs,
        "has_published": any(run.status == "published" for run in runs),
        "places_rows": selectors.places_left_rows(window) if window.has_closed() else [],
        "under_way": list(selectors.run_requests_under_way(window)),
        "can_reopen": window.has_closed() and not selectors.window_reopen_refusal(window),
        "run_form": forms.get("run_form") or RunForm(),
        "mechanism_hints": MECHANISM_HINTS,
        "reallocation_form": forms.get("reallocation_form") or ReallocationForm(),
    }
    return render(request, "preferencing/staff/window_detail.jinja", context, status=status)


@requires(Perm.MANAGE_ALLOCATIONS)
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def window_close(request, pk: int):
    """Closing early asks first, with who has not submitted: shown on GET, done on a POST that confirms."""
    window = selectors.window_managed_by(request.user, pk)
    if request.method == "POST":
        if request.POST.get("confirm") == "yes":
            _run_service(
                request,
                lambda: services.window_close_now(window=window, by=request.user),
                "The window is closed. You can reopen it until a run is made from it.",
            )
            return redirect("preferencing:window_detail", pk=pk)
        return redirect("preferencing:window_close", pk=pk)
    context = {
        "window": window,
        "counts": selectors.submission_counts(window),
        "not_submitted": list(selectors.trainees_not_submitted(window)),
        "days_left": (window.closes_at - timezone.now()).days,
    }
    return render(request, "preferencing/staff/window_close.jinja", context)


@requires(Perm.MANAGE_ALLOCATIONS)
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def window_reopen(request, pk: int):
    """A closed window opened again with a new closing date, until a run is made from it."""
    window = selectors.window_managed_by(request.user, pk)
    posted = request.method == "POST"
    form = WindowReopenForm(
        request.POST if posted else None, planned=selectors.window_closing_planned(window)
    )
    if posted and form.is_valid():
        try:
            services.window_reopen(window=window, closes_at=form.cleaned_data["closes_at"], by=request.user)
        except services.PreferencingError as error:
            form.add_error(None, str(error))
        else:
            closes = timezone.localtime(form.cleaned_data["closes_at"]).strftime("%H:%M on %-d %B %Y")
            messages.success(request, f"The window is open again until {closes}.")
            return redirect("preferencing:window_detail", pk=pk)
    context = {
        "window": window,
        "form": form,
        "refusal": selectors.window_reopen_refusal(window),
        "counts": selectors.submission_counts(window),
    }
    return render(
        request, "preferencing/staff/window_reopen.jinja", context, status=400 if form.errors else 200
    )


@requires(Perm.MANAGE_ALLOCATIONS)
@require_POST
def window_remind(request, pk: int):
    window = selectors.window_managed_by(request.user, pk)
    tasks.send_window_reminders.enqueue(window.pk)
    messages.success(request, "Reminders are being sent to everyone who has not submitted.")
    return redirect("preferencing:window_detail", pk=pk)


@requires(Perm.MANAGE_ALLOCATIONS)
@require_POST
def run_create(request, pk: int):
    window = selectors.window_managed_by(request.user, pk)
    form = RunForm(request.POST)
    if form.is_valid():
        try:
            asked = services.run_request(
                window=window, kind=AllocationRun.Kind.INITIAL, by=request.user, **form.cleaned_data
            )
        except services.PreferencingError as error:
            form.add_error(None, str(error))
        else:
            return _follow_run_request(request, asked)
    return _window_page(request, window, status=400, run_form=form)


@requires(Perm.MANAGE_ALLOCATIONS)
@require_POST
def refill(request, pk: int):
    window = selectors.window_managed_by(request.user, pk)
    kind = AllocationRun.Kind.REFILL
    asked = _run_service(request, lambda: services.run_request(window=window, kind=kind, by=request.user), "")
    return _follow_run_request(request, asked) if asked else redirect("preferencing:window_detail", pk=pk)


@requires(Perm.MANAGE_ALLOCATIONS)
@require_POST
def reallocate(request, pk: int):
    window = selectors.window_managed_by(request.user, pk)
    form = ReallocationForm(request.POST)
    if form.is_valid():
        try:
            asked = services.run_request(
                window=window,
                kind=AllocationRun.Kind.REALLOCATION,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except services.PreferencingError as error:
            form.add_error(None, str(error))
        else:
            return _follow_run_request(request, asked)
    return _window_page(request, window, status=400, reallocation_form=form)


def _follow_run_request(request, asked):
    """Straight to the run when it is already made (by a worker in this process, as in tests), else to the
    page that follows its progress."""
    if asked.status == asked.Status.READY:
        messages.success(request, f"Draft run {asked.run_id} is ready to review.")
        return redirect("preferencing:run_detail", pk=asked.run_id)
    return redirect("preferencing:run_request", pk=asked.pk)


@requires(Perm.MANAGE_ALLOCATIONS)
@require_http_methods(["GET", "HEAD"])
@never_cache
def run_request_detail(request, pk: int):
    """A run being made in the background: its progress, then a link to the run (or why none was made).
    While it runs, htmx asks again for the status panel; without JavaScript the page reloads itself."""
    asked = selectors.run_request_managed_by(request.user, pk)
    context = {"asked": asked, "poll_seconds": POLL_SECONDS}
    if request.headers.get("HX-Request"):
        return render(request, "preferencing/staff/_run_request_status.jinja", context)
    return render(request, "preferencing/staff/run_request.jinja", context)


@requires(Perm.MANAGE_ALLOCATIONS)
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def membership_interrupt(request, pk: int, membership_pk: int):
    """Record time out and release the HEFT place: the kind and start are checked, then confirmed on a page
    whose only field is hidden, so Enter in the date can never release the place."""
    window = selectors.window_managed_by(request.user, pk)
    member = selectors.membership_to_place(window, membership_pk)
    posted = request.method == "POST"
    form = InterruptionForm(request.POST if posted else None)
    confirming = posted and form.is_valid() and request.POST.get("confirm") != "yes"
    if posted and form.is_valid() and not confirming:
        try:
            # An explicit decision, audited and emailed like one made on the trainee record (time out by
            # itself never releases a place).
            interruption_record(
                membership=member["membership"],
                by=request.user,
                heft_place=Interruption.HeftPlace.RELEASED,
                heft_place_reason="Recorded from the allocation page when you interrupted training.",
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"Interruption recorded for {member['trainee'].full_name}; HEFT place released."
            )
            return redirect("preferencing:window_detail", pk=pk)
    context = {"window": window, **member, "form": form, "confirming": confirming}
    return render(
        request, "preferencing/staff/membership_interrupt.jinja", context, status=400 if form.errors else 200
    )


@requires(Perm.MANAGE_ALLOCATIONS)
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def run_detail(request, pk: int):
    """The run, and publishing it in two steps: the deadline and what publishing does, then confirm."""
    run = selectors.run_managed_by(request.user, pk)
    form = PublishForm(request.POST if request.method == "POST" else None)
    confirming = False
    if request.method == "POST" and form.is_valid():
        if "confirm" not in request.POST:
            confirming = True
        else:
            try:
                services.run_publish(run=run, by=request.user, **form.cleaned_data)
            except services.PreferencingError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Published: the offers are out and the trainees are being emailed.")
                return redirect("preferencing:run_detail", pk=run.pk)
    rows = selectors.run_rows(run)
    context = {
        "run": run,
        "form": form,
        "confirming": confirming,
        "rows": rows,
        "counts": selectors.run_counts({row["outcome"].trainee_id: row["outcome"] for row in rows}),
        "preview": selectors.publication_preview(run) if run.status == "draft" else None,
        "stable_note": STABLE_EQUALS_SERIAL_DICTATORSHIP
        if selectors.stable_equals_serial_dictatorship(run)
        else "",
    }
    return render(request, "preferencing/staff/run_detail.jinja", context, status=400 if form.errors else 200)


@requires(Perm.MANAGE_ALLOCATIONS)
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def place_by_hand(request, pk: int, membership_pk: int):
    """Place one member without a place into a rotation with room, with a reason; checked, then confirmed."""
    window = selectors.window_managed_by(request.user, pk)
    member = selectors.membership_to_place(window, membership_pk)
    posted = request.method == "POST"
    form = PlaceByHandForm(request.POST if posted else None, rotations=member["rotations"])
    confirming = False
    if posted and form.is_valid():
        if "confirm" not in request.POST:
            confirming = True
        else:
            try:
                offer = services.offer_place_by_hand(
                    window=window,
                    membership=member["membership"],
                    rotation_code=form.cleaned_data["rotation"],
                    reason=form.cleaned_data["reason"],
                    respond_by=form.cleaned_data["respond_by"],
                    by=request.user,
                )
            except services.PreferencingError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"{member['trainee'].full_name} is offered {offer.rotation.code} and is being emailed.",
                )
                return redirect("preferencing:window_detail", pk=window.pk)
    context = {"window": window, **member, "form": form, "confirming": confirming}
    return render(
        request, "preferencing/staff/place_by_hand.jinja", context, status=400 if form.errors else 200
    )


@requires(Perm.MANAGE_ALLOCATIONS)
@require_http_methods(["GET", "HEAD"])
def run_compare(request, pk: int):
    window = selectors.window_managed_by(request.user, pk)
    comparison = selectors.run_comparison(window, _run_ids(request))
    context = {"window": window, **comparison, "stable_note": STABLE_EQUALS_SERIAL_DICTATORSHIP}
    return render(request, "preferencing/staff/run_compare.jinja", context)


@requires(Perm.MANAGE_ALLOCATIONS)
@require_http_methods(["GET", "HEAD"])
def run_compare_chart(request, pk: int):
    window = selectors.window_managed_by(request.user, pk)
    comparison = selectors.run_comparison(window, _run_ids(request))
    choices = [str(c) for c in comparison["choices"]]
    series = {f"Run {row['run'].pk} ({row['run'].mechanism})": row["profile"] for row in comparison["rows"]}
    svg = drawn_once("run-compare", (choices, series), lambda: _comparison_svg(choices, series))
    return HttpResponse(svg, content_type="image/svg+xml")


def _comparison_svg(choices: list[str], series: dict[str, list[int]]) -> bytes:
    title = "Trainees by the choice they would get"
    return grouped_bar_svg(choices, series, title=title, xlabel="Choice number", ylabel="Trainees")


def _run_ids(request) -> list[int]:
    return [int(value) for value in request.GET.getlist("run") if value.isdigit()][:6]


@requires(Perm.MANAGE_ALLOCATIONS)
@require_http_methods(["GET", "HEAD"])
@rate_limited("exports")
def window_export(request, pk: str, what: str, fmt: str):
    window = selectors.window_managed_by(request.user, int(pk))
    header, rows = exports.tis_placement_rows(window) if what == "tis" else exports.offer_rows(window)
    name = f"{window.scheme.code}-{window.intake}-{'tis-placements' if what == 'tis' else 'offers'}"
    if fmt == "xlsx":
        content = exports.as_xlsx(header, rows, sheet_title=name[:31])
    else:
        content = exports.as_csv(header, rows)
    response = HttpResponse(content, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _run_service(request, call, success: str):
    try:
        result = call()
    except services.PreferencingError as error:
        messages.error(request, str(error))
        return None
    if success:
        messages.success(request, success)
    return result
