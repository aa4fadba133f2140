"""Set-up that `migrate` does for accounts: the cache table that holds the sign-in throttling counts."""

from django.core.management import call_command


def create_cache_table(sender, using, **kwargs) -> None:
    """After every migrate: the database cache's table (a no-op when it exists). Tests get it from Django's
    test database creation; `make run`, the CI and a deployment from `migrate`."""
    call_command("createcachetable", database=using, verbosity=0)
