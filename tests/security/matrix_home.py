"""The records named in the home pages' routes in the access matrix (see access_matrix.py): an open
preference window for scheme A, whose chase list its programme team downloads. The statuses are in
docs/security.md.
"""

import datetime

from django.utils import timezone

from heft.preferencing.models import PreferenceWindow

URL_KWARGS: dict[str, dict[str, str]] = {
    "home:window_chase_csv": {"pk": "chase_window_pk"},
}


def kwargs(world) -> dict[str, int]:
    now = timezone.now()
    window = PreferenceWindow.objects.create(
        scheme=world.scheme_a,
        intake="2026-08",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=1),
    )
    return {"chase_window_pk": window.pk}
