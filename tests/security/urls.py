"""Every URL pattern of the project, by name, with the view behind it."""

from django.urls import URLPattern, URLResolver, get_resolver


def all_routes(patterns=None, namespace: str = "") -> list[tuple[str, str, object]]:
    """(name, route, view) for every named pattern, namespaces joined with ':'."""
    routes = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else (pattern.namespace or namespace)
            )
            routes += [
                (n, str(pattern.pattern) + r, v) for n, r, v in all_routes(pattern.url_patterns, inner)
            ]
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            routes.append((name, str(pattern.pattern), pattern.callback))
    return routes
