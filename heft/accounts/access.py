"""How views declare who may use them. Every view in HEFT Hub carries one of these decorators."""

from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied

from heft.accounts.permissions import Perm, has_any_perm


def public(view):
    """Open to everyone, signed in or not."""
    view = login_not_required(view)
    view.heft_access = "public"
    return view


def signed_in(view):
    """Any signed-in user, whatever their role."""
    view.heft_access = "signed_in"
    return view


def requires(perm: Perm):
    """Signed-in users holding `perm`; others get 403. Record-level scope is the selectors' job."""
    return requires_any(perm)


def requires_any(*perms: Perm):
    """Signed-in users holding at least one of `perms`; others get 403. The API's twin is
    `heft.api_common.auth.require_any`; both ask `has_any_perm`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_any_perm(request.user, *perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.heft_access = " or ".join(perms)
        return wrapped

    return decorator
