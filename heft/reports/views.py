from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from heft.accounts.access import requires
from heft.accounts.permissions import Perm
from heft.core.exports import csv_response, xlsx_response
from heft.core.pagination import paginate
from heft.core.ratelimit import rate_limited
from heft.reports.exports import xlsx_cached
from heft.reports.forms import EquityFilterForm
from heft.reports.report import (
    QUINTILE_LABELS,
    SUMMARY_HEADER,
    TRAINEE_HEADER,
    deep_end_chart,
    equity_report,
    quintile_chart,
    summary_table,
    trainee_table,
)
from heft.reports.selectors import GROUPINGS


@requires(Perm.VIEW_REPORTS)
@require_http_methods(["GET", "HEAD"])
@never_cache
def equity(request):
    form = EquityFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    report = equity_report(request.user, **filters)
    context = {
        "form": form,
        "filters": filters,
        "report": report,
        "grouping": GROUPINGS[report.by].lower(),
        "page": paginate(request, report.rows),
        "charts": {"deep_end": deep_end_chart(report), "quintiles": quintile_chart(report)}
        if report.rows
        else {},
        "quintile_labels": QUINTILE_LABELS,
        "query": _query_without_page(request),
    }
    return render(request, "reports/equity.jinja", context)


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@requires(Perm.VIEW_REPORTS)
@require_http_methods(["GET", "HEAD"])
@rate_limited("exports")
def equity_export(request):
    """The equity report's numbers: CSV (one row per trainee) or Excel (trainees and both summaries)."""
    filters = EquityFilterForm(request.GET or None, user=request.user).filters()
    report = equity_report(request.user, **filters)
    if request.GET.get("format") == "xlsx":
        sheets = {
            "Trainees": (TRAINEE_HEADER, trainee_table(report.rows)),
            f"By {GROUPINGS[report.by].lower()}": (SUMMARY_HEADER, summary_table(report.groups)),
            "HEFT compared": (SUMMARY_HEADER, summary_table(report.modes)),
        }
        return xlsx_response("heft-equity-exposure.xlsx", xlsx_cached(sheets))
    return csv_response("heft-equity-exposure.csv", TRAINEE_HEADER, trainee_table(report.rows))
