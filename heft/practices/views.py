from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from heft.accounts.access import requires
from heft.accounts.permissions import Perm
from heft.core.pagination import paginate
from heft.practices.models import Practice
from heft.practices.selectors import practice_detail as select_practice
from heft.practices.selectors import practices_list


@requires(Perm.VIEW_PRACTICES)
@require_http_methods(["GET", "HEAD"])
def practice_list(request):
    search = request.GET.get("q", "").strip()[:100]
    deep_end_only = request.GET.get("deep_end") == "1"
    practices = practices_list(search=search, deep_end_only=deep_end_only)
    context = {"page": paginate(request, practices), "search": search, "deep_end_only": deep_end_only}
    return render(request, "practices/practice_list.jinja", context)


@requires(Perm.VIEW_PRACTICES)
@require_http_methods(["GET", "HEAD"])
def practice_detail(request, ods_code: str):
    try:
        practice = select_practice(ods_code)
    except Practice.DoesNotExist:
        raise Http404 from None
    return render(request, "practices/practice_detail.jinja", {"practice": practice})
