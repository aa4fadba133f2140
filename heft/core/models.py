from django.db import models


class RateLimitCounter(models.Model):
    """The requests one caller made in one fixed window of a rate limit (heft.core.ratelimit).

    The key holds the scope, the window's number and a keyed hash of the caller: no token or address."""

    key = models.CharField(max_length=100, unique=True)
    count = models.PositiveIntegerField(default=0)
    window_ends = models.BigIntegerField(db_index=True, help_text="seconds since the epoch")

    class Meta:
        verbose_name = "rate limit counter"

    def __str__(self):
        return self.key
