from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from heft.accounts.access import requires
from heft.accounts.permissions import Perm
from heft.audit_log.forms import AuditSearchForm
from heft.audit_log.selectors import audit_events_search
from heft.core.pagination import paginate


@requires(Perm.VIEW_AUDIT)
@require_http_methods(["GET", "HEAD"])
@never_cache
def event_list(request):
    form = AuditSearchForm(request.GET)
    filters = form.filters() if form.is_valid() else {}
    events = audit_events_search(request.user, **filters)
    query = urlencode({name: str(value) for name, value in filters.items()})
    context = {
        "form": form,
        "page": paginate(request, events),
        "query": f"{query}&" if query else "",
        "searched": bool(filters),
    }
    return render(request, "audit/event_list.jinja", context, status=200 if form.is_valid() else 400)
