"""Where graduates work after CCT: recording outcomes and the report and chart of them."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from heft.accounts.access import requires
from heft.accounts.permissions import Perm
from heft.community import forms, selectors, services
from heft.community.views.common import GET, GET_POST, posted
from heft.core.charts import drawn_once, grouped_bar_svg
from heft.core.forms import saved


@requires(Perm.MANAGE_COMMUNITY)
@require_http_methods(GET_POST)
@never_cache
def outcomes(request):
    user = request.user
    graduates = selectors.graduates_visible_to(user)
    form = forms.OutcomeForm(posted(request), graduates=selectors.graduate_choices(user))

    def save():
        data = dict(form.cleaned_data)
        membership = graduates.get(pk=int(data.pop("graduate")))
        services.career_outcome_record(
            membership=membership, practice=data.pop("practice_code"), by=user, **data
        )

    if request.method == "POST" and saved(form, save):
        messages.success(request, "Outcome recorded.")
        return redirect("community:outcomes")
    context = {
        "form": form,
        "report": selectors.outcomes_report(user, timezone.localdate()),
        "recorded": selectors.outcomes_recorded(user)[:50],
    }
    return render(request, "community/outcomes.jinja", context, status=400 if form.errors else 200)


@requires(Perm.MANAGE_COMMUNITY)
@require_http_methods(GET)
@never_cache
def outcomes_chart(request):
    rows = selectors.outcomes_report(request.user, timezone.localdate())["rows"]
    counts = tuple((r["year"], r["graduates"], r["known"], r["deep_end"]) for r in rows)
    svg = drawn_once("outcomes", counts, lambda: _outcomes_svg(counts))
    return HttpResponse(svg, content_type="image/svg+xml")


def _outcomes_svg(counts: tuple[tuple[int, int, int, int], ...]) -> bytes:
    """The chart of these counts (year, graduates, known, Deep End)."""
    return grouped_bar_svg(
        [str(year) for year, *_ in counts],
        {
            "Graduates": [c[1] for c in counts],
            "Known one year on": [c[2] for c in counts],
            "In a Deep End practice": [c[3] for c in counts],
        },
        title="Where graduates work one year after CCT",
        xlabel="Year of CCT",
        ylabel="Graduates",
    )
