"""Release notices for placement supervisors: one trainee's (sent at once, from their page or a lead's),
and everyone's after a timetable is published (queued as a batch and sent in the background)."""

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
from heft.teaching import forms, release_selectors, release_services, selectors
from heft.teaching.views.common import GET, GET_POST, form_status, int_or_none, posted
from heft.trainees.selectors import own_record_or_404

POLL_SECONDS = 3


# --- one trainee ------------------------------------------------------------------------------------------


def _release_page(request, trainee, *, own: bool):
    placement = selectors.current_placement(trainee)
    sessions = list(selectors.release_sessions(trainee, placement))
    supervisor = release_selectors.supervisor_for(placement)
    initial = {"supervisor_name": supervisor.name, "supervisor_email": supervisor.email} if supervisor else {}
    form = forms.ReleaseEmailForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            notice = release_services.release_notice_send(
                trainee=trainee, placement=placement, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"The release notice was emailed to {notice.supervisor_email}.")
            return redirect(request.path)
    context = {
        "trainee": trainee,
        "placement": placement,
        "sessions": sessions,
        "form": form,
        "own": own,
        "supervisor": supervisor,
        "sent": release_selectors.recent_release_notices(trainee),
        "today": timezone.localdate(),
    }
    return render(request, "teaching/release_notice.jinja", context, status=form_status(form))


@requires(Perm.ATTEND_SESSIONS)
@require_http_methods(GET_POST)
@never_cache
def release_notice(request):
    return _release_page(request, own_record_or_404(request.user), own=True)


@requires(Perm.VIEW_ATTENDANCE)
@require_http_methods(GET_POST)
@never_cache
def trainee_release_notice(request, trainee_id: int):
    return _release_page(request, selectors.trainee_attendance_or_404(request.user, trainee_id), own=False)


# --- everyone affected by a published timetable -----------------------------------------------------------


def _notices_url(year, region) -> str:
    url = reverse("teaching:release_notices", kwargs={"year_id": year.pk})
    return url + (f"?{urlencode({'region': region.code})}" if region else "")


@requires(Perm.VIEW_ATTENDANCE)
@require_http_methods(GET_POST)
@never_cache
def release_notices(request, year_id: int):
    """Every trainee in scope whose placement coincides with the year's coming sessions, with their
    supervisor and what was sent; choose, review, then send. Sending queues a batch (see release_batch)."""
    user = request.user
    year = selectors.year_or_404(year_id)
    code = (request.POST if request.method == "POST" else request.GET).get("region", "")
    region = selectors.region_or_404(code) if code else None
    regions = release_selectors.regions_with_attendance_visible_to(user)
    # Across England a single list would hold every HEFT trainee: one region at a time.
    choose_region = region is None and len(regions) > 1
    overview = (
        release_selectors.ReleaseOverview([], [])
        if choose_region
        else release_selectors.release_overview(user, year, region=region)
    )
    select_all = request.GET.get("select") == "all"
    initial = [r.placement.pk for r in overview.rows if r.supervisor and (select_all or r.needs_notice)]
    form = forms.ReleaseSelectionForm(posted(request), rows=overview.rows, initial={"placements": initial})
    reviewing = None
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["placements"]
        if request.POST.get("action") == "send":
            try:
                batch = release_services.release_notices_queue(
                    year=year, region=region, placement_ids=chosen, by=user
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                count = len(chosen)
                messages.success(
                    request, f"{count} release notice{'s are' if count != 1 else ' is'} being sent."
                )
                return redirect("teaching:release_batch", pk=batch.pk)
        else:
            reviewing = [r for r in overview.rows if r.placement.pk in chosen]
    preview_id = int_or_none(request.GET.get("preview"))
    context = {
        "year": year,
        "region": region,
        "regions": regions,
        "choose_region": choose_region,
        "overview": overview,
        "form": form,
        "chosen": {str(pk) for pk in (form["placements"].value() or [])},
        "reviewing": reviewing,
        "preview": next((r for r in overview.rows if r.placement.pk == preview_id), None)
        or next(iter(overview.rows), None),
        "batches": release_selectors.release_batches_for(user, year),
        "today": timezone.localdate(),
    }
    return render(request, "teaching/release_notices.jinja", context, status=form_status(form))


@requires(Perm.VIEW_ATTENDANCE)
@require_http_methods(GET)
@never_cache
def release_batch(request, pk: int):
    """A batch's progress; while notices wait to be sent, htmx asks again every few seconds for the status
    alone. The page can be left: the background task carries on."""
    batch, notices = release_selectors.release_batch_or_404(request.user, pk)
    context = {
        "batch": batch,
        "notices": notices,
        "progress": release_selectors.batch_progress(notices),
        "poll_seconds": POLL_SECONDS,
        "back": _notices_url(batch.year, batch.region),
    }
    partial = request.headers.get("HX-Request") == "true"
    template = "teaching/_release_batch_status.jinja" if partial else "teaching/release_batch.jinja"
    return render(request, template, context)


@requires(Perm.VIEW_ATTENDANCE)
@require_http_methods(GET_POST)
@never_cache
def release_supervisor(request, year_id: int, placement_id: int):
    """Correct who a placement's release notices go to; the correction is kept for its later notices."""
    year = selectors.year_or_404(year_id)
    row = release_selectors.release_row_for(request.user, year, placement_id)
    region = selectors.region_or_404(request.GET["region"]) if request.GET.get("region") else None
    current = row.supervisor
    initial = {"supervisor_name": current.name, "supervisor_email": current.email} if current else {}
    form = forms.ReleaseEmailForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = release_services.placement_supervisor_correct(
                placement=row.placement,
                name=form.cleaned_data["supervisor_name"],
                email=form.cleaned_data["supervisor_email"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            who = form.cleaned_data["supervisor_email"]
            note = f"{row.trainee.full_name}'s notices now go to {who}." if changed else "Nothing changed."
            messages.success(request, note)
            return redirect(_notices_url(year, region))
    context = {
        "year": year,
        "row": row,
        "form": form,
        "own": release_selectors.placement_own_supervisor(row.placement),
        "back": _notices_url(year, region),
    }
    return render(request, "teaching/release_supervisor.jinja", context, status=form_status(form))
