"""The Jinja2 environment for every page: NHS.UK components, url(), static() and the CSP nonce. The header
menu comes from a context processor of heft.home (settings.TEMPLATES): it asks accounts' permissions."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import (
    ChainableUndefined,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    TemplateNotFound,
)

APPS_DIR = Path(__file__).resolve().parent.parent


class JinjaOnlyLoader(FileSystemLoader):
    """Finds only *.jinja files, so Django's own template engine keeps the *.html ones."""

    def get_source(self, environment, template):
        if not template.endswith(".jinja"):
            raise TemplateNotFound(template)
        return super().get_source(environment, template)


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options) -> Environment:
    app_template_dirs = sorted(str(p) for p in APPS_DIR.glob("*/templates"))
    options["loader"] = ChoiceLoader(
        [JinjaOnlyLoader(app_template_dirs), PackageLoader("nhsuk_frontend_jinja")]
    )
    options["undefined"] = ChainableUndefined
    options["autoescape"] = True
    env = Environment(**options)  # noqa: S701 (autoescape is set just above)
    env.globals.update(
        url=url,
        static=static,
        get_messages=messages.get_messages,
        service_name="HEFT Hub",
        debug=settings.DEBUG,
    )
    env.filters["localtime"] = timezone.localtime
    return env
