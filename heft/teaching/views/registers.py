"""Running a session: the register (search, "mark all present", an online meeting's attendance report) and
the feedback trainees gave."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from heft.accounts.access import requires
from heft.accounts.permissions import Perm
from heft.core.forms import add_service_error
from heft.teaching import forms, meeting_reports, registers, selectors, services
from heft.teaching.models import Attendance
from heft.teaching.selectors import CHECK_IN_OPENS
from heft.teaching.views.common import GET, GET_POST, form_status


def _changes(count: int) -> str:
    return f"{count} change{'s' if count != 1 else ''}"


def _register_url(session, search: str = "", show: str = "") -> str:
    query = {key: value for key, value in (("q", search), ("show", show)) if value}
    return reverse("teaching:register", kwargs={"pk": session.pk}) + (f"?{urlencode(query)}" if query else "")


@requires(Perm.RUN_SESSIONS)
@require_http_methods(GET_POST)
@never_cache
def register(request, pk: int):
    """The register. Its search and filter post the form back with action=filter (htmx swaps in the rows
    alone), so marks not yet saved travel with it; without JavaScript the Filter button does the same."""
    session = selectors.session_runnable_or_404(request.user, pk)
    data = request.POST if request.method == "POST" else request.GET
    search, show = data.get("q", "").strip()[:100], data.get("show", "")
    show = show if show in registers.SHOW else ""
    action = request.POST.get("action", "save") if request.method == "POST" else None
    if action == "all_present":
        return _mark_all_present(request, session, search, show)
    trainees = selectors.register_trainee_list(request.user, session)
    existing = selectors.session_attendance(session)
    form = forms.RegisterForm(
        request.POST if action == "save" else None, trainees=trainees, existing=existing
    )
    if action == "save" and form.is_valid():
        try:
            changed = services.register_record(session=session, marks=form.marks(), by=request.user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Register saved: {_changes(changed)}.")
            return redirect(_register_url(session, search, show))
    marks = registers.posted_marks(request.POST, trainees) if action else {}
    context = {
        "session": session,
        "form": form,
        "view": registers.register_view(trainees, existing, marks, search=search, show=show),
        "search": search,
        "show": show,
        "shows": registers.SHOW,
        "statuses": Attendance.Status.choices,
        "started": timezone.now() >= session.start - CHECK_IN_OPENS,
        "partial": request.headers.get("HX-Request") == "true",
    }
    template = "teaching/_register_rows.jinja" if context["partial"] else "teaching/register.jinja"
    return render(request, template, context, status=form_status(form))


def _mark_all_present(request, session, search: str, show: str):
    try:
        changed = services.register_mark_all_present(session=session, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Marked {changed} trainee{'s' if changed != 1 else ''} present. Change anyone who did not come, "
            "then save the register.",
        )
    return redirect(_register_url(session, search, show))


@requires(Perm.RUN_SESSIONS)
@require_http_methods(GET_POST)
@never_cache
def register_import(request, pk: int):
    """Upload the online meeting's attendance report, check what it matched, then confirm: nothing is
    recorded before the confirmation."""
    session = selectors.session_runnable_or_404(request.user, pk)
    trainees = selectors.register_trainee_list(request.user, session)
    existing = selectors.session_attendance(session)
    confirming = request.POST.get("action") == "confirm"
    upload = forms.MeetingReportForm(
        request.POST if request.method == "POST" and not confirming else None, request.FILES or None
    )
    match = confirm = None
    if confirming:
        match, confirm, problem = _confirmation(request, trainees, existing)
        if problem:
            upload = forms.MeetingReportForm({}, {})  # bound: asks for the file again
            upload.add_error(None, problem)
        elif confirm.is_valid():
            try:
                changed = _record_import(request, session, match, confirm, trainees)
            except ValidationError as error:
                add_service_error(confirm, error)
            else:
                messages.success(
                    request, f"Attendance from the meeting's report recorded: {_changes(changed)}."
                )
                return redirect("teaching:register", pk=session.pk)
    elif request.method == "POST" and upload.is_valid():
        match, confirm = _preview(upload, trainees, existing)
    context = {"session": session, "upload": upload, "match": match, "confirm": confirm}
    return render(request, "teaching/register_import.jinja", context, status=form_status(upload, confirm))


def _preview(upload, trainees, existing):
    try:
        text = meeting_reports.decode(upload.cleaned_data["report"].read())
        report = meeting_reports.parse_report(text)
    except meeting_reports.ReportError as error:
        upload.add_error("report", str(error))
        return None, None
    match = registers.match_report(report, trainees, existing)
    initial = {"report": registers.carried(text), "attend": [row.index for row in match.matched]}
    return match, forms.ImportConfirmForm(initial=initial, match=match, trainees=trainees)


def _confirmation(request, trainees, existing):
    """The report the preview carried, matched again, and the person's choices; or what went wrong."""
    try:
        report = registers.report_carried(request.POST.get("report", ""))
    except meeting_reports.ReportError as error:
        return None, None, str(error)
    match = registers.match_report(report, trainees, existing)
    return match, forms.ImportConfirmForm(request.POST, match=match, trainees=trainees), None


def _record_import(request, session, match, confirm, trainees) -> int:
    chosen = confirm.chosen()
    attend = set(confirm.cleaned_data["attend"])
    marks = registers.import_marks(match, attend, chosen, confirm.cleaned_data["absent_rest"], trainees)
    summary = registers.import_summary(match, marks, chosen)
    return services.register_import(session=session, marks=marks, summary=summary, by=request.user)


@requires(Perm.RUN_SESSIONS)
@require_http_methods(GET)
@never_cache
def feedback_summary(request):
    sessions = selectors.feedback_sessions_for(request.user)
    context = {"sessions": sessions, "topics": selectors.feedback_by_topic(sessions)}
    return render(request, "teaching/feedback_summary.jinja", context)
