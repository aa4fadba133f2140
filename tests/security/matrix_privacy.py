"""The records named in the privacy routes' addresses in the access matrix (see access_matrix.py): trainee
A2 (scheme A, region A) and a pending retention review. The statuses are in docs/security.md.
"""

import datetime

from heft.privacy.models import RetentionKind, RetentionReview

URL_KWARGS: dict[str, dict[str, str]] = {
    "privacy:trainee_export": {"pk": "trainee_a2_pk"},
    "privacy:trainee_export_json": {"pk": "trainee_a2_pk"},
    "privacy:retention_review": {"pk": "retention_review_pk"},
}


def kwargs(world) -> dict[str, int]:
    """A pending retention review of trainee B's record."""
    review = RetentionReview.objects.create(
        kind=RetentionKind.TRAINEE,
        target_type="trainees.trainee",
        target_id=world.trainee_b.pk,
        summary=f"Trainee {world.trainee_b.pk}: training ended 1 Aug 2018",
        due_on=datetime.date(2024, 8, 1),
    )
    return {"retention_review_pk": review.pk}
