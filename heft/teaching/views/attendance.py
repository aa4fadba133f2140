"""Attendance for programme leads: by session, region or trainee, with its chart; one trainee's record."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from heft.accounts.access import requires
from heft.accounts.permissions import Perm
from heft.core.pagination import paginate
from heft.teaching import charts, forms, selectors, services
from heft.teaching.views.common import GET


def _attendance_filters(request):
    form = forms.AttendanceFilterForm(request.GET or None, years=selectors.teaching_years())
    data = form.cleaned_data if form.is_valid() else {}
    by = data.get("by") or "session"
    year = data.get("year") if form.is_valid() else None
    return form, by, year


@requires(Perm.VIEW_ATTENDANCE)
@require_http_methods(GET)
@never_cache
def attendance(request):
    form, by, year = _attendance_filters(request)
    rows = selectors.attendance_summary(request.user, by=by, year=year)
    chart_query = f"by={by}" + (f"&year={year.pk}" if year else "")
    context = {
        "form": form,
        "by": by,
        "rows": rows,
        "page": paginate(request, rows),
        "chart_query": chart_query,
        "year": year,
        "most": charts.MOST_ROWS,
    }
    return render(request, "teaching/attendance.jinja", context)


@requires(Perm.VIEW_ATTENDANCE)
@require_http_methods(GET)
@never_cache
def attendance_chart(request):
    _, by, year = _attendance_filters(request)
    rows = selectors.attendance_summary(request.user, by=by, year=year)
    svg = charts.attendance_svg(rows, title=f"Attendance by {by}")
    return HttpResponse(svg, content_type="image/svg+xml")


@requires(Perm.VIEW_ATTENDANCE)
@require_http_methods(GET)
@never_cache
def trainee_attendance(request, trainee_id: int):
    trainee = selectors.trainee_attendance_or_404(request.user, trainee_id)
    services.trainee_attendance_viewed(trainee=trainee, by=request.user)
    rows = selectors.trainee_attendance_rows(trainee)
    return render(request, "teaching/trainee_attendance.jinja", {"trainee": trainee, "rows": rows})
