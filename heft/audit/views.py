from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from heft.accounts.access import requires
from heft.accounts.permissions import Perm
from heft.audit.models import AuditEvent
from heft.core.pagination import paginate


@requires(Perm.VIEW_AUDIT)
@require_http_methods(["GET", "HEAD"])
def event_list(request):
    events = AuditEvent.objects.all()
    target_type = request.GET.get("target_type", "").strip()[:60]
    if target_type:
        events = events.filter(target_type=target_type)
    return render(
        request, "audit/event_list.jinja", {"page": paginate(request, events), "target_type": target_type}
    )
