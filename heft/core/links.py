"""Links that leave the site (in emails, calendar files, exports): always from HEFT_SITE_URL, the address
people reach HEFT Hub at, never from the host name a request happened to arrive with."""

from django.conf import settings
from django.urls import reverse


def site_url(path: str = "/") -> str:
    """The full address of `path` (which starts with /)."""
    return settings.HEFT_SITE_URL + path


def site_url_for(name: str, *args, **kwargs) -> str:
    """The full address of the named route."""
    return site_url(reverse(name, args=args or None, kwargs=kwargs or None))
